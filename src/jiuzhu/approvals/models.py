from django.conf import settings
from django.db import models
from django.utils import timezone

from jiuzhu.core.fields import MoneyField

from .subjects import SUBJECTS


class ApprovalRule(models.Model):
    """From ``min_amount`` up, a submission of ``subject`` in ``region``'s area needs ``approvals_required`` checkers.

    The rule that asks for the most approvals among those that match wins; with none, one approval is needed.
    """

    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="适用地区"
    )
    subject = models.CharField(
        "事项", max_length=32, blank=True, choices=list(SUBJECTS.items()), help_text="留空表示所有事项"
    )
    fund = models.ForeignKey(
        "funds.Fund",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="资金",
        help_text="留空表示所有资金",
    )
    min_amount = MoneyField("金额下限（元）")
    approvals_required = models.PositiveSmallIntegerField("需审核人数")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["region__path", "subject", "min_amount"]
        verbose_name = "审批规则"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(approvals_required__gte=1, approvals_required__lte=5),
                name="approvals_required_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject or '全部'} ≥{self.min_amount}元 需{self.approvals_required}人"


class Approval(models.Model):
    """One step of one submission of one object: submitted, approved by a checker, or returned with a reason.

    Keyed by (subject, object_id), so any app's records can go through the same rounds. A round starts at a
    SUBMIT; only APPROVEs after the latest SUBMIT count.
    """

    SUBMIT, APPROVE, RETURN = "submit", "approve", "return"
    DECISIONS = [(SUBMIT, "提交"), (APPROVE, "审核通过"), (RETURN, "退回")]

    subject = models.CharField("事项", max_length=32)
    object_id = models.BigIntegerField()
    decision = models.CharField("环节", max_length=16, choices=DECISIONS)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="empty for a submission by the command line's system operator (jiuzhu import … without --user)",
    )
    reason = models.TextField("意见/原因", blank=True)
    amount = MoneyField("金额（元）", null=True, blank=True)
    required = models.PositiveSmallIntegerField("需审核人数", default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["subject", "object_id"])]
        verbose_name = "审批记录"

    def __str__(self) -> str:
        return f"{self.subject}#{self.object_id} {self.decision} {self.actor_id}"
