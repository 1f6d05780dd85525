"""Maker-checker of import batches (``BatchReview``, through ``jiuzhu.approvals.review``): approving makes the
rows count, returning removes them."""

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum
from django.urls import reverse
from django.utils import timezone

from jiuzhu.accounts.scoping import scoped
from jiuzhu.approvals.review import Subject
from jiuzhu.core.errors import ActionRefused
from jiuzhu.domain.money import format_yuan
from jiuzhu.yearend.closing import recovered_from

from ..models import REVIEW_STATES, ImportBatch, Payment, Payout, ReviewStatus
from ..payout_sums import store_parts
from .appropriations import approved_paid, approved_registered
from .batches import IMPORT, batch_entity, batch_rows, maker_of
from .reviewers import review_refusal


def batch_department(batch: ImportBatch) -> str:
    """The department whose checker reviews the batch: the maker's ("" for the system operator: either)."""
    maker = maker_of(batch)
    return maker.department if maker is not None else ""


def _batch_fits(batch: ImportBatch) -> None:
    """Nothing is approved before what it depends on: a voucher's appropriation must have approved registrations
    covering every approved payment, every approved 收回 of its carried balance and this batch's; a payout's
    voucher must be approved."""
    if batch.kind == ImportBatch.PAYOUTS:
        waiting = (
            Payment.objects.filter(region_id=batch.region_id, batch__approved_at__isnull=True)
            .filter(payouts__batch=batch)
            .values_list("pay_cert_no", flat=True)
            .distinct()
        )
        numbers = sorted(waiting)[:5]
        if numbers:
            raise ActionRefused(
                f"支付凭证{'、'.join(numbers)}尚未审核通过：请先审核支付凭证，再审核其发放明细"
            )
        return
    per_appropriation = (
        Payment.objects.filter(batch=batch)
        .order_by()
        .values_list("appropriation", "appropriation__bgt_id")
        .annotate(t=Sum("xpay_amt"))
    )
    recovered = recovered_from([a for a, _, _ in per_appropriation])
    for appropriation_id, bgt_id, amount in per_appropriation:
        registered, paid = approved_registered(appropriation_id), approved_paid(appropriation_id)
        taken = recovered.get(appropriation_id) or Decimal(0)
        if registered - paid - taken < amount:
            back = f"、已收回{format_yuan(taken)}元" if taken else ""
            raise ActionRefused(
                f"指标{bgt_id}已审核登记{format_yuan(registered)}元、已审核支付{format_yuan(paid)}元{back}，"
                f"不足本批的{format_yuan(amount)}元：请先审核该指标的登记"
            )


class BatchReview(Subject[ImportBatch]):
    """A checker of the region and of the maker's department approves an imported file (once its round is
    complete its payments or payouts count) or returns it: its rows are removed (they never counted), the batch
    ends returned, and a corrected file — or the same one — may be imported as a new submission. Vouchers that
    payouts waiting for approval refer to are kept until those payouts are returned first."""

    key, label, model = IMPORT, "资金导入", ImportBatch
    permission, audit, related = "ledger.approve", "ledger.import_", ("region",)
    states = REVIEW_STATES
    not_waiting = "只有已导入、等待审核的批次可以审核或退回"
    approved_message = "已审核通过，本批数据计入台账"
    returned_message = "已退回，本批{rows_removed}行数据已删除"

    def visible(self, actor: Any) -> QuerySet[ImportBatch]:
        return scoped(ImportBatch.objects.select_related("region"), actor)

    def refusal(self, actor: Any, batch: ImportBatch) -> str:
        return review_refusal(actor, batch.region, batch_department(batch))

    def makers(self, batch: ImportBatch) -> set[int]:
        maker = maker_of(batch)
        return super().makers(batch) | ({maker.pk} if maker else set())

    def fits(self, batch: ImportBatch) -> None:
        _batch_fits(batch)

    def on_approve(self, batch: ImportBatch, actor: Any) -> None:
        REVIEW_STATES.move(batch, ReviewStatus.APPROVED)
        batch.approved_at = timezone.now()
        batch.save(update_fields=["review_status", "approved_at"])
        if batch.kind == ImportBatch.PAYOUTS:
            store_parts([batch.pk])  # every page counts it from now on: its sums are grouped once, here

    def on_return(self, batch: ImportBatch, actor: Any, reason: str) -> dict[str, Any]:
        if batch.kind == ImportBatch.PAYMENTS and Payout.objects.filter(payment__batch=batch).exists():
            raise ActionRefused("已有发放明细引用本批支付凭证：请先退回引用它们的发放批次")
        removed, _ = batch_rows(batch).delete()
        REVIEW_STATES.move(batch, ReviewStatus.RETURNED)
        batch.return_reason = reason
        batch.save(update_fields=["review_status", "return_reason"])
        return {"rows_removed": removed}

    def entity(self, batch: ImportBatch) -> str:
        return batch_entity(batch)

    def facts(self, batch: ImportBatch) -> dict[str, Any]:
        return {
            "status": batch.review_status,
            "filename": batch.filename,
            "rows": batch.rows_stored,
            "amount": str(batch.amount),
        }

    def page(self, batch: ImportBatch) -> str:
        return reverse("ledger:batch", args=[batch.pk])
