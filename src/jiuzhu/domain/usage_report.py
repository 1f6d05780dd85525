"""The monthly usage report (附件3 自治区财政资金使用情况跟踪反馈表): pure arithmetic, no Django.

A line is one received fund document (文号). Its 资金金额 is the net of the document's movements received by the
month's end; its 实际支出金额 the treasury payments by the month's end attributed to it; 未支出金额 the difference;
实际支出进度 the execution rate. Payments are booked against appropriations, not documents, and one appropriation
is fed by several documents (8号 and the 82号 adjustment), so the paid amount of a fund is attributed to its
documents first in, first out: the earliest received document is spent first, each positive document up to its
amount; a decrease (调减, negative) spends nothing and lowers the unspent. The lines of a fund add up to the
fund's received and paid amounts to the fen.

Printing in 万元 with two decimals (百元, as the bureau's tables do): the 合计 of 资金金额 and 实际支出金额 is the
exact total rounded half up; the lines are cut down to whole 0.01 万元 and the leftover hundredths go to the
largest remainders (``split_rounded``), so the printed lines add up to the printed 合计. 未支出金额 is printed as
资金金额 − 实际支出金额 of the printed figures, so rows and columns both add up as printed.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
#: 万元 with two decimals: one printed unit is 100 元 = 10,000 fen.
PRINT_UNIT_FEN = 10_000
#: The title and the header row of Attachment 3, exactly as in the notice (its line breaks inside cells are
#: written as spaces there and as line breaks in the exports).
TITLE = "自治区财政资金使用情况跟踪反馈表"
UNIT_NOTE = "单位：万元"
NAME_LABEL = "县市（单位）名称："
HEADER = (
    "收到的财政专项 资金名称",
    "文 号",
    "资金金额",
    "实际支出金额",
    "资金支出方向",
    "未支出金额",
    "实际支出 进度",
    "未按计划或预算 执行要求 支出的原因",
    "整改措施及整改 时间",
)
#: The header row as the notice prints it: the name label is its first cell.
HEADER_ROW = (NAME_LABEL, *HEADER)
NOTES = (
    "说明：1、县市（单位）根据实际收到财政专项资金情况自行添加行（勿修改表格格式）。",
    "2、本表统计财政部门下达的一般公共预算和政府性基金支出情况，资金支出金额以国库集中支付数据为准。",
    "3、请各县市（单位）于每月月末之前，将当月财政资金使用情况反馈至地区财政局社会保障科。",
)
ROUNDING_NOTE = (
    "注：金额以万元为单位保留两位小数；合计按四舍五入，各行按最大余额法分配尾差，各行之和等于合计；"
    "未支出金额为资金金额减实际支出金额。"
)


@dataclass(frozen=True)
class Receipt:
    """What a region received under one document of one fund by the month's end."""

    doc_no: str
    fund: str
    """the fund's name (收到的财政专项资金名称)"""
    amount: Decimal
    """net 元 of the document's movements (下达 + 调增 − 调减)"""


@dataclass(frozen=True)
class Line:
    doc_no: str
    fund: str
    amount: Decimal
    paid: Decimal
    purposes: tuple[str, ...] = ()
    unit: str = ""
    """in a region's report: the budget unit whose line this is (empty: the region's own)"""

    @property
    def unpaid(self) -> Decimal:
        return self.amount - self.paid

    @property
    def rate(self) -> Decimal | None:
        """Execution rate in percent (exact); none for a line that received nothing or gave back."""
        return self.paid * HUNDRED / self.amount if self.amount > 0 else None


def attribute_paid(amounts: Sequence[Decimal], paid: Decimal) -> list[Decimal]:
    """Split one fund's ``paid`` over its documents' ``amounts`` (in order of receipt) first in, first out.

    Positive documents are filled in order up to their amount; the last positive one takes whatever is left
    (overspending, which the ledger refuses, would show there); negative documents get nothing."""
    out = [ZERO for _ in amounts]
    left = paid
    positive = [i for i, a in enumerate(amounts) if a > 0]
    for i in positive:
        take = min(left, amounts[i])
        out[i], left = take, left - take
    if left and positive:
        out[positive[-1]] += left
    return out


def lines_of(receipts: Sequence[Receipt], paid_by_fund: dict[str, Decimal]) -> list[Line]:
    """The report's lines: receipts in order, each fund's paid attributed to its documents."""
    out: dict[int, Decimal] = {}
    for fund in dict.fromkeys(r.fund for r in receipts):
        idx = [i for i, r in enumerate(receipts) if r.fund == fund]
        shares = attribute_paid([receipts[i].amount for i in idx], paid_by_fund.get(fund, ZERO))
        out.update(zip(idx, shares, strict=True))
    return [Line(r.doc_no, r.fund, r.amount, out[i]) for i, r in enumerate(receipts)]


def time_elapsed_rate(month: int) -> Decimal:
    """时序进度 at the month's end, in percent: the share of the year's months gone."""
    return Decimal(month) * HUNDRED / 12


def is_lagging(line: Line, month: int, threshold_points: Decimal) -> bool:
    """Behind the time elapsed rate by more than ``threshold_points`` percentage points."""
    rate = line.rate
    return rate is not None and time_elapsed_rate(month) - rate > threshold_points


def percent_text(rate: Decimal | None) -> str:
    """``75.42%`` (two decimals, half up); ``—`` where there is no rate."""
    if rate is None:
        return "—"
    return f"{rate.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"


def to_fen(amount: Decimal) -> int:
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise ValueError(f"{amount} is not a whole number of fen")
    return int(fen)


def round_total(total_fen: int, unit_fen: int = PRINT_UNIT_FEN) -> int:
    """The total in printed units, half up (away from zero on a tie)."""
    units = (Decimal(total_fen) / unit_fen).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(units)


def split_rounded(lines_fen: Sequence[int], unit_fen: int = PRINT_UNIT_FEN) -> tuple[list[int], int]:
    """Lines and total in printed units: the total rounded half up, each line floored, and the units left over
    given one each to the largest remainders (ties: the earlier line). Σ lines == total, always."""
    total = round_total(sum(lines_fen), unit_fen)
    floors = [int((Decimal(f) / unit_fen).to_integral_value(rounding=ROUND_FLOOR)) for f in lines_fen]
    left = total - sum(floors)
    order = sorted(range(len(lines_fen)), key=lambda i: (-(lines_fen[i] - floors[i] * unit_fen), i))
    for i in order[:left]:
        floors[i] += 1
    return floors, total


def units_text(units: int, places: int = 2) -> str:
    """Printed units → ``1,234.56`` (万元 with ``places`` decimals)."""
    value = Decimal(units).scaleb(-places)
    return f"{value:,.{places}f}"


@dataclass(frozen=True)
class Printed:
    """One column set of the report as printed in 万元: lines and 合计 in hundredths of 万元."""

    amount: list[int]
    paid: list[int]
    unpaid: list[int]
    total_amount: int
    total_paid: int

    @property
    def total_unpaid(self) -> int:
        return self.total_amount - self.total_paid


def printed(lines: Sequence[Line]) -> Printed:
    amount, total_amount = split_rounded([to_fen(x.amount) for x in lines])
    paid, total_paid = split_rounded([to_fen(x.paid) for x in lines])
    unpaid = [a - p for a, p in zip(amount, paid, strict=True)]
    return Printed(amount, paid, unpaid, total_amount, total_paid)
