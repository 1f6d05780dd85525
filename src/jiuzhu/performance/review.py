"""The subjects of review of performance management (found by ``jiuzhu.approvals``).

- 绩效目标表 (``performance.table``): the issuing region's decomposition, checked by a 审核 of that region's
  财政 or 民政 who did not submit it; approved, its values are fixed and the counties confirm theirs.
- 绩效运行监控表 (``performance.monitoring``): a county's 双监控 report, checked by a 审核 of the prefecture
  above it (as the usage report is); approved, it is final; returned, the county corrects and submits again.
"""

from typing import Any

from django.urls import reverse
from django.utils import timezone

from jiuzhu.accounts.scoping import within
from jiuzhu.approvals.review import Subject

from .models import STATES, MonitoringReport, Status, TargetTable
from .monitoring_report import SUBJECT as REPORT_SUBJECT
from .services import TABLE_SUBJECT


def _approve(obj: Any) -> None:
    STATES.move(obj, Status.APPROVED)
    obj.approved_at = timezone.now()
    obj.save(update_fields=["status", "approved_at"])


def _return(obj: Any, reason: str) -> dict[str, Any]:
    STATES.move(obj, Status.RETURNED)
    obj.return_reason = reason
    obj.save(update_fields=["status", "return_reason"])
    return {}


class TargetTableReview(Subject[TargetTable]):
    key, label, model = TABLE_SUBJECT, "绩效目标表", TargetTable
    permission, audit, states = "performance.approve", "performance.table_", STATES
    related = ("region", "fund")
    approved_message = "已审核通过，各县（市）可确认本地区的分解目标"

    def makers(self, table: TargetTable) -> set[int]:
        return super().makers(table) | {table.created_by_id}

    def on_approve(self, table: TargetTable, actor: Any) -> None:
        _approve(table)

    def on_return(self, table: TargetTable, actor: Any, reason: str) -> dict[str, Any]:
        return _return(table, reason)

    def entity(self, table: TargetTable) -> str:
        return f"绩效目标表#{table.pk}"

    def page(self, table: TargetTable) -> str:
        return reverse("performance:table", args=[table.pk])


class MonitoringReportReview(Subject[MonitoringReport]):
    key, label, model = REPORT_SUBJECT, "绩效运行监控表", MonitoringReport
    permission, audit, states = "performance.approve", "performance.monitoring_", STATES
    related = ("region", "table__region")
    approved_message = "已审核通过，绩效运行监控表已锁定"
    returned_message = "已退回填报地区修改"

    def refusal(self, actor: Any, report: MonitoringReport) -> str:
        if not actor.can(self.permission):
            return "您没有执行此操作的权限"
        if not within(actor, report.region):
            return "该地区不在您的管辖范围内"
        if actor.region_id != report.table.region_id:
            return "绩效运行监控表由下达目标的地区审核"
        return ""

    def makers(self, report: MonitoringReport) -> set[int]:
        return super().makers(report) | {report.created_by_id}

    def on_approve(self, report: MonitoringReport, actor: Any) -> None:
        _approve(report)

    def on_return(self, report: MonitoringReport, actor: Any, reason: str) -> dict[str, Any]:
        return _return(report, reason)

    def entity(self, report: MonitoringReport) -> str:
        return str(report)

    def page(self, report: MonitoringReport) -> str:
        return reverse("performance:report", args=[report.pk])
