"""What an issuer may distribute, and what a county can still give back.

A plan distributes money its issuer holds: the fund reached the issuer's region (its movements, booked when an
upper level's plan was approved) or the fund enters the system at the issuer (the upper level's notice is on
paper: the prefecture of a prefecture's instance). The plan's total, with what the issuer's other plans already
passed down, cannot exceed what the issuer received. The same rule holds at every level.

A decrease takes money back: a region cannot give back what it has already paid (treasury payments, pending
imports included, as the ledger counts them).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .allocation import COLUMNS, AdjustmentLine
from .money import format_yuan
from .problems import Problem, Severity, Where

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Holding:
    """An issuer's position in one fund."""

    issuer_name: str
    fund_name: str
    received: Decimal | None
    """What the issuer's region received of the fund from above; ``None`` where the fund enters the system."""
    passed_down: Decimal = ZERO
    """What the issuer's other approved plans of the fund give its regions (their current amounts)."""

    @property
    def available(self) -> Decimal | None:
        """尚可分配: received − passed down (``None``: not limited by the system)."""
        return None if self.received is None else self.received - self.passed_down


def not_received(holding: Holding) -> Problem | None:
    """The issuer never received the fund: it has nothing to distribute."""
    if holding.received is not None and holding.received <= 0:
        return Problem(
            "FUND_NOT_RECEIVED",
            f"{holding.issuer_name}没有收到{holding.fund_name}的指标，不能分配下达该资金",
            Where(column="资金"),
        )
    return None


def holding_problems(holding: Holding, lines: Sequence[AdjustmentLine]) -> list[Problem]:
    """The plan's total after it (column 5) plus what other plans passed down must fit what was received."""
    first = not_received(holding)
    if first is not None:
        return [first]
    available = holding.available
    total = sum((x.final for x in lines), ZERO)
    if available is None or total <= available:
        return []
    assert holding.received is not None
    return [
        Problem(
            "ABOVE_HELD",
            f"方案合计{format_yuan(total)}元，超过{holding.issuer_name}尚可分配的{format_yuan(available)}元"
            f"（收到{format_yuan(holding.received)}元，其他方案已下达{format_yuan(holding.passed_down)}元）",
            Where(column=COLUMNS["final"], entity="合计"),
            numbers={
                "total": total,
                "available": available,
                "received": holding.received,
                "passed_down": holding.passed_down,
            },
        )
    ]


def paid_problems(
    lines: Sequence[AdjustmentLine],
    paid: Mapping[str, Decimal],
    labels: Mapping[str, str],
    *,
    severity: Severity = Severity.ERROR,
) -> list[Problem]:
    """A region whose amount after the plan is below what it has already paid cannot book the decrease."""
    problems = []
    for index, line in enumerate(lines, start=1):
        spent = paid.get(line.region_code, ZERO)
        # nothing paid, or a decrease above the base (DECREASE_ABOVE_BASE says so): not this rule's business
        if 0 < line.decrease <= line.base and spent > 0 and line.final < spent:
            unspent = line.base - spent
            problems.append(
                Problem(
                    "DECREASE_BELOW_PAID",
                    f"{labels.get(line.region_code, line.region_code)}已支付{format_yuan(spent)}元，"
                    f"未支付余额{format_yuan(unspent)}元，调减{format_yuan(line.decrease)}元后"
                    f"将低于已支付金额",
                    Where(row=index, column=COLUMNS["decrease"], entity=line.region_code),
                    severity=severity,
                    numbers={"paid": spent, "unspent": unspent, "decrease": line.decrease},
                )
            )
    return problems
