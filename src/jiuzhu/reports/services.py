"""Every write of the usage reports: one transaction, one audit record, keyword-only arguments.

- ``do_open_report``: the reporting region's 财政 经办 opens the month's report (prefilled from the ledger).
- ``do_save_explanations``: the county's only input — per line the reason, the measures and their date.
- ``do_submit_report``: figures refreshed from the ledger, every lagging line explained, then the review round
  opens for the prefecture's checker (``review.UsageReportReview``), who accepts or returns it.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jiuzhu.accounts.actions import require
from jiuzhu.approvals.services import open_round
from jiuzhu.audit.actions import AuditAction
from jiuzhu.audit.services import record
from jiuzhu.core.errors import ActionRefused
from jiuzhu.domain.usage_report import is_lagging, to_fen
from jiuzhu.regions.models import Region

from .figures import ledger_lines, month_end
from .models import REPORT_STATES, ReportStatus, UsageReport, UsageReportLine
from .selectors import incomplete_lagging

SUBJECT = "reports.monthly"


def lag_threshold() -> Decimal:
    return Decimal(str(getattr(settings, "JIUZHU_LAG_THRESHOLD_POINTS", 10)))


def due_date(year: int, month: int) -> datetime.date:
    """The month's last day, plus ``JIUZHU_USAGE_REPORT_DUE_DAYS``."""
    return month_end(year, month) + datetime.timedelta(days=int(settings.JIUZHU_USAGE_REPORT_DUE_DAYS))


def fill_refusal(actor: Any, report_region: Region | None) -> str:
    """Only a 财政 经办 of the reporting region itself fills its report."""
    if not actor.can("reports.fill"):
        return "您没有填报跟踪反馈表的权限"
    if report_region is None or actor.region_id != report_region.pk:
        return "只有本地区财政经办人员可以填报本地区的跟踪反馈表"
    return ""


def _require_fill(actor: Any, region: Region) -> None:
    refusal = fill_refusal(actor, region)
    if refusal:
        raise ActionRefused(refusal)


def refresh(report: UsageReport) -> None:
    """Copy the ledger's figures into a draft or returned report's lines, keeping what the county typed."""
    if not report.editable:
        raise ActionRefused("已报送或已审核的跟踪反馈表数据不再更新")
    existing = {(x.fund_name, x.doc_no): x for x in report.lines.all()}
    keep = set()
    for position, line in enumerate(ledger_lines(report.region, report.year, report.month), start=1):
        key = (line.fund, line.doc_no)
        keep.add(key)
        row = existing.get(key) or UsageReportLine(report=report, doc_no=line.doc_no, fund_name=line.fund)
        row.position, row.amount, row.paid = position, line.amount, line.paid
        row.purposes = "、".join(line.purposes)
        row.lagging = is_lagging(line, report.month, lag_threshold())
        row.save()
    report.lines.filter(pk__in=[x.pk for k, x in existing.items() if k not in keep]).delete()


def facts(report: UsageReport) -> dict[str, Any]:
    lines = list(report.lines.all())
    return {
        "status": report.status,
        "period": report.period,
        "amount_fen": sum(to_fen(x.amount) for x in lines),
        "paid_fen": sum(to_fen(x.paid) for x in lines),
        "lines": len(lines),
    }


@transaction.atomic
def do_open_report(*, actor: Any, region: Region, year: int, month: int, ip: str = "") -> UsageReport:
    """The month's report of ``region`` (created and prefilled on first opening)."""
    _require_fill(actor, region)
    report, created = UsageReport.objects.get_or_create(
        region=region, year=year, month=month, defaults={"created_by": actor, "due_on": due_date(year, month)}
    )
    if report.editable:
        refresh(report)
    if created:
        record(
            actor=actor,
            action=AuditAction.REPORTS_OPEN,
            entity=f"{region.short_name} {report.period}",
            region_path=region.path,
            ip=ip,
            after=facts(report),
        )
    return report


@dataclass(frozen=True)
class Explanation:
    reason: str
    measures: str
    measures_due: datetime.date | None


@transaction.atomic
def do_save_explanations(
    *, actor: Any, report: UsageReport, explanations: dict[int, Explanation], ip: str = ""
) -> UsageReport:
    """Store the reasons and measures typed for the report's lines (keyed by line id)."""
    report = UsageReport.objects.select_for_update().get(pk=report.pk)
    _require_fill(actor, report.region)
    if not report.editable:
        raise ActionRefused("只有草稿或已退回的跟踪反馈表可以修改")
    lines = {x.pk: x for x in report.lines.all()}
    for pk, text in explanations.items():
        line = lines.get(pk)
        if line is None:
            raise ActionRefused("该行不属于本表")
        line.reason, line.measures = text.reason.strip(), text.measures.strip()
        line.measures_due = text.measures_due
        line.save(update_fields=["reason", "measures", "measures_due"])
    record(
        actor=actor,
        action=AuditAction.REPORTS_EXPLAIN,
        entity=f"{report.region.short_name} {report.period}",
        region_path=report.region.path,
        ip=ip,
        after={"lines": sorted(explanations)},
    )
    return report


@transaction.atomic
def do_submit_report(*, actor: Any, report: UsageReport, ip: str = "") -> UsageReport:
    """Refresh the figures, refuse while a lagging line lacks its reason or measures, submit for review."""
    report = UsageReport.objects.select_for_update().select_related("region").get(pk=report.pk)
    _require_fill(actor, report.region)
    require(actor, "reports.fill")
    before = report.status
    refresh(report)
    missing = list(incomplete_lagging(report).values_list("doc_no", flat=True))
    if missing:
        raise ActionRefused(
            f"支出进度低于时序进度超过{lag_threshold()}个百分点的行须填写原因、整改措施及整改时间："
            + "、".join(missing)
        )
    REPORT_STATES.move(report, ReportStatus.SUBMITTED)
    report.submitted_by, report.submitted_at = actor, timezone.now()
    report.save(update_fields=["status", "submitted_by", "submitted_at"])
    info = facts(report)
    open_round(
        subject=SUBJECT,
        object_id=report.pk,
        actor=actor,
        region=report.region,
        fund=None,
        amount=Decimal(info["amount_fen"]) / 100,
    )
    record(
        actor=actor,
        action=AuditAction.REPORTS_SUBMIT,
        entity=f"{report.region.short_name} {report.period}",
        region_path=report.region.path,
        ip=ip,
        before={"status": before},
        after=info,
    )
    return report


def frozen_figures(report: UsageReport) -> dict[str, Any]:
    """The table as accepted: kept with the report, never recomputed."""
    return {
        "lines": [
            {
                "doc_no": x.doc_no,
                "fund": x.fund_name,
                "amount_fen": to_fen(x.amount),
                "paid_fen": to_fen(x.paid),
                "purposes": x.purposes,
            }
            for x in report.lines.all()
        ]
    }
