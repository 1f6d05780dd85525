"""The monthly usage report (跟踪反馈表): one per reporting region and month, one line per received document.

A line's figures (资金金额, 实际支出金额, 资金支出方向) are never typed: ``services.refresh`` copies them from the
ledger as of the month's end while the report is a draft or returned. Submitted, they stay as submitted; accepted,
they are frozen for good with ``accepted_figures`` (the whole table as accepted, in fen). The county types only
the reason, the measures and their date.

Budget units (预算单位) report beside the regions: the region's 财政 经办 names the appropriations a unit spends
(``UnitAppropriation``); the unit's report (``unit`` set) has the lines of those appropriations — its share of
each received document as registered into them, and the treasury's payments from them — filled by the region's
民政 经办 for the unit and accepted by the region's own 财政 审核. The region's report consolidates them: its own
lines (the rest of each document) and then every unit's lines under the unit's name, with the unit's reasons;
together they add up to the region's ledger, and the region submits only once its units' reports are accepted.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

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
    unit = models.ForeignKey(
        "regions.BudgetUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="预算单位",
        help_text="set: the unit's own report; empty: the region's (with its units' lines)",
    )
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
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "month"], condition=Q(unit=None), name="uniq_usage_report"
            ),
            models.UniqueConstraint(
                fields=["unit", "year", "month"],
                condition=Q(unit__isnull=False),
                name="uniq_unit_usage_report",
            ),
        ]
        ordering = ["-year", "-month", "region__path"]
        verbose_name = "跟踪反馈表"

    def __str__(self) -> str:
        return f"{self.reporter} {self.period}"

    @property
    def reporter(self) -> str:
        """县市（单位）名称: the unit's name, or the region's."""
        return self.unit.name if self.unit_id and self.unit else self.region.short_name

    @property
    def reporter_full(self) -> str:
        return f"{self.region.name} {self.unit.name}" if self.unit_id and self.unit else self.region.name

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
    unit = models.CharField(
        "预算单位", max_length=128, blank=True, help_text="in a region's report: the unit whose line this is"
    )
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
            models.UniqueConstraint(
                fields=["report", "unit", "fund_name", "doc_no"], name="uniq_usage_report_line"
            )
        ]
        ordering = ["report", "position"]
        verbose_name = "跟踪反馈表行"

    def __str__(self) -> str:
        return f"{self.doc_no} {self.fund_name}"

    @property
    def unpaid(self) -> Decimal:
        unpaid: Decimal = self.amount - self.paid
        return unpaid


class UnitAppropriation(models.Model):
    """An appropriation of a region whose spending one of its budget units reports (本级's 孤儿 money, spent by
    地区社会福利院). Named by the region's 财政 经办; its lines leave the region's own part of the report."""

    appropriation = models.OneToOneField(
        "ledger.Appropriation", on_delete=models.CASCADE, related_name="+", verbose_name="指标"
    )
    unit = models.ForeignKey(
        "regions.BudgetUnit", on_delete=models.PROTECT, related_name="+", verbose_name="预算单位"
    )
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "预算单位填报的指标"

    def __str__(self) -> str:
        return f"{self.unit} {self.appropriation_id}"
