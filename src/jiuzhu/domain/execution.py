"""支出进度: spending against time, and a projection of the year's spending to its end.

Amounts are Decimal 元. The conventions, shown on the page as written here:

- 支出进度 (execution rate) = paid ÷ available, available = registered + 上年结转 ± 收回;
- 时序进度 (time elapsed rate) = days of the fiscal year up to the date (its last day included) ÷ days in the year;
- the run-rate projection: the average monthly payment over the last ``months`` complete months before the date,
  times the months left after the last complete month, added to what was paid up to that month's end;
- the profile projection (when last year paid anything): paid so far ÷ the share last year had paid by the same
  month's end.
"""

import calendar
import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0.00")
FEN = Decimal("0.01")
#: Rates are shown in percent with two places.
POINT = Decimal("0.01")


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def time_elapsed_rate(day: datetime.date) -> Decimal:
    """时序进度 in percent: day of the year (inclusive) ÷ days in the year."""
    days = 366 if calendar.isleap(day.year) else 365
    return (Decimal(day.timetuple().tm_yday) * 100 / days).quantize(POINT, ROUND_HALF_UP)


def execution_rate(paid: Decimal, available: Decimal) -> Decimal | None:
    """支出进度 in percent; None when nothing is available."""
    if available <= 0:
        return None
    return (paid * 100 / available).quantize(POINT, ROUND_HALF_UP)


def last_complete_month(day: datetime.date) -> int:
    """The last month of ``day``'s year that has ended by ``day`` (0 before the end of January)."""
    return day.month if day == month_end(day.year, day.month) else day.month - 1


@dataclass(frozen=True)
class Projection:
    """What the year will have paid by its end, by two methods."""

    paid: Decimal
    """Paid up to the date."""
    run_rate: Decimal
    """Average monthly payment over the last complete months used."""
    months_used: tuple[int, ...]
    """Which months the run rate averages."""
    by_run_rate: Decimal
    by_profile: Decimal | None
    """None without last year's profile (or when last year had paid nothing by then)."""


def project(
    monthly_paid: Mapping[int, Decimal],
    day: datetime.date,
    *,
    months: int = 3,
    last_year: Mapping[int, Decimal] | None = None,
) -> Projection:
    """The year-end projection from payments per month (1–12) of the year of ``day``, paid on or before ``day``."""
    last = last_complete_month(day)
    paid = sum(monthly_paid.values(), ZERO)
    through = sum((v for m, v in monthly_paid.items() if m <= last), ZERO)
    used = tuple(m for m in range(max(1, last - months + 1), last + 1))
    rate = (sum((monthly_paid.get(m, ZERO) for m in used), ZERO) / len(used)).quantize(FEN) if used else ZERO
    by_rate = max(paid, through + rate * (12 - last))
    return Projection(paid, rate, used, by_rate, _by_profile(paid, last, last_year))


def _by_profile(paid: Decimal, last: int, last_year: Mapping[int, Decimal] | None) -> Decimal | None:
    if not last_year or last < 1:
        return None
    total = sum(last_year.values(), ZERO)
    share = sum((v for m, v in last_year.items() if m <= last), ZERO)
    if total <= 0 or share <= 0:
        return None
    return max(paid, (paid * total / share).quantize(FEN, ROUND_HALF_UP))


def cumulative(monthly: Mapping[int, Decimal]) -> list[Decimal]:
    """Running totals for months 1–12."""
    out, running = [], ZERO
    for month in range(1, 13):
        running += monthly.get(month, ZERO)
        out.append(running)
    return out


@dataclass(frozen=True)
class ExecutionLine:
    """One region, fund and purpose of a year up to a month."""

    registered: Decimal
    carried_in: Decimal
    """上年结转: approved carryover into this year."""
    recovered: Decimal
    """收回, signed: negative for the region that gave the money back, positive for the level above."""
    paid: Decimal
    paid_out: Decimal

    @property
    def available(self) -> Decimal:
        return self.registered + self.carried_in + self.recovered

    @property
    def balance(self) -> Decimal:
        return self.available - self.paid

    def rate(self) -> Decimal | None:
        return execution_rate(self.paid, self.available)


def add_lines(lines: Sequence[ExecutionLine]) -> ExecutionLine:
    return ExecutionLine(
        sum((x.registered for x in lines), ZERO),
        sum((x.carried_in for x in lines), ZERO),
        sum((x.recovered for x in lines), ZERO),
        sum((x.paid for x in lines), ZERO),
        sum((x.paid_out for x in lines), ZERO),
    )
