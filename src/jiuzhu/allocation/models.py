from django.conf import settings
from django.db import models

from jiuzhu.core.fields import MoneyField
from jiuzhu.core.states import Machine, Shown
from jiuzhu.domain.allocation import AdjustmentLine


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交待审核"
    APPROVED = "approved", "已审核"
    RETURNED = "returned", "已退回"


#: A draft is submitted; its checkers approve it or send it back to draft with the reason (``returned`` is kept
#: for plans stored so, which are submitted again like a draft).
PLAN_STATES = Machine(
    PlanStatus,
    transitions={
        PlanStatus.DRAFT: {PlanStatus.SUBMITTED},
        PlanStatus.SUBMITTED: {PlanStatus.APPROVED, PlanStatus.DRAFT},
        PlanStatus.RETURNED: {PlanStatus.SUBMITTED},
    },
    badges={
        PlanStatus.DRAFT: "draft",
        PlanStatus.SUBMITTED: "submitted",
        PlanStatus.APPROVED: "approved",
        PlanStatus.RETURNED: "returned",
    },
)


class Plan(models.Model):
    """An allocation (下达) or adjustment (调整) plan, issued under one 文号."""

    ALLOCATION, ADJUSTMENT = "allocation", "adjustment"
    KINDS = [(ALLOCATION, "分配下达"), (ADJUSTMENT, "调整")]
    DRAFT, SUBMITTED, APPROVED, RETURNED = (
        PlanStatus.DRAFT,
        PlanStatus.SUBMITTED,
        PlanStatus.APPROVED,
        PlanStatus.RETURNED,
    )
    STATUSES = PlanStatus.choices

    fund = models.ForeignKey(
        "funds.Fund", on_delete=models.PROTECT, related_name="plans", verbose_name="资金"
    )
    kind = models.CharField("类型", max_length=16, choices=KINDS)
    doc_no = models.CharField("文号", max_length=64, unique=True)
    title = models.CharField("标题", max_length=200)
    doc_date = models.DateField("成文日期")
    issuer = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="发文地区"
    )
    status = models.CharField("状态", max_length=16, choices=STATUSES, default=DRAFT)
    return_reason = models.TextField("退回原因", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(
        "版本", default=0, help_text="+1 on every save of the rows: the editor sends the version it opened"
    )

    class Meta:
        ordering = ["-doc_date", "-id"]
        verbose_name = "分配方案"

    def __str__(self) -> str:
        return f"{self.doc_no} {self.title}"

    @property
    def status_shown(self) -> Shown:
        return PLAN_STATES.show(self.status)

    @property
    def editable(self) -> bool:
        return self.status in (self.DRAFT, self.RETURNED)


class PlanRow(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="rows")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    base = MoneyField("自治区补助资金额度")
    decrease = MoneyField("调减")
    increase = MoneyField("调增")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "region"], name="uniq_plan_region")]

    def __str__(self) -> str:
        return f"{self.plan.doc_no} {self.region.short_name}"

    def line(self) -> AdjustmentLine:
        return AdjustmentLine(self.region.code, self.base, self.decrease, self.increase)
