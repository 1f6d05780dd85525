"""The rules of one payout cell value, written once: ``check_code``, ``check_month``, ``check_amount``,
``check_id``, ``check_above_due`` and the refusals of a single cell (too long, NUL, a foreign 乡镇/村 code).

The row-by-row reader (``jiuzhu.domain.payouts``) and the importer (``jiuzhu.ledger.staging``, once per
distinct value of a column) both apply them, so both give the same problems.
"""

import datetime
import re
import unicodedata
from collections.abc import Mapping
from typing import NamedTuple

from .identity import RIC_LENGTH, mask, ric_problem
from .money import MoneyError, from_fen, parse_amount, to_fen
from .payout_columns import ANNUAL, CODE_ELEMENTS, REQUIRED, TITLES
from .problems import Problem, Where
from .tabular import cell_text, compact_text

_CODED = re.compile(r"^(\d{1,2})(?:[-－—_.、](.*))?$")
_MONTH = re.compile(r"^(\d{1,2})月?$")
_PLAIN_AMOUNT = re.compile(r"^(\d{1,13})(?:\.(\d{1,2}))?$")


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
