"""因素法 (factor method): split a total over regions by weighted factors, exactly.

Each region's score is Σ weight_f × value_f(region) / Σ_regions value_f; its exact share is total × score / Σ
scores. The shares are cut to a unit (one fen, or e.g. one 万元) and the units left over go, one each, to the
largest remainders (ties to the region listed first), so the parts always sum to the total and each is within one
unit of its exact share.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .money import FEN


class FactorError(ValueError):
    """The factors cannot split the total; ``str()`` is in Chinese."""


@dataclass(frozen=True)
class Factor:
    name: str
    """e.g. 低保对象人数, 财力系数."""
    weight: Decimal
    """The factor's weight; weights need not sum to one, only their ratios matter."""
    values: Mapping[str, Decimal]
    """Per region key, the factor's value (people, 元, a coefficient)."""


def exact_shares(total: Decimal, factors: Sequence[Factor], keys: Sequence[str]) -> dict[str, Fraction]:
    scores = {key: Fraction(0) for key in keys}
    for factor in factors:
        if factor.weight < 0:
            raise FactorError(f"因素“{factor.name}”的权重不能为负数")
        column = {key: Fraction(factor.values.get(key, Decimal(0))) for key in keys}
        if any(v < 0 for v in column.values()):
            raise FactorError(f"因素“{factor.name}”有负值")
        column_sum = sum(column.values(), Fraction(0))
        if column_sum == 0:
            if factor.weight:
                raise FactorError(f"因素“{factor.name}”在各地的值全为零，无法分配")
            continue
        for key in keys:
            scores[key] += Fraction(factor.weight) * column[key] / column_sum
    total_score = sum(scores.values(), Fraction(0))
    if total_score == 0:
        raise FactorError("各因素权重之和为零，无法分配")
    return {key: Fraction(total) * scores[key] / total_score for key in keys}


def split_by_factors(
    total: Decimal, factors: Sequence[Factor], keys: Sequence[str], *, unit: Decimal = FEN
) -> dict[str, Decimal]:
    """Parts in 元, each a whole number of ``unit``, summing exactly to ``total``."""
    if total < 0:
        raise FactorError("分配总额不能为负数")
    if unit <= 0:
        raise FactorError("分配单位必须为正数")
    units_total = Fraction(total) / Fraction(unit)
    if units_total.denominator != 1:
        raise FactorError(f"总额{total}元不是分配单位{unit}元的整数倍")
    return largest_remainder(
        {k: s / Fraction(unit) for k, s in exact_shares(total, factors, keys).items()},
        int(units_total),
        unit,
    )


def largest_remainder(shares: Mapping[str, Fraction], units: int, unit: Decimal) -> dict[str, Decimal]:
    """Cut shares (in units) to whole units and hand the leftover units to the largest remainders."""
    floors = {key: share.numerator // share.denominator for key, share in shares.items()}
    left = units - sum(floors.values())
    order = list(shares)
    by_remainder = sorted(order, key=lambda k: (-(shares[k] - floors[k]), order.index(k)))
    for key in by_remainder[:left]:
        floors[key] += 1
    return {key: (unit * n).quantize(FEN) for key, n in floors.items()}
