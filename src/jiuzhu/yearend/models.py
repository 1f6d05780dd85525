"""年终结转 and 收回: documents reviewed like a plan, whose approved lines move money between years and levels.

A ``YearClose`` closes one fiscal year for an area (the closing region and every region below it): its lines
carry each appropriation's unspent balance into the next year, keeping what identifies the money (fund,
直达资金标识, purpose, codes, document numbers) and the appropriation it came from. Once approved the year is
closed for that area (``locks.refuse_if_closed``). Reopening is a new document (``YearReopen``), audited.

A ``Recovery`` (收回) takes back balances carried for ``period`` years in a row: each line is a negative
movement for the region and the same amount for the level above. Lines count only once their document is
approved.
"""

from django.conf import settings
from django.db import models

from jiuzhu.core.fields import MoneyField
from jiuzhu.core.states import Machine, Shown
from jiuzhu.domain.purposes import PURPOSE_LABELS


class ReviewStatus(models.TextChoices):
    SUBMITTED = "submitted", "待审核"
    APPROVED = "approved", "已审核"
    RETURNED = "returned", "已退回"
    REOPENED = "reopened", "已重新开启"


#: Submitted, then approved or returned; an approved close may be reopened (by a ``YearReopen`` document).
DOCUMENT_STATES = Machine(
    ReviewStatus,
    transitions={
        ReviewStatus.SUBMITTED: {ReviewStatus.APPROVED, ReviewStatus.RETURNED},
        ReviewStatus.APPROVED: {ReviewStatus.REOPENED},
    },
    badges={
        ReviewStatus.SUBMITTED: "submitted",
        ReviewStatus.APPROVED: "approved",
        ReviewStatus.RETURNED: "returned",
        ReviewStatus.REOPENED: "draft",
    },
)
#: Review states that hold a year (or a balance) for their document: another one is refused meanwhile.
LIVE = [ReviewStatus.SUBMITTED, ReviewStatus.APPROVED]


class ReviewedDocument(models.Model):
    """What a year-end document has for the review flow: its status, maker, approval and return."""

    status = models.CharField(
        "状态", max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.SUBMITTED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="empty: the command line's operator",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField("审核通过时间", null=True, blank=True)
    return_reason = models.TextField("退回原因", blank=True)

    class Meta:
        abstract = True

    @property
    def status_shown(self) -> Shown:
        return DOCUMENT_STATES.show(self.status)


class YearClose(ReviewedDocument):
    """年终结转: one fiscal year of one area, carried into the next."""

    fiscal_year = models.PositiveSmallIntegerField("年度")
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="结转地区"
    )
    doc_no = models.CharField("文号", max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "region"],
                condition=models.Q(status__in=["submitted", "approved"]),
                name="uniq_live_year_close",
            )
        ]
        ordering = ["-fiscal_year", "region__path", "-id"]
        verbose_name = "年终结转"

    def __str__(self) -> str:
        return f"{self.fiscal_year}年终结转 {self.doc_no}"


class CarryoverLine(models.Model):
    """结转: one appropriation's unspent balance, carried into ``to_year``; it keeps what identifies the money."""

    close = models.ForeignKey(YearClose, on_delete=models.CASCADE, related_name="lines")
    appropriation = models.ForeignKey(
        "ledger.Appropriation", on_delete=models.PROTECT, related_name="+", verbose_name="来源指标"
    )
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    fund = models.ForeignKey("funds.Fund", on_delete=models.PROTECT, related_name="+")
    from_year = models.PositiveSmallIntegerField("结转年度")
    to_year = models.PositiveSmallIntegerField("结转至年度")
    source_year = models.PositiveSmallIntegerField("指标年度")
    purpose = models.CharField(
        "支出方向", max_length=16, choices=[(p.value, x) for p, x in PURPOSE_LABELS.items()]
    )
    exp_func_code = models.CharField("支出功能分类科目", max_length=16)
    income_code = models.CharField("收入分类科目", max_length=16)
    direct_fund_tag = models.CharField("直达资金标识", max_length=2, editable=False)
    sup_bgt_doc_no = models.CharField("上级指标文号", max_length=255)
    cor_bgt_doc_no = models.CharField("本级指标文号", max_length=64)
    amount = MoneyField("结转金额")

    class Meta:
        ordering = ["region__path", "purpose", "exp_func_code", "id"]
        verbose_name = "结转明细"

    def __str__(self) -> str:
        return f"{self.appropriation_id} → {self.to_year}: {self.amount}"

    @property
    def carried_years(self) -> int:
        return self.to_year - self.source_year


class YearReopen(models.Model):
    """重新开启: the document that reopens a closed year, kept with its reason."""

    close = models.OneToOneField(YearClose, on_delete=models.PROTECT, related_name="reopen")
    doc_no = models.CharField("文号", max_length=64)
    reason = models.TextField("原因")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.doc_no


class Recovery(ReviewedDocument):
    """收回: balances carried too long, returned to the level above in ``fiscal_year``."""

    fiscal_year = models.PositiveSmallIntegerField("年度")
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="收回地区"
    )
    doc_no = models.CharField("文号", max_length=64, unique=True)
    doc_date = models.DateField("成文日期", help_text="the day the money counts for the level above")

    class Meta:
        ordering = ["-fiscal_year", "-id"]
        verbose_name = "收回"

    def __str__(self) -> str:
        return self.doc_no


class RecoveryLine(models.Model):
    """One carried balance taken back: −amount for ``from_region``, +amount for ``to_region`` (its parent)."""

    recovery = models.ForeignKey(Recovery, on_delete=models.CASCADE, related_name="lines")
    carryover = models.ForeignKey(CarryoverLine, on_delete=models.PROTECT, related_name="recoveries")
    from_region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    to_region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    amount = MoneyField("收回金额", help_text="positive: what the region gives back")

    class Meta:
        ordering = ["from_region__path", "id"]
        verbose_name = "收回明细"

    def __str__(self) -> str:
        return f"{self.carryover_id}: {self.amount}"


class AdjustmentProposal(models.Model):
    """调整方案建议: the figures and explanation of each line behind a draft plan made from execution."""

    plan = models.OneToOneField("allocation.Plan", on_delete=models.CASCADE, related_name="+")
    as_of = models.DateField("截至日期")
    figures = models.JSONField("测算数据", help_text="domain.proposal lines as JSON (元 as strings)")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "调整方案建议"

    def __str__(self) -> str:
        return f"{self.plan_id} {self.as_of}"
