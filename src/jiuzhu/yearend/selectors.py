"""Reads of execution (支出进度), every one scoped to the user's area through ``accounts.scoping.scoped``.

Each measure is one grouped query over its whole table (the same on SQLite and PostgreSQL): per region, fund
(by name and level, so that a 2022 balance carried into 2023 sits beside the 2023 money of the same fund),
purpose and month. Only what a checker approved counts, as in the ledger.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth

from jiuzhu.accounts.scoping import scoped
from jiuzhu.domain.execution import ExecutionLine, Projection, add_lines, cumulative, month_end, project
from jiuzhu.domain.purposes import PURPOSE_LABELS, Purpose
from jiuzhu.ledger.models import Payment, Payout, Registration, RegistrationLine
from jiuzhu.regions.models import Region

from .models import CarryoverLine, RecoveryLine, ReviewStatus

ZERO = Decimal("0.00")
MEASURES = ("registered", "carried_in", "recovered", "paid", "paid_out")
#: (region id, fund name, fund level, purpose)
Key = tuple[int, str, str, str]


@dataclass
class Monthly:
    """One key's measures per month (1–12)."""

    values: dict[str, dict[int, Decimal]] = field(default_factory=lambda: {m: {} for m in MEASURES})

    def add(self, measure: str, month: int, amount: Decimal) -> None:
        bucket = self.values[measure]
        bucket[month] = bucket.get(month, ZERO) + amount

    def upto(self, month: int) -> ExecutionLine:
        return ExecutionLine(
            *(sum((v for m, v in self.values[k].items() if m <= month), ZERO) for k in MEASURES)
        )


def _rows(queryset: QuerySet[Any], prefix: str, month_expr: Any, amount: str) -> Iterable[tuple[Any, ...]]:
    rows: Iterable[tuple[Any, ...]] = (
        queryset.annotate(month=month_expr)
        .values_list(
            f"{prefix}region",
            f"{prefix}fund__name",
            f"{prefix}fund__source_label",
            f"{prefix}purpose",
            "month",
        )
        .annotate(total=Sum(amount))
        .order_by()
        .values_list(
            f"{prefix}region",
            f"{prefix}fund__name",
            f"{prefix}fund__source_label",
            f"{prefix}purpose",
            "month",
            "total",
        )
    )
    return rows


def monthly_figures(
    user: Any, *, year: int, as_of: datetime.date, region: Region | None = None
) -> dict[Key, Monthly]:
    """Every measure of ``year`` up to ``as_of``, per key and month."""
    out: dict[Key, Monthly] = defaultdict(Monthly)

    def put(measure: str, rows: Iterable[tuple[Any, ...]], sign: int = 1) -> None:
        for reg, name, level, purpose, month, total in rows:
            out[(reg, name, level, purpose)].add(measure, int(month or 1), sign * (total or ZERO))

    inside = Q(region__path__startswith=region.path) if region is not None else Q()
    lines = scoped(RegistrationLine.objects.all(), user, via="appropriation__region").filter(
        registration__status=Registration.APPROVED,
        appropriation__fiscal_year=year,
        registration__registered_on__lte=as_of,
    )
    if region is not None:
        lines = lines.filter(appropriation__region__path__startswith=region.path)
    put("registered", _rows(lines, "appropriation__", ExtractMonth("registration__registered_on"), "amount"))
    carried = scoped(CarryoverLine.objects.all(), user).filter(
        inside, to_year=year, close__status=ReviewStatus.APPROVED
    )
    put(
        "carried_in",
        ((*r[:4], 1, r[5]) for r in _rows(carried, "", ExtractMonth("close__created_at"), "amount")),
    )
    recovered = RecoveryLine.objects.filter(
        recovery__fiscal_year=year,
        recovery__status=ReviewStatus.APPROVED,
        recovery__doc_date__lte=as_of,
    )
    for via, sign in (("from_region", -1), ("to_region", 1)):
        mine = scoped(recovered, user, via=via)
        if region is not None:
            mine = mine.filter(**{f"{via}__path__startswith": region.path})
        put("recovered", _recovered(mine, via), sign)
    payments = scoped(Payment.objects.all(), user).filter(
        inside, batch__approved_at__isnull=False, fiscal_year=year, xpay_date__lte=as_of
    )
    put("paid", _rows(payments, "appropriation__", ExtractMonth("xpay_date"), "xpay_amt"))
    put("paid_out", _paid_out(user, year, as_of, region))
    return dict(out)


def _recovered(lines: QuerySet[RecoveryLine], via: str) -> Iterable[tuple[Any, ...]]:
    return (
        lines.annotate(month=ExtractMonth("recovery__doc_date"))
        .values_list(
            via, "carryover__fund__name", "carryover__fund__source_label", "carryover__purpose", "month"
        )
        .annotate(total=Sum("amount"))
        .order_by()
        .values_list(
            via,
            "carryover__fund__name",
            "carryover__fund__source_label",
            "carryover__purpose",
            "month",
            "total",
        )
    )


def _paid_out(user: Any, year: int, as_of: datetime.date, region: Region | None) -> Iterable[tuple[Any, ...]]:
    payouts = scoped(Payout.objects.all(), user).filter(
        Q(batch__isnull=True) | Q(batch__approved_at__isnull=False),
        fiscal_year=year,
        payment__xpay_date__lte=as_of,
    )
    if region is not None:
        payouts = payouts.filter(region__path__startswith=region.path)
    rows = (
        payouts.values_list(
            "region",
            "payment__appropriation__fund__name",
            "payment__appropriation__fund__source_label",
            "purpose",
            "pay_month",
        )
        .annotate(total=Sum("xpay_amt"))
        .order_by()
    )
    return ((r, n, lv, p, int(m) if str(m).isdigit() else 1, t) for r, n, lv, p, m, t in rows)


@dataclass(frozen=True)
class Row:
    """One region, fund and purpose: the figures up to the date and the projection."""

    region: Region
    fund: str
    purpose: str
    figures: ExecutionLine
    projection: Projection
    cumulative_paid: list[Decimal]

    @property
    def purpose_name(self) -> str:
        return (
            PURPOSE_LABELS[Purpose(self.purpose)]
            if self.purpose in Purpose._value2member_map_
            else self.purpose
        )


def execution(
    user: Any, *, year: int, as_of: datetime.date | None = None, region: Region | None = None, months: int = 3
) -> list[Row]:
    """Per region, fund and purpose, ordered by region: what the page, the CLI and the export show."""
    as_of = as_of or min(datetime.date.today(), month_end(year, 12))
    figures = monthly_figures(user, year=year, as_of=as_of, region=region)
    before = monthly_figures(user, year=year - 1, as_of=month_end(year - 1, 12), region=region)
    regions = Region.objects.in_bulk({k[0] for k in figures})
    rows = []
    for key, monthly in figures.items():
        last_year = before.get(key)
        projection = project(
            monthly.values["paid"],
            as_of,
            months=months,
            last_year=last_year.values["paid"] if last_year else None,
        )
        rows.append(
            Row(
                regions[key[0]],
                f"{key[2]}{key[1]}",
                key[3],
                monthly.upto(12),
                projection,
                cumulative(monthly.values["paid"]),
            )
        )
    return sorted(rows, key=lambda r: (r.region.path, r.fund, r.purpose))


def by_region(rows: list[Row]) -> list[tuple[Region, ExecutionLine, list[Row]]]:
    """Rows grouped by region with the region's totals."""
    groups: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        groups[row.region.pk].append(row)
    return [(g[0].region, add_lines([r.figures for r in g]), g) for g in groups.values()]


def as_json(rows: list[Row], *, year: int, as_of: datetime.date) -> dict[str, Any]:
    from jiuzhu.domain.execution import time_elapsed_rate

    return {
        "fiscal_year": year,
        "as_of": as_of.isoformat(),
        "time_elapsed_rate": str(time_elapsed_rate(as_of)),
        "lines": [
            {
                "mof_div_code": r.region.mof_div_code,
                "mof_div_name": r.region.name,
                "fund": r.fund,
                "purpose": r.purpose,
                "purpose_name": r.purpose_name,
                "registered": str(r.figures.registered),
                "carried_in": str(r.figures.carried_in),
                "recovered": str(r.figures.recovered),
                "available": str(r.figures.available),
                "paid": str(r.figures.paid),
                "paid_out": str(r.figures.paid_out),
                "balance": str(r.figures.balance),
                "execution_rate": None if r.figures.rate() is None else str(r.figures.rate()),
                "run_rate": str(r.projection.run_rate),
                "projected_by_run_rate": str(r.projection.by_run_rate),
                "projected_by_profile": None
                if r.projection.by_profile is None
                else str(r.projection.by_profile),
            }
            for r in rows
        ],
    }
