"""The reports a county's 财政 经办 has to file now: last month's and this month's usage report while not yet
submitted, and any older one of the region left overdue; likewise, for a 民政 经办, the reports of the region's
budget units that have appropriations named to them. Shown on the 工作台 with its state and deadline."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from jiuzhu.regions.models import BudgetUnit, Region

from .figures import previous
from .models import ReportStatus, UnitAppropriation, UsageReport
from .selectors import FILED, reporting_regions
from .services import due_date, fill_refusal


@dataclass(frozen=True)
class DueReport:
    year: int
    month: int
    due: datetime.date
    report: UsageReport | None
    today: datetime.date
    unit: str = ""
    """the budget unit whose report this is (empty: the region's own)"""

    @property
    def title(self) -> str:
        return f"{self.unit}{self.year}年{self.month}月资金使用情况跟踪反馈表"

    @property
    def sent_to(self) -> str:
        """Who checks it: a unit's report its own region's finance, a county's the prefecture's."""
        return "本地区财政局" if self.unit else "地区财政局"

    @property
    def state(self) -> str:
        if self.report is None:
            return "未填报"
        return "已退回，待更正" if self.report.status == ReportStatus.RETURNED else "草稿，未提交"

    @property
    def days(self) -> int:
        return (self.due - self.today).days

    @property
    def late(self) -> bool:
        return self.today > self.due

    @property
    def days_late(self) -> int:
        return -self.days

    @property
    def url(self) -> str:
        if self.report is not None:
            return reverse("reports:detail", args=[self.report.pk])
        return f"{reverse('reports:home')}?month={self.year}-{self.month:02d}"


def due_reports(user: Any, today: datetime.date) -> list[DueReport]:
    region = getattr(user, "region", None)
    if region is None:
        return []
    out = []
    if region.level == "county" and not fill_refusal(user, region):
        out += _due(user, region, None, today)
    if user.can("reports.fill_unit"):
        named = UnitAppropriation.objects.filter(
            appropriation__region=region, appropriation__fiscal_year__gte=today.year - 1
        )
        for unit in BudgetUnit.objects.filter(pk__in=named.values("unit")).order_by("code"):
            out += _due(user, region, unit, today)
    return out


def _due(user: Any, region: Region, unit: BudgetUnit | None, today: datetime.date) -> list[DueReport]:
    months = {previous(today.year, today.month), (today.year, today.month)}
    own = UsageReport.objects.filter(region=region, unit=unit)
    found = {(r.year, r.month): r for r in own.filter(year__gte=today.year - 1)}
    older = own.exclude(status__in=FILED).filter(due_on__lt=today)
    months |= {(r.year, r.month) for r in older}
    out = []
    for year, month in sorted(months):
        report = found.get((year, month))
        if report is not None and report.status in FILED:
            continue
        if report is None and not _reports(user, region, unit, year, month):
            continue  # no money of that year received (or named to the unit) yet: nothing to report
        out.append(DueReport(year, month, due_date(year, month), report, today, unit.name if unit else ""))
    return out


def _reports(user: Any, region: Region, unit: BudgetUnit | None, year: int, month: int) -> bool:
    if unit is not None:
        return UnitAppropriation.objects.filter(unit=unit, appropriation__fiscal_year=year).exists()
    return reporting_regions(user, year, month, within=region).filter(pk=region.pk).exists()
