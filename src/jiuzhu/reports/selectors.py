"""Reads of the usage reports, every one scoped through ``accounts.scoping``."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from jiuzhu.accounts.scoping import regions_for, scoped
from jiuzhu.domain.usage_report import Line
from jiuzhu.ledger.models import Movement
from jiuzhu.regions.models import BudgetUnit, Region

from .figures import ledger_lines, previous
from .models import ReportStatus, UnitAppropriation, UsageReport, UsageReportLine

ZERO = Decimal("0.00")
FILED = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)


def visible_reports(user: Any) -> QuerySet[UsageReport]:
    return scoped(UsageReport.objects.select_related("region", "unit", "submitted_by", "accepted_by"), user)


def is_overdue(report: UsageReport, today: datetime.date | None = None) -> bool:
    """Not yet filed (draft or returned) and past its deadline."""
    return report.status not in FILED and (today or timezone.localdate()) > report.due_on


def overdue_reports(user: Any, today: datetime.date | None = None) -> QuerySet[UsageReport]:
    today = today or timezone.localdate()
    return visible_reports(user).exclude(status__in=FILED).filter(due_on__lt=today)


def reporting_regions(user: Any, year: int, month: int, within: Region | None = None) -> QuerySet[Region]:
    """The regions of the user's area that received money of the year by the month's end: they report."""
    from .figures import month_end

    has = Movement.objects.filter(fiscal_year=year, received_on__lte=month_end(year, month))
    regions = regions_for(user).filter(pk__in=has.values("region"))
    if within is not None:
        regions = regions.filter(path__startswith=within.path)
    return regions.order_by("path")


def report_lines(report: UsageReport) -> list[Line]:
    """The stored lines as domain lines (the figures the report holds: live, as submitted or as accepted)."""
    return [
        Line(x.doc_no, x.fund_name, x.amount, x.paid, tuple(p for p in x.purposes.split("、") if p), x.unit)
        for x in report.lines.all()
    ]


@dataclass(frozen=True)
class Change:
    """How the ledger's figures for the previous month's end now differ from what the accepted report said."""

    doc_no: str
    fund: str
    amount: Decimal
    paid: Decimal


def changes_since_accepted(report: UsageReport) -> list[Change]:
    """The previous month's accepted report against the ledger as it is now for that month's end."""
    year, month = previous(report.year, report.month)
    prior = UsageReport.objects.filter(
        region=report.region, unit=report.unit, year=year, month=month, status=ReportStatus.ACCEPTED
    ).first()
    if prior is None or not prior.accepted_figures:
        return []
    was = {(x.get("unit", ""), x["fund"], x["doc_no"]): x for x in prior.accepted_figures["lines"]}
    now = {(x.unit, x.fund, x.doc_no): x for x in ledger_lines(report.region, year, month, report.unit)}
    out = []
    for key in dict.fromkeys([*was, *now]):
        before, after = was.get(key), now.get(key)
        amount = (after.amount if after else ZERO) - (Decimal(before["amount_fen"]) / 100 if before else ZERO)
        paid = (after.paid if after else ZERO) - (Decimal(before["paid_fen"]) / 100 if before else ZERO)
        if amount or paid:
            fund = f"{key[0]}：{key[1]}" if key[0] and report.unit_id is None else key[1]
            out.append(Change(key[2], fund, amount.quantize(ZERO), paid.quantize(ZERO)))
    return out


@dataclass
class Consolidated:
    """All the reporting regions of an area for a month: their lines, totals, the previous month, non-filers."""

    year: int
    month: int
    rows: list[dict[str, Any]] = field(default_factory=list)
    not_filed: list[str] = field(default_factory=list)
    """the names of the regions and units whose report is not filed"""

    def lines(self) -> list[tuple[Region, Line]]:
        return [(r["region"], line) for r in self.rows for line in r["lines"]]


def consolidated(
    user: Any, *, region: Region, year: int, month: int, status: str = "", live: bool = True
) -> Consolidated:
    """One row per reporting region: its report's lines where it has a report (stored figures), else the
    ledger's (``live``); the previous month's totals beside; the regions whose report is not filed."""
    out = Consolidated(year, month)
    month_reports = visible_reports(user).filter(year=year, month=month, region__path__startswith=region.path)
    reports = {r.region_id: r for r in month_reports.filter(unit=None)}
    py, pm = previous(year, month)
    before = {
        r.region_id: r
        for r in visible_reports(user).filter(
            year=py, month=pm, unit=None, region__path__startswith=region.path
        )
    }
    units = units_reporting(user, year, month, within=region)
    for reg in reporting_regions(user, year, month, within=region):
        report = reports.get(reg.pk)
        if status and (report.status if report else "none") != status:
            continue
        lines = report_lines(report) if report else (ledger_lines(reg, year, month) if live else [])
        prior = before.get(reg.pk)
        prior_lines = report_lines(prior) if prior else ledger_lines(reg, py, pm) if pm and py == year else []
        out.rows.append(
            {
                "region": reg,
                "report": report,
                "lines": lines,
                "amount": sum((x.amount for x in lines), ZERO),
                "paid": sum((x.paid for x in lines), ZERO),
                "prior_amount": sum((x.amount for x in prior_lines), ZERO),
                "prior_paid": sum((x.paid for x in prior_lines), ZERO),
                "units": units.get(reg.pk, []),
            }
        )
        if report is None or report.status not in FILED:
            out.not_filed.append(reg.name)
        out.not_filed += [
            f"{u.name}（{reg.name}）" for u, r in units.get(reg.pk, []) if r is None or r.status not in FILED
        ]
    return out


def units_reporting(
    user: Any, year: int, month: int, within: Region
) -> dict[int, list[tuple[BudgetUnit, UsageReport | None]]]:
    """By region: its budget units that report (they have appropriations of the year named to them), each
    with its report of the month if opened."""
    named = UnitAppropriation.objects.filter(
        appropriation__fiscal_year=year, appropriation__region__in=regions_for(user)
    ).filter(appropriation__region__path__startswith=within.path)
    opened = {
        r.unit_id: r
        for r in visible_reports(user).filter(year=year, month=month, region__path__startswith=within.path)
        if r.unit_id is not None
    }
    units = BudgetUnit.objects.filter(pk__in=named.values("unit")).order_by("code")
    out: dict[int, list[tuple[BudgetUnit, UsageReport | None]]] = {}
    for unit in units:
        out.setdefault(unit.region_id, []).append((unit, opened.get(unit.pk)))
    return out


def lagging_lines(report: UsageReport) -> QuerySet[UsageReportLine]:
    return report.lines.filter(lagging=True)


def incomplete_lagging(report: UsageReport) -> QuerySet[UsageReportLine]:
    """Lagging lines without a reason, measures or their date: they block submission."""
    return lagging_lines(report).filter(Q(reason="") | Q(measures="") | Q(measures_due__isnull=True))
