"""国库集中支付 (payment) voucher files: XLSX or CSV with element names or Chinese titles.

A file belongs to the budget year its vouchers were paid in (``voucher_year``). Each voucher is linked to an
appropriation the importing region may pay from in that year — the year's own, or a balance carried into it —
(by bgt_id, or by cor_bgt_doc_no and the function code) and refused when it would overspend it, when its function
code or direct-fund tag differs, or when it is dated outside the year. Every problem of the file is reported at
once.
"""

import datetime
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .docno import DocNoError, normalise_docno
from .money import MoneyError, format_yuan, parse_amount
from .problems import Problem, Where
from .tabular import (
    Header,
    Table,
    alias_index,
    cell_text,
    compact_text,
    find_header,
    is_blank,
    repeated_columns_problems,
)

COLUMNS: dict[str, tuple[str, ...]] = {
    "pay_cert_no": ("支付凭证号", "凭证号"),
    "bgt_id": ("指标主键", "指标ID", "指标编号"),
    "cor_bgt_doc_no": ("本级指标文号", "指标文号"),
    "exp_func_code": ("支出功能分类科目", "支出功能分类科目编码", "功能分类科目"),
    "pay_amt": ("支付金额", "凭证金额", "申请支付金额"),
    "xpay_amt": ("实际支付金额", "实付金额"),
    "xpay_date": ("实际支付日期", "支付日期"),
    "payee_acct_name": ("收款人", "收款人全称", "收款人名称", "payee"),
    "is_dir": ("直达资金标识",),
    "pro_code": ("项目代码",),
    "use_des": ("用途",),
}
TITLES = {element: titles[0] for element, titles in COLUMNS.items()}
REQUIRED = ("pay_cert_no", "exp_func_code", "pay_amt", "xpay_amt", "xpay_date", "payee_acct_name")
_ALIASES = alias_index(COLUMNS)
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


@dataclass(frozen=True)
class PaymentRecord:
    row: int
    pay_cert_no: str
    bgt_id: str
    cor_bgt_doc_no: str
    exp_func_code: str
    pay_amt: Decimal
    xpay_amt: Decimal
    xpay_date: datetime.date
    payee_acct_name: str
    is_dir: str = ""
    pro_code: str = ""
    use_des: str = ""


@dataclass(frozen=True)
class AppropriationInfo:
    """An appropriation of the importing region, as the payment rules need it."""

    bgt_id: str
    cor_bgt_doc_nos: frozenset[str]
    exp_func_code: str
    is_dir: str
    available: Decimal
    """Registered − already paid (− taken back, for a balance carried over)."""
    fiscal_year: int = 0
    """The appropriation's own year (a balance carried into a later year keeps it)."""


def parse_date(value: object) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = compact_text(value)
    if len(text) == 8 and text.isdigit():
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    match = _DATE.match(text)
    if not match:
        return None
    try:
        return datetime.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def find_payment_header(table: Table) -> Header | None:
    header = find_header(table, _ALIASES, required=REQUIRED)
    return header if header is not None and {"bgt_id", "cor_bgt_doc_no"} & header.positions.keys() else None


def parse_payments(table: Table) -> tuple[list[PaymentRecord], list[Problem]]:
    header = find_payment_header(table)
    if header is not None and header.repeated:
        return [], repeated_columns_problems(table, header)
    if header is None:
        names = "、".join(TITLES[r] for r in REQUIRED)
        return [], [
            Problem(
                "MISSING_COLUMNS",
                f"未找到支付凭证的表头（需包含：{names}，以及指标主键或本级指标文号）",
                Where(sheet=table.sheet),
            )
        ]
    records, problems = [], []
    for index in range(header.row_index + 1, len(table.rows)):
        if is_blank(table.rows[index]):
            continue
        reader = _Row(table, header, table.rows[index], table.first_row + index)
        record = reader.record()
        problems += reader.problems
        if record is not None:
            records.append(record)
    if not records and not problems:
        problems.append(Problem("EMPTY", "文件中没有支付凭证", Where(sheet=table.sheet)))
    return records, problems


class _Row:
    """One voucher row, read by element, collecting every problem with its place."""

    def __init__(self, table: Table, header: Header, row: Sequence[object], number: int) -> None:
        self.table, self.header, self.row, self.number = table, header, row, number
        self.problems: list[Problem] = []

    def cell(self, element: str) -> object:
        position = self.header.positions.get(element)
        return self.row[position] if position is not None and position < len(self.row) else None

    def problem(self, code: str, element: str, message: str) -> None:
        column = self.header.titles.get(element) or TITLES[element]
        self.problems.append(
            Problem(code, message, Where(sheet=self.table.sheet, row=self.number, column=column))
        )

    def code(self, element: str, *, required: bool = False) -> str:
        value = compact_text(self.cell(element))
        if required and not value:
            self.problem("REQUIRED", element, "必填项为空")
        return value

    def doc_no(self) -> str:
        doc = cell_text(self.cell("cor_bgt_doc_no"))
        if not doc:
            return ""
        try:
            return normalise_docno(doc)
        except DocNoError as exc:
            self.problem("BAD_DOCNO", "cor_bgt_doc_no", str(exc))
            return ""

    def amount(self, element: str) -> Decimal | None:
        try:
            value = parse_amount(compact_text(self.cell(element)))
        except MoneyError as exc:
            self.problem("BAD_AMOUNT", element, str(exc))
            return None
        if value <= 0:
            self.problem("NOT_POSITIVE", element, "金额应大于零")
        return value

    def record(self) -> PaymentRecord | None:
        number, bgt_id, code = (
            self.code("pay_cert_no", required=True),
            self.code("bgt_id"),
            self.code("exp_func_code", required=True),
        )
        doc = self.doc_no()
        if not bgt_id and not doc:
            self.problem("REQUIRED", "bgt_id", "指标主键和本级指标文号至少填写一项")
        pay_amt, xpay_amt = self.amount("pay_amt"), self.amount("xpay_amt")
        if pay_amt is not None and xpay_amt is not None and xpay_amt > pay_amt:
            self.problem(
                "PAID_ABOVE_VOUCHER",
                "xpay_amt",
                f"实际支付金额{format_yuan(xpay_amt)}元大于支付金额{format_yuan(pay_amt)}元",
            )
        date = parse_date(self.cell("xpay_date"))
        if date is None:
            self.problem("BAD_DATE", "xpay_date", f"“{cell_text(self.cell('xpay_date'))}”不是有效的日期")
        payee = cell_text(self.cell("payee_acct_name"))
        if not payee:
            self.problem("REQUIRED", "payee_acct_name", "必填项为空")
        if self.problems or date is None or pay_amt is None or xpay_amt is None:
            return None
        return PaymentRecord(
            row=self.number,
            pay_cert_no=number,
            bgt_id=bgt_id,
            cor_bgt_doc_no=doc,
            exp_func_code=code,
            pay_amt=pay_amt,
            xpay_amt=xpay_amt,
            xpay_date=date,
            payee_acct_name=payee,
            is_dir=self.code("is_dir").split("-")[0],
            pro_code=self.code("pro_code"),
            use_des=cell_text(self.cell("use_des")),
        )


def resolve(record: PaymentRecord, appropriations: Sequence[AppropriationInfo]) -> list[AppropriationInfo]:
    """The appropriations a voucher may belong to: by bgt_id, else by cor_bgt_doc_no (and function code)."""
    if record.bgt_id:
        return [a for a in appropriations if a.bgt_id == record.bgt_id]
    by_doc = [a for a in appropriations if record.cor_bgt_doc_no in a.cor_bgt_doc_nos]
    narrowed = [a for a in by_doc if a.exp_func_code == record.exp_func_code]
    return narrowed or by_doc


def voucher_year(records: Sequence[PaymentRecord]) -> int | None:
    """The budget year of a file: the year most of its vouchers were paid in (the latest of equals); the others
    are then refused as outside it. None for a file without a readable voucher."""
    years = Counter(r.xpay_date.year for r in records)
    return max(years, key=lambda y: (years[y], y)) if years else None


def _not_in_year(key: str, found: AppropriationInfo, fiscal_year: int) -> str:
    if found.fiscal_year > fiscal_year:
        return f"指标“{key}”是{found.fiscal_year}年度的指标，不能用于{fiscal_year}年度的支付"
    return (
        f"指标“{key}”是{found.fiscal_year}年度的指标，其结余未结转到{fiscal_year}年度："
        f"{fiscal_year - 1}年度年终结转审核通过后，结转的资金方可在{fiscal_year}年度支付"
    )


def check_payments(
    records: Sequence[PaymentRecord],
    *,
    appropriations: Sequence[AppropriationInfo],
    fiscal_year: int,
    stored_numbers: set[str],
    sheet: str = "",
    elsewhere: Sequence[AppropriationInfo] = (),
) -> tuple[dict[int, AppropriationInfo], list[Problem]]:
    """Link each voucher to its appropriation (row → appropriation) and report every rule it breaks.

    ``appropriations`` are those the year may pay from (its own and the balances carried into it);
    ``elsewhere`` the region's others, named when a voucher points at one of them."""
    links: dict[int, AppropriationInfo] = {}
    problems: list[Problem] = []
    spent: dict[str, Decimal] = {}
    seen: dict[str, int] = {}

    def add(code: str, record: PaymentRecord, column: str, message: str, **numbers: Decimal | str) -> None:
        problems.append(
            Problem(code, message, Where(sheet=sheet, row=record.row, column=TITLES[column]), numbers=numbers)
        )

    for record in records:
        if record.pay_cert_no in stored_numbers:
            add("DUPLICATE_STORED", record, "pay_cert_no", f"支付凭证号“{record.pay_cert_no}”已导入过")
        if record.pay_cert_no in seen:
            add(
                "DUPLICATE_IN_FILE",
                record,
                "pay_cert_no",
                f"与第{seen[record.pay_cert_no]}行的支付凭证号重复",
            )
        seen.setdefault(record.pay_cert_no, record.row)
        if record.xpay_date.year != fiscal_year:
            add(
                "OUTSIDE_YEAR",
                record,
                "xpay_date",
                f"实际支付日期{record.xpay_date.isoformat()}不在{fiscal_year}预算年度内",
            )
        found = resolve(record, appropriations)
        key = record.bgt_id or record.cor_bgt_doc_no
        if not found:
            column = "bgt_id" if record.bgt_id else "cor_bgt_doc_no"
            other = resolve(record, elsewhere)
            if other:
                add("NOT_IN_YEAR", record, column, _not_in_year(key, other[0], fiscal_year))
            else:
                add("UNKNOWN_APPROPRIATION", record, column, f"本地区没有指标“{key}”")
            continue
        if len(found) > 1:
            add(
                "AMBIGUOUS_APPROPRIATION",
                record,
                "cor_bgt_doc_no",
                f"文号“{key}”对应多个指标，请填写指标主键（bgt_id）",
            )
            continue
        target = found[0]
        links[record.row] = target
        if record.exp_func_code != target.exp_func_code:
            add(
                "CODE_MISMATCH",
                record,
                "exp_func_code",
                f"支出功能分类科目{record.exp_func_code}与指标的科目{target.exp_func_code}不一致",
            )
        if record.is_dir and record.is_dir != target.is_dir:
            add(
                "TAG_MISMATCH",
                record,
                "is_dir",
                f"直达资金标识{record.is_dir}与指标的标识{target.is_dir}不一致，标识必须保持不变",
            )
        spent[target.bgt_id] = spent.get(target.bgt_id, Decimal(0)) + record.xpay_amt
        if spent[target.bgt_id] > target.available:
            add(
                "OVERSPEND",
                record,
                "xpay_amt",
                f"指标{target.bgt_id}可用余额{format_yuan(target.available)}元，累计支付{format_yuan(spent[target.bgt_id])}元，"
                f"超支{format_yuan(spent[target.bgt_id] - target.available)}元",
                available=target.available,
                spent=spent[target.bgt_id],
            )
    return links, problems
