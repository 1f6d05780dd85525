"""到人到户发放 (disbursement) files: the 直达资金监控系统 person templates and the same columns as CSV.

Two layouts are in use: ``benefitPeopleByPerson.xls`` (13 columns, national) and ``benifitPersonTemp.xls``
(14 columns with 项目代码 first and coded values such as ``01-身份证号``, ``1-到人``). Columns are found by title or
element name, so both (and CSV with either naming) read the same way. Every problem of the file is reported
with sheet, row and column; amounts are kept as integer fen.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .identity import mask, ric_problem
from .money import MoneyError, from_fen, parse_amount, to_fen
from .problems import Problem, Where
from .tabular import Header, Table, alias_index, cell_text, compact_text, find_header, is_blank

#: element → accepted Chinese titles (the templates' own, without the ``*``).
COLUMNS: dict[str, tuple[str, ...]] = {
    "pro_code": ("项目代码",),
    "pay_cert_no": ("支付凭证号",),
    "town_code": ("街道(乡镇)编码", "乡镇编码"),
    "town_name": ("街道(乡镇)名称", "乡镇名称"),
    "village_code": ("村编码",),
    "village_name": ("村名称",),
    "per_name": ("姓名",),
    "iden_type": ("证件类型",),
    "iden_no": ("证件号码",),
    "to_peop_family": ("按户或按人补助",),
    "pay_amt": ("应发金额(元)", "应发金额"),
    "xpay_amt": ("实发金额(元)", "实发金额"),
    "add_word": ("备注",),
    "pay_month": ("发放月份",),
}
TITLES = {element: titles[0] for element, titles in COLUMNS.items()}
REQUIRED = (
    "pay_cert_no",
    "per_name",
    "iden_type",
    "iden_no",
    "to_peop_family",
    "pay_amt",
    "xpay_amt",
    "pay_month",
)
#: The national template's 13 columns, in order (the export writes these).
TEMPLATE_13 = (
    "town_code",
    "town_name",
    "village_code",
    "village_name",
    "per_name",
    "iden_type",
    "iden_no",
    "to_peop_family",
    "pay_amt",
    "xpay_amt",
    "add_word",
    "pay_month",
    "pay_cert_no",
)
TEMPLATE_14 = ("pro_code", "pay_cert_no", *TEMPLATE_13[:-1])
_ALIASES = alias_index(COLUMNS)

IDEN_TYPES = {
    "01": "身份证号",
    "02": "残疾人证号",
    "03": "护照号",
    "04": "无法查明身份信息的流浪乞讨人员",
    "05": "优抚安置",
}
FAMILY = {"01": "到人", "02": "到户"}
ANNUAL = "全年"
_CODED = re.compile(r"^(\d{1,2})(?:[-－—_.、](.*))?$")
_MONTH = re.compile(r"^(\d{1,2})月?$")
_PLAIN_AMOUNT = re.compile(r"^(\d{1,13})(?:\.(\d{1,2}))?$")


@dataclass(frozen=True, slots=True)
class PayoutRecord:
    """One person's (or household's) payout as read from a file; amounts in fen."""

    row: int
    pay_cert_no: str
    per_name: str
    iden_type: str
    """01 … 05."""
    iden_no: str
    to_peop_family: str
    """01 到人, 02 到户."""
    pay_amt: int
    """应发, fen."""
    xpay_amt: int
    """实发, fen."""
    pay_month: str
    """``01`` … ``12`` or ``全年``."""
    town_code: str = ""
    town_name: str = ""
    village_code: str = ""
    village_name: str = ""
    add_word: str = ""
    pro_code: str = ""


def parse_code(text: str, table: Mapping[str, str]) -> str | None:
    """``01-身份证号``, ``1-到人``, ``01``, ``身份证号``, ``身份证`` → the two-digit code, or None."""
    match = _CODED.match(text)
    if match:
        code = match.group(1).zfill(2)
        return code if code in table else None
    for code, name in table.items():
        if text in (name, name.removesuffix("号")):
            return code
    return None


def parse_month(text: str) -> str | None:
    """``5``, ``05``, ``5月``, ``05月`` → ``05``; ``全年`` stays; anything else None."""
    if text == ANNUAL:
        return ANNUAL
    match = _MONTH.match(text)
    if match and 1 <= int(match.group(1)) <= 12:
        return match.group(1).zfill(2)
    return None


def amount_fen(text: str) -> int:
    """An amount cell → fen; raises MoneyError (with a Chinese message) for anything inexact or unreadable."""
    match = _PLAIN_AMOUNT.match(text)
    if match:
        fraction = match.group(2) or ""
        return int(match.group(1)) * 100 + int(fraction.ljust(2, "0") or 0)
    return to_fen(parse_amount(text))


class _RowReader:
    """Reads one row's cells by element, collecting problems with their place."""

    def __init__(self, table: Table, header: Header, row: Sequence[object], number: int) -> None:
        self.table, self.header, self.row, self.number = table, header, row, number
        self.problems: list[Problem] = []

    def raw(self, element: str) -> object:
        position = self.header.positions.get(element)
        return self.row[position] if position is not None and position < len(self.row) else None

    def problem(self, code: str, element: str, message: str, **numbers: object) -> None:
        title = self.header.titles.get(element) or TITLES[element]
        where = Where(sheet=self.table.sheet, row=self.number, column=title)
        self.problems.append(Problem(code, message, where, numbers={k: str(v) for k, v in numbers.items()}))

    def text(self, element: str) -> str:
        value = cell_text(self.raw(element))
        if not value and element in REQUIRED:
            self.problem("REQUIRED", element, "必填项为空")
        return value

    def code(self, element: str) -> str:
        value = compact_text(self.raw(element))
        if not value and element in REQUIRED:
            self.problem("REQUIRED", element, "必填项为空")
        return value

    def amount(self, element: str) -> int | None:
        """Fen, or None when the cell is empty or unreadable (its problem is recorded)."""
        text = self.code(element)
        if not text:
            return None
        try:
            fen = amount_fen(text)
        except MoneyError as exc:
            self.problem("BAD_AMOUNT", element, str(exc), value=text)
            return None
        if fen < 0:
            self.problem("NEGATIVE_AMOUNT", element, f"金额不能为负数（{text}）", value=text)
            return None
        return fen


def parse_payouts(table: Table) -> tuple[list[PayoutRecord], list[Problem]]:
    """Every row of a payout table, and every problem a row shows on its own."""
    header = find_header(table, _ALIASES, required=REQUIRED)
    if header is None:
        names = "、".join(TITLES[r] for r in REQUIRED)
        return [], [
            Problem(
                "MISSING_COLUMNS",
                f"未找到到人到户发放明细的表头（需包含：{names}）",
                Where(sheet=table.sheet),
            )
        ]
    records: list[PayoutRecord] = []
    problems: list[Problem] = []
    for index in range(header.row_index + 1, len(table.rows)):
        row = table.rows[index]
        if is_blank(row):
            continue
        record, row_problems = _parse_row(table, header, row, table.first_row + index)
        problems += row_problems
        if record is not None:
            records.append(record)
    if not records and not problems:
        problems.append(Problem("EMPTY", "文件中没有发放明细", Where(sheet=table.sheet)))
    return records, problems


def _parse_row(
    table: Table, header: Header, row: Sequence[object], number: int
) -> tuple[PayoutRecord | None, list[Problem]]:
    r = _RowReader(table, header, row, number)
    iden_no_raw = r.raw("iden_no")
    if isinstance(iden_no_raw, float):
        r.problem("ID_AS_NUMBER", "iden_no", "证件号码被存成了数字，请把该列设为文本后重新填写")
    iden_type = _coded(r, "iden_type", IDEN_TYPES)
    iden_no = r.code("iden_no").upper()
    if iden_type == "01" and iden_no and (reason := ric_problem(iden_no)):
        r.problem("BAD_ID", "iden_no", reason, value=mask(iden_no))
    family = _coded(r, "to_peop_family", FAMILY)
    month_text = r.code("pay_month")
    month = parse_month(month_text) if month_text else ""
    if month is None:
        r.problem("BAD_MONTH", "pay_month", f"“{month_text}”不是有效的发放月份（应为1—12月或“全年”）")
    pay_amt, xpay_amt = r.amount("pay_amt"), r.amount("xpay_amt")
    if pay_amt is not None and xpay_amt is not None and xpay_amt > pay_amt:
        r.problem(
            "PAID_ABOVE_DUE",
            "xpay_amt",
            f"实发金额{from_fen(xpay_amt)}元大于应发金额{from_fen(pay_amt)}元",
            pay_amt=from_fen(pay_amt),
            xpay_amt=from_fen(xpay_amt),
        )
    record = PayoutRecord(
        row=number,
        pay_cert_no=r.code("pay_cert_no"),
        per_name=r.text("per_name"),
        iden_type=iden_type or "",
        iden_no=iden_no,
        to_peop_family=family or "",
        pay_amt=pay_amt or 0,
        xpay_amt=xpay_amt or 0,
        pay_month=month or "",
        town_code=r.code("town_code"),
        town_name=r.text("town_name"),
        village_code=r.code("village_code"),
        village_name=r.text("village_name"),
        add_word=r.text("add_word"),
        pro_code=r.code("pro_code"),
    )
    return (None if r.problems else record), r.problems


def _coded(r: _RowReader, element: str, table: Mapping[str, str]) -> str | None:
    text = r.code(element)
    if not text:
        return None
    code = parse_code(text, table)
    if code is None:
        allowed = "、".join(f"{k}-{v}" for k, v in table.items())
        r.problem("BAD_CODE", element, f"“{text}”不是有效的值（可填：{allowed}）")
    return code


@dataclass(frozen=True)
class VoucherInfo:
    """What the ledger knows of a payment voucher of the importing region."""

    purpose: str
    xpay_amt: int
    """Fen."""
    paid_out: int
    """Fen already paid out to persons against it."""


def check_against_vouchers(
    records: Sequence[PayoutRecord], vouchers: Mapping[str, VoucherInfo], *, sheet: str = ""
) -> list[Problem]:
    """Cross-row rules: the voucher exists, Σ实发 per voucher ≤ its xpay_amt, no duplicate person-month-purpose."""
    problems: list[Problem] = []
    sums: dict[str, int] = {}
    first_rows: dict[str, int] = {}
    seen: dict[tuple[str, str, str], int] = {}
    for record in records:
        voucher = vouchers.get(record.pay_cert_no)
        if voucher is None:
            problems.append(
                Problem(
                    "UNKNOWN_VOUCHER",
                    f"支付凭证号“{record.pay_cert_no}”在本地区不存在",
                    Where(sheet=sheet, row=record.row, column=TITLES["pay_cert_no"]),
                )
            )
            continue
        sums[record.pay_cert_no] = sums.get(record.pay_cert_no, 0) + record.xpay_amt
        first_rows.setdefault(record.pay_cert_no, record.row)
        key = (record.iden_no, record.pay_month, voucher.purpose)
        if key in seen:
            problems.append(
                Problem(
                    "DUPLICATE_IN_FILE",
                    f"与第{seen[key]}行重复（同一证件号码、发放月份和支出方向）",
                    Where(sheet=sheet, row=record.row, column=TITLES["iden_no"]),
                )
            )
        else:
            seen[key] = record.row
    for number, total in sums.items():
        voucher = vouchers[number]
        if voucher.paid_out + total > voucher.xpay_amt:
            problems.append(
                Problem(
                    "VOUCHER_OVERSPENT",
                    f"支付凭证“{number}”实际支付{from_fen(voucher.xpay_amt)}元，已发放{from_fen(voucher.paid_out)}元，"
                    f"本文件再发放{from_fen(total)}元，超出{from_fen(voucher.paid_out + total - voucher.xpay_amt)}元",
                    Where(sheet=sheet, row=first_rows[number], column=TITLES["xpay_amt"], entity=number),
                    numbers={
                        "xpay_amt": from_fen(voucher.xpay_amt),
                        "paid_out": from_fen(voucher.paid_out),
                        "file": from_fen(total),
                    },
                )
            )
    return problems


def stored_duplicate(record_row: int, *, sheet: str = "") -> Problem:
    return Problem(
        "DUPLICATE_STORED",
        "该人员本月同一支出方向已有发放记录（重复发放）",
        Where(sheet=sheet, row=record_row, column=TITLES["iden_no"]),
    )
