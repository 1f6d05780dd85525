"""调整方案建议: from each county's projected year-end spending, who gives back and who receives.

- A county whose projected unspent amount (available − projected spending) exceeds the margin (a share of what
  is available) gives back (调减) down to its projected need: the unspent amount, rounded down to the unit, and
  never more than its plan amount less what it has paid to this day.
- A county whose projected spending exceeds what it has receives (调增), largest shortfall first, its shortfall
  rounded up to the unit, up to what the decreases freed (or up to a total the prefecture sets).

Every line carries its numbers and a sentence that explains them.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from .allocation import AdjustmentLine
from .money import format_yuan

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Rules:
    """The proposal's rules, shown on the page."""

    margin: Decimal = Decimal("0.02")
    """Unspent amounts up to this share of what is available are left alone."""
    months: int = 3
    """Months of the run rate."""
    unit: Decimal = Decimal("10000")
    """Amounts move in whole units (1万元, as 82号's table has them)."""
    total: Decimal | None = None
    """The increases' total when the prefecture sets one, instead of what the decreases freed."""


@dataclass(frozen=True)
class County:
    """What a county has and is projected to spend."""

    region_code: str
    name: str
    base: Decimal
    """Its plan amount so far: the adjustment's column (1)."""
    available: Decimal
    """base + 上年结转 ± 收回."""
    paid: Decimal
    run_rate: Decimal
    projected: Decimal
    """Projected spending by the end of the year."""
    paid_now: Decimal | None = None
    """Everything paid to this day (more than ``paid`` when the proposal looks back at an earlier date): a
    decrease never takes back money already paid, so it stays within base − paid_now."""

    @property
    def unspent(self) -> Decimal:
        return self.available - self.projected


@dataclass(frozen=True)
class ProposedLine:
    county: County
    decrease: Decimal
    increase: Decimal
    margin: Decimal
    explanation: str

    def line(self) -> AdjustmentLine:
        return AdjustmentLine(self.county.region_code, self.county.base, self.decrease, self.increase)


def _floor(amount: Decimal, unit: Decimal) -> Decimal:
    return ((amount / unit).to_integral_value(ROUND_FLOOR) * unit).quantize(ZERO)


def _ceil(amount: Decimal, unit: Decimal) -> Decimal:
    return ((amount / unit).to_integral_value(ROUND_CEILING) * unit).quantize(ZERO)


def _numbers(c: County) -> str:
    return (
        f"可用{format_yuan(c.available)}元，已支付{format_yuan(c.paid)}元，月均支付{format_yuan(c.run_rate)}元，"
        f"预计全年支出{format_yuan(c.projected)}元"
    )


def propose(counties: Sequence[County], rules: Rules) -> list[ProposedLine]:
    """One line per county, in the order given."""
    decreases: dict[str, Decimal] = {}
    for c in counties:
        margin = (c.available * rules.margin).quantize(ZERO)
        paid_now = c.paid if c.paid_now is None else max(c.paid, c.paid_now)
        amount = min(_floor(c.unspent, rules.unit), _floor(c.base - paid_now, rules.unit))
        if c.unspent > margin and amount > 0:
            decreases[c.region_code] = amount
    freed = sum(decreases.values(), ZERO)
    pool = freed if rules.total is None else rules.total
    increases: dict[str, Decimal] = {}
    for c in sorted((c for c in counties if c.unspent < 0), key=lambda c: (c.unspent, c.region_code)):
        increases[c.region_code] = min(_ceil(-c.unspent, rules.unit), pool)
        pool -= increases[c.region_code]
    return [_line(c, decreases, increases, rules) for c in counties]


def _line(
    c: County, decreases: dict[str, Decimal], increases: dict[str, Decimal], rules: Rules
) -> ProposedLine:
    margin = (c.available * rules.margin).quantize(ZERO)
    decrease, increase = decreases.get(c.region_code, ZERO), increases.get(c.region_code, ZERO)
    numbers = _numbers(c)
    if decrease:
        why = f"{numbers}，预计结余{format_yuan(c.unspent)}元，超过留用额度{format_yuan(margin)}元，建议调减{format_yuan(decrease)}元"
    elif c.unspent < 0:
        short = -c.unspent
        why = f"{numbers}，预计缺口{format_yuan(short)}元，建议调增{format_yuan(increase)}元"
        if increase < _ceil(short, rules.unit):
            why += "（调增总额已用完）" if increase == 0 else "（以调减腾出的资金为限）"
    else:
        why = (
            f"{numbers}，预计结余{format_yuan(c.unspent)}元，未超过留用额度{format_yuan(margin)}元，不作调整"
        )
    return ProposedLine(c, decrease, increase, margin, why)
