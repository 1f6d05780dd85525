"""回访核查 (verification by sampling): the sample size, a reproducible stratified draw, and the summary.

Size: the normal-approximation size at p = 0.5 for a confidence level and a margin of error,
``n0 = z² · p(1−p) / e²``, with the finite-population correction ``n = n0 / (1 + (n0 − 1) / N)``, rounded up
and never above N (UNICEF HOPE computes it the same way). Exact ``Decimal`` arithmetic over a table of z values,
so that a hand computation gives the same figure.

Draw: the population is split by purpose (strata), the size is shared among them in proportion with the
largest remainder (each part at most its stratum), and each stratum is drawn with ``random.Random(seed)`` from its
members sorted by their key. The same population and seed draw the same sample on any machine.

Summary: the share confirmed (已收到) among those reached, with its Wilson score interval.
"""

import math
import random
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from enum import StrEnum
from typing import TypeVar

#: Two-sided z values of the confidence levels offered on the page (percent → z).
Z_VALUES: dict[int, Decimal] = {
    80: Decimal("1.2816"),
    90: Decimal("1.6449"),
    95: Decimal("1.96"),
    99: Decimal("2.5758"),
}
P = Decimal("0.5")


def sample_size(population: int, confidence: int = 95, margin: Decimal = Decimal("0.05")) -> int:
    """How many of ``population`` to ask for ``confidence`` percent and ``margin`` (a fraction, 0.05 = ±5%)."""
    if population <= 0:
        return 0
    if confidence not in Z_VALUES:
        raise ValueError(f"置信水平只能是{'、'.join(f'{c}%' for c in Z_VALUES)}")
    if not Decimal(0) < margin < Decimal(1):
        raise ValueError("允许误差应在0到100%之间")
    z = Z_VALUES[confidence]
    n0 = z * z * P * (1 - P) / (margin * margin)
    n = n0 / (1 + (n0 - 1) / population)
    return min(population, int(n.to_integral_value(rounding=ROUND_CEILING)))


def allocate(total: int, strata: Mapping[str, int]) -> dict[str, int]:
    """``total`` shared among strata in proportion to their sizes (largest remainder, ties by name)."""
    population = sum(strata.values())
    total = min(total, population)
    if population == 0:
        return dict.fromkeys(strata, 0)
    shares = {name: Decimal(total * size) / population for name, size in strata.items()}
    parts = {name: int(share) for name, share in shares.items()}
    order = sorted(strata, key=lambda name: (-(shares[name] - parts[name]), name))
    left = total - sum(parts.values())
    for name in order:
        if left == 0:
            break
        if parts[name] < strata[name]:
            parts[name] += 1
            left -= 1
    return parts


K = TypeVar("K", bound=Hashable)


def draw(strata: Mapping[str, Sequence[K]], size: int, seed: int) -> dict[str, list[K]]:
    """A stratified sample of ``size`` members: per stratum, ``Random(seed)`` over the sorted members."""
    parts = allocate(size, {name: len(members) for name, members in strata.items()})
    out: dict[str, list[K]] = {}
    for name in sorted(strata):
        rng = random.Random(f"{seed}:{name}")
        members = sorted(strata[name], key=str)
        out[name] = sorted(rng.sample(members, parts[name]), key=str)
    return out


class Outcome(StrEnum):
    RECEIVED = "received"
    NOT_RECEIVED = "not_received"
    AMOUNT_MISMATCH = "amount_mismatch"
    NO_SUCH_PERSON = "no_such_person"
    UNREACHABLE = "unreachable"

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self]

    @property
    def opens_finding(self) -> bool:
        return self in PROBLEM_OUTCOMES


OUTCOME_LABELS = {
    Outcome.RECEIVED: "已收到",
    Outcome.NOT_RECEIVED: "未收到",
    Outcome.AMOUNT_MISMATCH: "金额不符",
    Outcome.NO_SUCH_PERSON: "查无此人",
    Outcome.UNREACHABLE: "联系不上",
}
PROBLEM_OUTCOMES = frozenset({Outcome.NOT_RECEIVED, Outcome.AMOUNT_MISMATCH, Outcome.NO_SUCH_PERSON})
METHODS = {"phone": "电话", "visit": "入户"}


@dataclass(frozen=True)
class Summary:
    drawn: int
    answered: int
    """Outcomes recorded other than 联系不上 (the person or household was reached)."""
    confirmed: int
    unreachable: int
    pending: int
    low: Decimal | None
    high: Decimal | None
    """The Wilson interval of the share confirmed among the answered, as fractions (None before any answer)."""

    @property
    def response_rate(self) -> Decimal | None:
        return _share(self.answered, self.drawn)

    @property
    def confirmed_share(self) -> Decimal | None:
        return _share(self.confirmed, self.answered)


def _share(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) / whole).quantize(Decimal("0.0001")) if whole else None


def wilson(successes: int, n: int, confidence: int = 95) -> tuple[Decimal, Decimal] | None:
    """The Wilson score interval of ``successes / n`` (4 decimals), None for n = 0."""
    if n == 0:
        return None
    z = float(Z_VALUES[confidence])
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    q = Decimal("0.0001")
    return Decimal(max(0.0, centre - half)).quantize(q), Decimal(min(1.0, centre + half)).quantize(q)


def summarise(outcomes: Sequence[str], confidence: int = 95) -> Summary:
    """``outcomes``: one per drawn member, empty text while not yet recorded."""
    unreachable = sum(1 for o in outcomes if o == Outcome.UNREACHABLE)
    pending = sum(1 for o in outcomes if not o)
    answered = len(outcomes) - unreachable - pending
    confirmed = sum(1 for o in outcomes if o == Outcome.RECEIVED)
    interval = wilson(confirmed, answered, confidence)
    return Summary(
        drawn=len(outcomes),
        answered=answered,
        confirmed=confirmed,
        unreachable=unreachable,
        pending=pending,
        low=interval[0] if interval else None,
        high=interval[1] if interval else None,
    )
