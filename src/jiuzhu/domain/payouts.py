"""到人到户发放 (payout) files: the 直达资金监控系统 person templates and the same columns as CSV.

Two layouts are in use: ``benefitPeopleByPerson.xls`` (13 columns, national) and ``benifitPersonTemp.xls``
(14 columns with 项目代码 first and coded values such as ``01-身份证号``, ``1-到人``). Columns are found by title or
element name, so both (and CSV with either naming) read the same way. Every problem of the file is reported
with sheet, row and column (at most ``PROBLEM_CAP`` per rule and column, then one line saying how many more);
amounts are kept as integer fen.

The rules are written once, per cell value (``check_code``, ``check_month``, ``check_amount``, ``check_id``,
``check_above_due``) and per file (``unknown_voucher``, ``overspent``, ``duplicate_in_file``,
``stored_duplicate``, ``mixed_years``). Two readers apply them: ``parse_payouts`` + ``check_against_vouchers``
walk the rows one by one (the reference, used for small tables and by the tests), and the importer
(``jiuzhu.ledger.staging``) applies them to each *distinct* value of a column and finds the rows in SQL, which is
what makes a million rows fast. Tests check that both give the same problems.
"""

import datetime
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from .identity import RIC_LENGTH, mask, ric_problem
from .money import MoneyError, from_fen, parse_amount, to_fen
from .problems import Problem, Where
from .tabular import (
    Header,
    Table,
    alias_index,
    cell_text,
    column_name,
    compact_text,
    find_header,
    is_blank,
)

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
    "acct_no": ("收款账号", "银行账号", "一卡通账号", "社会保障卡号", "账号"),
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
ALIASES = alias_index(COLUMNS)
#: Elements read as codes: every whitespace character is removed (``compact_text``); the others (names, 备注)
#: are only stripped at both ends (``cell_text``).
CODE_ELEMENTS = frozenset(
    {
        "pro_code",
        "pay_cert_no",
        "town_code",
        "village_code",
        "iden_type",
        "iden_no",
        "to_peop_family",
        "pay_amt",
        "xpay_amt",
        "pay_month",
        "acct_no",
    }
)
#: The longest text stored per element (the columns' max_length); a longer text is refused with its limit.
MAX_LENGTHS = {
    "per_name": 64,
    "town_code": 32,
    "town_name": 64,
    "village_code": 32,
    "village_name": 64,
    "add_word": 200,
    "pro_code": 40,
    "acct_no": 40,
}
#: Every character ``str.strip()`` and ``str.split()`` treat as whitespace (a test checks the list).
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
#: At most this many problems are listed per rule and column; the rest are counted in one more line.
PROBLEM_CAP = 1000

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
#: The order of problems that share a row and a column.
_CODE_ORDER = {"ID_AS_NUMBER": 0, "REQUIRED": 1, "BAD_ID": 2}


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
    acct_no: str = ""
    """收款账号 (一卡通 bank account), when the file has the column."""


# --- one cell value ---------------------------------------------------------------------------------------------


class CellProblem(NamedTuple):
    """A problem of one cell value, before it is placed at a sheet, row and column."""

    code: str
    element: str
    message: str
    numbers: tuple[tuple[str, str], ...] = ()

    def at(self, *, sheet: str, row: int, titles: Mapping[str, str]) -> Problem:
        where = Where(sheet=sheet, row=row, column=titles.get(self.element) or TITLES[self.element])
        return Problem(self.code, self.message, where, numbers=dict(self.numbers))


CellProblems = tuple[CellProblem, ...]


def required(element: str) -> CellProblems:
    """必填项为空, for a required element (nothing for an optional one)."""
    return (CellProblem("REQUIRED", element, "必填项为空"),) if element in REQUIRED else ()


def clean_cell(element: str, value: object) -> str:
    """A cell as the rules read it: codes without any whitespace, texts stripped at both ends."""
    return compact_text(value) if element in CODE_ELEMENTS else cell_text(value)


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


def check_code(element: str, text: str, table: Mapping[str, str]) -> tuple[str | None, CellProblems]:
    """A coded cell (证件类型, 按户或按人补助), already compact → its two-digit code, or None and why."""
    if not text:
        return None, required(element)
    code = parse_code(text, table)
    if code is None:
        allowed = "、".join(f"{k}-{v}" for k, v in table.items())
        return None, (CellProblem("BAD_CODE", element, f"“{text}”不是有效的值（可填：{allowed}）"),)
    return code, ()


def check_month(text: str) -> tuple[str | None, CellProblems]:
    """发放月份, already compact → ``01`` … ``12`` or ``全年``, or None and why."""
    if not text:
        return None, required("pay_month")
    month = parse_month(text)
    if month is None:
        return None, (
            CellProblem("BAD_MONTH", "pay_month", f"“{text}”不是有效的发放月份（应为1—12月或“全年”）"),
        )
    return month, ()


def check_amount(element: str, text: str) -> tuple[int | None, CellProblems]:
    """应发 / 实发, already compact → fen (≥ 0, whole fen), or None and why."""
    if not text:
        return None, required(element)
    try:
        fen = amount_fen(text)
    except MoneyError as exc:
        return None, (CellProblem("BAD_AMOUNT", element, str(exc), (("value", text),)),)
    if fen < 0:
        return None, (
            CellProblem("NEGATIVE_AMOUNT", element, f"金额不能为负数（{text}）", (("value", text),)),
        )
    return fen, ()


def check_above_due(pay_amt: int | None, xpay_amt: int | None) -> CellProblems:
    if pay_amt is None or xpay_amt is None or xpay_amt <= pay_amt:
        return ()
    due, paid = from_fen(pay_amt), from_fen(xpay_amt)
    return (
        CellProblem(
            "PAID_ABOVE_DUE",
            "xpay_amt",
            f"实发金额{paid}元大于应发金额{due}元",
            (("pay_amt", str(due)), ("xpay_amt", str(paid))),
        ),
    )


_DATES: dict[str, bool] = {}


def _valid_date(yyyymmdd: str) -> bool:
    valid = _DATES.get(yyyymmdd)
    if valid is None:
        try:
            datetime.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))
            valid = True
        except ValueError:
            valid = False
        if len(_DATES) < 100_000:
            _DATES[yyyymmdd] = valid
    return valid


def id_problem(number: str) -> str | None:
    """``identity.ric_problem``, about five times faster for the usual shape (17 ASCII digits and a digit or X).

    For such a number python-stdnum's ``compact`` changes nothing, so the checks are the same: the birth date
    (``get_birth_date``) and then the GB 11643 check digit (``calc_check_digit``'s formula). Anything else goes
    to ``ric_problem`` itself. A property test holds the two equal.
    """
    if (
        len(number) == RIC_LENGTH
        and number.isascii()
        and number[:17].isdigit()
        and number[17] in "0123456789X"
    ):
        if not _valid_date(number[6:14]):
            return "身份证号码中的出生日期无效"
        checksum = (1 - 2 * int(number[:17], 13)) % 11
        if number[17] != ("X" if checksum == 10 else str(checksum)):
            return "身份证号码校验位错误（GB 11643）"
        return None
    return ric_problem(number)


def normal_id(text: str) -> str:
    """证件号码 in the one form stored and compared: NFKC (full-width digits and letters as ASCII), upper case."""
    return text.upper() if text.isascii() else unicodedata.normalize("NFKC", text).upper()


def check_id(
    text: str, iden_type: str | None, *, today: datetime.date | None = None
) -> tuple[str, CellProblems]:
    """证件号码, already compact → its one form (``normal_id``), and why it is wrong (the GB 11643 check and a
    birth date not after today, for 身份证号 only)."""
    number = normal_id(text)
    if not number:
        return number, required("iden_no")
    if iden_type == "01":
        reason = id_problem(number)
        if reason is None and number[6:14] > (today or datetime.date.today()).strftime("%Y%m%d"):
            reason = "身份证号码中的出生日期晚于今天"
        if reason:
            return number, (CellProblem("BAD_ID", "iden_no", reason, (("value", mask(number)),)),)
    return number, ()


def too_long(element: str, limit: int) -> CellProblem:
    return CellProblem("TOO_LONG", element, f"内容超过{limit}个字符的上限", (("limit", str(limit)),))


def nul_character(element: str) -> CellProblem:
    return CellProblem("NUL_CHARACTER", element, "单元格含有空字符（NUL），请删除后重新导入")


def foreign_code(element: str, text: str, area: str) -> CellProblem:
    return CellProblem(
        "FOREIGN_CODE", element, f"编码“{text}”不属于本地区（应以{area}开头）", (("value", text),)
    )


def area_prefix(region_code: str) -> str:
    """The leading digits every 乡镇/村 code of a region shares: 654225 → 654225, 654200 → 6542, 650000 → 65."""
    code = region_code
    while code.endswith("00") and len(code) > 2:
        code = code[:-2]
    return code


ID_AS_NUMBER = CellProblem("ID_AS_NUMBER", "iden_no", "证件号码被存成了数字，请把该列设为文本后重新填写")


# --- one row (the reference reader) ------------------------------------------------------------------------------


def missing_header(sheet: str) -> Problem:
    names = "、".join(TITLES[r] for r in REQUIRED)
    return Problem("MISSING_COLUMNS", f"未找到到人到户发放明细的表头（需包含：{names}）", Where(sheet=sheet))


def empty_file(sheet: str) -> Problem:
    return Problem("EMPTY", "文件中没有发放明细", Where(sheet=sheet))


def find_payout_header(table: Table) -> Header | None:
    return find_header(table, ALIASES, required=REQUIRED)


def parse_payouts(table: Table) -> tuple[list[PayoutRecord], list[Problem]]:
    """Every row of a payout table, and every problem a row shows on its own (not capped)."""
    header = find_payout_header(table)
    if header is None:
        return [], [missing_header(table.sheet)]
    early = _early_problems(table, header)
    if early:
        return [], early
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
        problems.append(empty_file(table.sheet))
    return records, problems


def _early_problems(table: Table, header: Header) -> list[Problem]:
    """What refuses a file before any other rule: NUL characters in any cell, texts longer than their column."""
    elements = {position: element for element, position in header.positions.items()}
    problems = []
    for index in range(header.row_index + 1, len(table.rows)):
        row = table.rows[index]
        if is_blank(row):
            continue
        for position, value in enumerate(row):
            element = elements.get(position)
            text = clean_cell(element or "", value)
            found = []
            if "\x00" in text:
                found.append(nul_character(element or f"x{position}"))
            if element in MAX_LENGTHS and len(text) > MAX_LENGTHS[element]:
                found.append(too_long(element, MAX_LENGTHS[element]))
            for f in found:
                title = header.titles.get(f.element) or TITLES.get(f.element) or f"{column_name(position)}列"
                where = Where(sheet=table.sheet, row=table.first_row + index, column=title)
                problems.append(Problem(f.code, f.message, where, numbers=dict(f.numbers)))
    return problems


def _parse_row(
    table: Table, header: Header, row: Sequence[object], number: int
) -> tuple[PayoutRecord | None, list[Problem]]:
    def raw(element: str) -> object:
        position = header.positions.get(element)
        return row[position] if position is not None and position < len(row) else None

    def text(element: str) -> str:
        return clean_cell(element, raw(element))

    cell_problems: list[CellProblem] = []
    if isinstance(raw("iden_no"), float):
        cell_problems.append(ID_AS_NUMBER)
    iden_type, found = check_code("iden_type", text("iden_type"), IDEN_TYPES)
    cell_problems += found
    iden_no, found = check_id(text("iden_no"), iden_type)
    cell_problems += found
    family, found = check_code("to_peop_family", text("to_peop_family"), FAMILY)
    cell_problems += found
    month, found = check_month(text("pay_month"))
    cell_problems += found
    pay_amt, found = check_amount("pay_amt", text("pay_amt"))
    cell_problems += found
    xpay_amt, found = check_amount("xpay_amt", text("xpay_amt"))
    cell_problems += found
    cell_problems += check_above_due(pay_amt, xpay_amt)
    values = {element: text(element) for element in ("pay_cert_no", "per_name")}
    for element, value in values.items():
        if not value:
            cell_problems += required(element)

    problems = [f.at(sheet=table.sheet, row=number, titles=header.titles) for f in cell_problems]
    if problems:
        return None, problems
    assert iden_type and family and month and pay_amt is not None and xpay_amt is not None
    return PayoutRecord(
        row=number,
        pay_cert_no=values["pay_cert_no"],
        per_name=values["per_name"],
        iden_type=iden_type,
        iden_no=iden_no,
        to_peop_family=family,
        pay_amt=pay_amt,
        xpay_amt=xpay_amt,
        pay_month=month,
        town_code=text("town_code"),
        town_name=text("town_name"),
        village_code=text("village_code"),
        village_name=text("village_name"),
        add_word=text("add_word"),
        pro_code=text("pro_code"),
        acct_no=text("acct_no"),
    ), []


# --- the whole file ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VoucherInfo:
    """What the ledger knows of a payment voucher of the importing region."""

    purpose: str
    xpay_amt: int
    """Fen."""
    paid_out: int
    """Fen already paid out to persons against it."""
    fiscal_year: int = 0


def unknown_voucher(number: str, row: int, *, sheet: str = "") -> Problem:
    return Problem(
        "UNKNOWN_VOUCHER",
        f"支付凭证号“{number}”在本地区不存在",
        Where(sheet=sheet, row=row, column=TITLES["pay_cert_no"]),
    )


def duplicate_in_file(row: int, first: int, *, sheet: str = "") -> Problem:
    return Problem(
        "DUPLICATE_IN_FILE",
        f"与第{first}行重复（同一证件号码、发放月份和支出方向）",
        Where(sheet=sheet, row=row, column=TITLES["iden_no"]),
    )


def stored_duplicate(record_row: int, *, sheet: str = "") -> Problem:
    return Problem(
        "DUPLICATE_STORED",
        "该人员本月同一支出方向已有发放记录（重复发放）",
        Where(sheet=sheet, row=record_row, column=TITLES["iden_no"]),
    )


def overspent(number: str, voucher: VoucherInfo, total: int, first_row: int, *, sheet: str = "") -> Problem:
    over = voucher.paid_out + total - voucher.xpay_amt
    return Problem(
        "VOUCHER_OVERSPENT",
        f"支付凭证“{number}”实际支付{from_fen(voucher.xpay_amt)}元，已发放{from_fen(voucher.paid_out)}元，"
        f"本文件再发放{from_fen(total)}元，超出{from_fen(over)}元",
        Where(sheet=sheet, row=first_row, column=TITLES["xpay_amt"], entity=number),
        numbers={
            "xpay_amt": from_fen(voucher.xpay_amt),
            "paid_out": from_fen(voucher.paid_out),
            "file": from_fen(total),
        },
    )


def mixed_years(*, sheet: str = "") -> Problem:
    return Problem("MIXED_YEARS", "一个文件只能包含同一预算年度的支付凭证", Where(sheet=sheet))


def check_against_vouchers(
    records: Sequence[PayoutRecord],
    vouchers: Mapping[str, VoucherInfo],
    *,
    sheet: str = "",
    stored: Collection[tuple[str, str, str, int]] = (),
) -> list[Problem]:
    """Cross-row rules: the voucher exists, Σ实发 per voucher ≤ its xpay_amt, one budget year per file, no
    duplicate person-month-purpose in the file or among ``stored`` (iden_no, pay_month, purpose, fiscal_year)."""
    problems: list[Problem] = []
    sums: dict[str, int] = {}
    first_rows: dict[str, int] = {}
    seen: dict[tuple[str, str, str], int] = {}
    years: set[int] = set()
    for record in records:
        voucher = vouchers.get(record.pay_cert_no)
        if voucher is None:
            problems.append(unknown_voucher(record.pay_cert_no, record.row, sheet=sheet))
            continue
        years.add(voucher.fiscal_year)
        sums[record.pay_cert_no] = sums.get(record.pay_cert_no, 0) + record.xpay_amt
        first_rows.setdefault(record.pay_cert_no, record.row)
        key = (record.iden_no, record.pay_month, voucher.purpose)
        if key in seen:
            problems.append(duplicate_in_file(record.row, seen[key], sheet=sheet))
        else:
            seen[key] = record.row
        if (*key, voucher.fiscal_year) in stored:
            problems.append(stored_duplicate(record.row, sheet=sheet))
    for number, total in sums.items():
        voucher = vouchers[number]
        if voucher.paid_out + total > voucher.xpay_amt:
            problems.append(overspent(number, voucher, total, first_rows[number], sheet=sheet))
    if len(years) > 1:
        problems.append(mixed_years(sheet=sheet))
    return problems


def validate_payouts(
    table: Table,
    vouchers: Mapping[str, VoucherInfo],
    *,
    stored: Collection[tuple[str, str, str, int]] = (),
    cap: int | None = None,
) -> tuple[list[PayoutRecord], list[Problem]]:
    """The reference for a whole file, row by row: its records and every problem (capped and in order)."""
    records, problems = parse_payouts(table)
    problems += check_against_vouchers(records, vouchers, sheet=table.sheet, stored=stored)
    return records, cap_problems(problems, cap=PROBLEM_CAP if cap is None else cap)


# --- reporting ------------------------------------------------------------------------------------------------------


def more_problems(code: str, column: str, more: int, *, sheet: str = "", cap: int = PROBLEM_CAP) -> Problem:
    """The line that stands for the problems of one rule and column beyond the first ``cap``."""
    return Problem(
        code,
        f"同类问题另有{more}处未逐条列出（每类问题最多列出{cap}处）",
        Where(sheet=sheet, column=column),
        numbers={"more": str(more)},
    )


def problem_order(problem: Problem) -> tuple[int, str, int, str, str]:
    """Rows in order; file-wide problems first and the "另有N处" lines last."""
    row = problem.where.row
    if row is None:
        row = 2**62 if "more" in problem.numbers else -1
    return (row, problem.where.column, _CODE_ORDER.get(problem.code, 9), problem.code, problem.message)


def cap_problems(problems: Iterable[Problem], *, cap: int = PROBLEM_CAP) -> list[Problem]:
    """Sorted, at most ``cap`` per rule (code) and column, each cut rule ending with a "另有N处" line."""
    ordered = sorted(problems, key=problem_order)
    kept: list[Problem] = []
    counts: dict[tuple[str, str], int] = {}
    sheets: dict[tuple[str, str], str] = {}
    for problem in ordered:
        key = (problem.code, problem.where.column)
        counts[key] = counts.get(key, 0) + 1
        sheets.setdefault(key, problem.where.sheet)
        if counts[key] <= cap:
            kept.append(problem)
    kept += [
        more_problems(code, column, n - cap, sheet=sheets[(code, column)], cap=cap)
        for (code, column), n in counts.items()
        if n > cap
    ]
    return sorted(kept, key=problem_order)
