"""结转 and 收回: what a closed year carries into the next, and what the level above takes back.

An appropriation's balance at the end of a year is what was registered into it, less every payment up to that
year and every approved 收回 of it. The close carries each positive balance, whole, into the next year (one
line per appropriation, keeping everything that identifies it); an overspent one carries nothing and is
reported. A balance that has been carried ``period`` years in a row is proposed for 收回: a negative movement
for the region and the same amount, positive, for the level above. Neither step creates or loses a fen.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .money import format_yuan
from .problems import Problem, Severity, Where

ZERO = Decimal("0.00")
#: 收回 after a balance has been carried this many years in a row, unless the fund says otherwise.
DEFAULT_RECOVERY_YEARS = 2


@dataclass(frozen=True)
class Position:
    """One appropriation at the end of a year."""

    key: str
    """Its bgt_id."""
    registered: Decimal
    paid: Decimal
    """Every payment up to and including the year."""
    recovered: Decimal = ZERO
    """Approved 收回 of it (positive)."""

    @property
    def balance(self) -> Decimal:
        return self.registered - self.paid - self.recovered


@dataclass(frozen=True)
class Carry:
    key: str
    amount: Decimal


def carry_forward(positions: Sequence[Position]) -> tuple[list[Carry], list[Problem]]:
    """One 结转 line per positive balance; a problem (warning) per overspent appropriation."""
    lines = [Carry(p.key, p.balance) for p in positions if p.balance > 0]
    problems = [
        Problem(
            "OVERSPENT",
            f"指标{p.key}已超支{format_yuan(-p.balance)}元，没有余额可以结转",
            Where(entity=p.key),
            severity=Severity.WARNING,
            numbers={"registered": p.registered, "paid": p.paid, "balance": p.balance},
        )
        for p in positions
        if p.balance < 0
    ]
    return lines, problems


def carried_years(source_year: int, into_year: int) -> int:
    """How many years in a row a balance of ``source_year`` has been carried once it is in ``into_year``."""
    return into_year - source_year


def due_for_recovery(source_year: int, into_year: int, period: int = DEFAULT_RECOVERY_YEARS) -> bool:
    return carried_years(source_year, into_year) >= period


@dataclass(frozen=True)
class RecoveryMove:
    """The two sides of one 收回: the region gives ``amount`` back, its parent receives it."""

    key: str
    region: str
    parent: str
    amount: Decimal

    def movements(self) -> tuple[tuple[str, Decimal], tuple[str, Decimal]]:
        return (self.region, -self.amount), (self.parent, self.amount)


def recovery_moves(carried: Sequence[tuple[str, str, str, Decimal]]) -> list[RecoveryMove]:
    """(key, region, parent, remaining balance) → the moves; nothing for a balance spent down to zero."""
    return [RecoveryMove(k, r, p, a) for k, r, p, a in carried if a > 0]
