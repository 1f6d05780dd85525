"""The reports a county's 财政 经办 has to file now: last month's and this month's usage report while not yet
submitted, and any older one of the region left overdue. Shown on the 工作台 with its state and deadline."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from .figures import previous
from .models import ReportStatus, UsageReport
from .selectors import FILED, reporting_regions
from .services import due_date, fill_refusal


@dataclass(frozen=True)
class DueReport:
    year: int
    month: int
    due: datetime.date
    report: UsageReport | None
    today: datetime.date

    @property
    def title(self) -> str:
        return f"{self.year}年{self.month}月资金使用情况跟踪反馈表"

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
    if region is None or region.level != "county" or fill_refusal(user, region):
        return []
    months = {previous(today.year, today.month), (today.year, today.month)}
    own = UsageReport.objects.filter(region=region)
    found = {(r.year, r.month): r for r in own.filter(year__gte=today.year - 1)}
    older = own.exclude(status__in=FILED).filter(due_on__lt=today)
    months |= {(r.year, r.month) for r in older}
    out = []
    for year, month in sorted(months):
        report = found.get((year, month))
        if report is not None and report.status in FILED:
            continue
        if report is None and not reporting_regions(user, year, month, within=region).filter(pk=region.pk):
            continue  # no money of that year received yet: nothing to report
        out.append(DueReport(year, month, due_date(year, month), report, today))
    return out
