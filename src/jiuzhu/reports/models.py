"""The monthly usage report (跟踪反馈表): one per reporting region and month, one line per received document.

A line's figures (资金金额, 实际支出金额, 资金支出方向) are never typed: ``services.refresh`` copies them from the
ledger as of the month's end while the report is a draft or returned. Submitted, they stay as submitted; accepted,
they are frozen for good with ``accepted_figures`` (the whole table as accepted, in fen). The county types only
the reason, the measures and their date.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models

from jiuzhu.core.fields import MoneyField
from jiuzhu.core.states import Machine, Shown


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待审核"
    ACCEPTED = "approved", "已审核"  # the review flow moves a subject to "approved"
    RETURNED = "returned", "已退回"


#: A draft is submitted; the prefecture's checker accepts it or returns it; a returned one is corrected and
#: submitted again. An accepted report is final (a later change shows in the next month's report).
REPORT_STATES = Machine(
    ReportStatus,
    transitions={
        ReportStatus.DRAFT: {ReportStatus.SUBMITTED},
        ReportStatus.SUBMITTED: {ReportStatus.ACCEPTED, ReportStatus.RETURNED},
        ReportStatus.RETURNED: {ReportStatus.SUBMITTED},
    },
    badges={
        ReportStatus.DRAFT: "",
        ReportStatus.SUBMITTED: "submitted",
        ReportStatus.ACCEPTED: "approved",
        ReportStatus.RETURNED: "returned",
    },
)


class UsageReport(models.Model):
    DRAFT, SUBMITTED, ACCEPTED, RETURNED = (
        ReportStatus.DRAFT,
        ReportStatus.SUBMITTED,
        ReportStatus.ACCEPTED,
        ReportStatus.RETURNED,
    )

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    status = models.CharField("状态", max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    due_on = models.DateField("报送截止日期")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField("审核通过时间", null=True, blank=True)
    return_reason = models.TextField("退回原因", blank=True)
    accepted_figures = models.JSONField(
        "审核通过时的数据",
        null=True,
        blank=True,
        help_text="lines as accepted: doc_no, fund, amount/paid fen",
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "year", "month"], name="uniq_usage_report")]
        ordering = ["-year", "-month", "region__path"]
        verbose_name = "跟踪反馈表"

    def __str__(self) -> str:
        return f"{self.region.short_name} {self.period}"

    @property
    def period(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def status_shown(self) -> Shown:
        return REPORT_STATES.show(self.status)

    @property
    def editable(self) -> bool:
        return self.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)


class UsageReportLine(models.Model):
    """One received document: figures from the ledger, the county's reason and measures."""

    report = models.ForeignKey(UsageReport, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField("序号")
    doc_no = models.CharField("文号", max_length=64)
    fund_name = models.CharField("资金名称", max_length=128)
    amount = MoneyField("资金金额")
    paid = MoneyField("实际支出金额")
    purposes = models.CharField("资金支出方向", max_length=128, blank=True)
    lagging = models.BooleanField("进度滞后", default=False)
    reason = models.TextField("未按计划或预算执行要求支出的原因", blank=True)
    measures = models.TextField("整改措施", blank=True)
    measures_due = models.DateField("整改时间", null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "fund_name", "doc_no"], name="uniq_usage_report_line")
        ]
        ordering = ["report", "position"]
        verbose_name = "跟踪反馈表行"

    def __str__(self) -> str:
        return f"{self.doc_no} {self.fund_name}"

    @property
    def unpaid(self) -> Decimal:
        unpaid: Decimal = self.amount - self.paid
        return unpaid
