"""The problems of a whole payout file (no header, no rows, an unknown or overspent voucher, duplicates, mixed
budget years) and the report of all problems: ordered, and capped per rule and column."""

from collections.abc import Iterable
from dataclasses import dataclass

from .money import from_fen
from .payout_columns import REQUIRED, TITLES
from .problems import Problem, Where

#: At most this many problems are listed per rule and column; the rest are counted in one more line.
PROBLEM_CAP = 1000
#: The order of problems that share a row and a column.
_CODE_ORDER = {"ID_AS_NUMBER": 0, "REQUIRED": 1, "BAD_ID": 2}


@dataclass(frozen=True)
class VoucherInfo:
    """What the ledger knows of a payment voucher of the importing region."""

    purpose: str
    xpay_amt: int
    """Fen."""
    paid_out: int
    """Fen already paid out to persons against it."""
    fiscal_year: int = 0


def missing_header(sheet: str) -> Problem:
    names = "、".join(TITLES[r] for r in REQUIRED)
    return Problem("MISSING_COLUMNS", f"未找到到人到户发放明细的表头（需包含：{names}）", Where(sheet=sheet))


def empty_file(sheet: str) -> Problem:
    return Problem("EMPTY", "文件中没有发放明细", Where(sheet=sheet))


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
