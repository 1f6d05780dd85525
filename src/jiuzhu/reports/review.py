"""The usage report as a subject of review (found by ``jiuzhu.approvals``): 跟踪反馈表.

Who checks: the notice sends the report to 地区财政局社会保障科, so the checker is a 审核 of the prefecture's
财政 (``reports.approve`` = 财政 审核, and the checker's own region must be the prefecture above the reporting
region — a county's own checker may not accept its county's report). The prefecture's own 本级 report is
checked by another person of the prefecture's finance (makers are refused by the review flow). A budget unit's
report is checked by a 审核 of the unit's own region's finance (地区社会福利院's by the prefecture, as the notice
has the units report to 社会保障科; a county's unit's by the county, whose report then consolidates it).
Accepted, the report is frozen with its figures (``accepted_figures``); returned, it goes back to the county with
the reason, its figures follow the ledger again until it is submitted anew.
"""

from typing import Any

from django.urls import reverse
from django.utils import timezone

from jiuzhu.accounts.scoping import within
from jiuzhu.approvals.review import Subject

from .models import REPORT_STATES, ReportStatus, UsageReport
from .services import SUBJECT, facts, frozen_figures


def checking_region(report: UsageReport) -> Any:
    """The prefecture a report is sent to: the region itself when it is the prefecture, else its prefecture;
    a budget unit's report goes to its own region's finance."""
    region: Any = report.region
    if report.unit_id is not None:
        return region
    while region.level != "prefecture" and region.parent_id is not None:
        region = region.parent
    return region


class UsageReportReview(Subject[UsageReport]):
    key, label, model = SUBJECT, "跟踪反馈表", UsageReport
    permission, audit, states = "reports.approve", "reports.", REPORT_STATES
    related = ("region",)  # not the nullable unit: PostgreSQL locks no outer join
    not_waiting = "只有已报送的跟踪反馈表可以{verb}"
    approved_message = "已审核通过，跟踪反馈表数据已锁定"
    returned_message = "已退回填报地区修改"

    def refusal(self, actor: Any, report: UsageReport) -> str:
        if not actor.can(self.permission):
            return "您没有执行此操作的权限"
        if not within(actor, report.region):
            return "该地区不在您的管辖范围内"
        if actor.region_id != checking_region(report).pk:
            if report.unit_id is not None:
                return "预算单位的跟踪反馈表由本地区财政局审核"
            return "跟踪反馈表由地区财政局审核"
        return ""

    def makers(self, report: UsageReport) -> set[int]:
        return super().makers(report) | {report.created_by_id}

    def on_approve(self, report: UsageReport, actor: Any) -> None:
        REPORT_STATES.move(report, ReportStatus.ACCEPTED)
        report.accepted_by, report.accepted_at = actor, timezone.now()
        report.accepted_figures = frozen_figures(report)
        report.save(update_fields=["status", "accepted_by", "accepted_at", "accepted_figures"])

    def on_return(self, report: UsageReport, actor: Any, reason: str) -> dict[str, Any]:
        REPORT_STATES.move(report, ReportStatus.RETURNED)
        report.return_reason = reason
        report.save(update_fields=["status", "return_reason"])
        return {}

    def entity(self, report: UsageReport) -> str:
        return f"{report.reporter} {report.period}"

    def facts(self, report: UsageReport) -> dict[str, Any]:
        return facts(report)

    def page(self, report: UsageReport) -> str:
        return reverse("reports:detail", args=[report.pk])
