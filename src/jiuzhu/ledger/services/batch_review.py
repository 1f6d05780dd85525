"""Maker-checker of import batches: approving makes the rows count, returning removes them."""

from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from jiuzhu.accounts.actions import require
from jiuzhu.accounts.models import User
from jiuzhu.approvals import services as approvals
from jiuzhu.audit.actions import AuditAction
from jiuzhu.audit.services import record
from jiuzhu.core.errors import ActionRefused
from jiuzhu.domain.money import format_yuan

from ..models import Disbursement, ImportBatch, Payment
from .appropriations import approved_paid, approved_registered
from .batches import IMPORT, batch_entity, batch_rows, maker_of
from .reviewers import require_reviewer


def batch_department(batch: ImportBatch) -> str:
    """The department whose checker reviews the batch: the maker's ("" for the system operator: either)."""
    maker = maker_of(batch)
    return maker.department if maker is not None else ""


def _batch_makers(batch: ImportBatch) -> set[Any]:
    maker = maker_of(batch)
    return approvals.submitters(IMPORT, batch.pk) | ({maker.pk} if maker else set())


def _batch_fits(batch: ImportBatch) -> None:
    """Nothing is approved before what it depends on: a voucher's appropriation must have approved registrations
    covering every approved payment and this batch's; a payout's voucher must be approved."""
    if batch.kind == ImportBatch.DISBURSEMENTS:
        waiting = (
            Payment.objects.filter(region_id=batch.region_id, batch__approved_at__isnull=True)
            .filter(disbursements__batch=batch)
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
    for appropriation_id, bgt_id, amount in per_appropriation:
        registered, paid = approved_registered(appropriation_id), approved_paid(appropriation_id)
        if registered - paid < amount:
            raise ActionRefused(
                f"指标{bgt_id}已审核登记{format_yuan(registered)}元、已审核支付{format_yuan(paid)}元，"
                f"不足本批的{format_yuan(amount)}元：请先审核该指标的登记"
            )


def _locked_batch(batch: ImportBatch) -> ImportBatch:
    batch = ImportBatch.objects.select_for_update().select_related("region").get(pk=batch.pk)
    if not batch.awaiting_approval:
        raise ActionRefused("只有已导入、等待审核的批次可以审核或退回")
    return batch


@transaction.atomic
def do_approve_batch(*, actor: User, batch: ImportBatch, ip: str = "") -> approvals.RoundState:
    """A checker of the region and the maker's department approves an imported file; once its round is complete
    (thresholds from ``ApprovalRule``) its payments or payouts count. Returns the round's state."""
    require(actor, "ledger.approve")
    batch = _locked_batch(batch)
    require_reviewer(actor, batch.region, batch_department(batch))
    state = approvals.add_approval(
        subject=IMPORT, object_id=batch.pk, actor=actor, makers=_batch_makers(batch)
    )
    if state.complete:
        _batch_fits(batch)
        batch.approved_at = timezone.now()
        batch.save(update_fields=["approved_at"])
    record(
        actor=actor,
        action=AuditAction.LEDGER_IMPORT_APPROVE
        if state.complete
        else AuditAction.LEDGER_IMPORT_APPROVE_PARTIAL,
        entity=batch_entity(batch),
        region_path=batch.region.path,
        ip=ip,
        after={
            "filename": batch.filename,
            "rows": batch.rows_stored,
            "amount": str(batch.amount),
            "approvals": state.approvers,
            "required": state.required,
        },
    )
    return state


@transaction.atomic
def do_return_batch(*, actor: User, batch: ImportBatch, reason: str, ip: str = "") -> int:
    """Send an imported file back with the reason: its rows are removed (they never counted), the batch ends
    ``returned``, and a corrected file — or the same one — may be imported as a new submission.

    Returns how many rows were removed. Vouchers that payouts waiting for approval refer to are kept until those
    payouts are returned first.
    """
    require(actor, "ledger.approve")
    batch = _locked_batch(batch)
    require_reviewer(actor, batch.region, batch_department(batch))
    step = approvals.add_return(
        subject=IMPORT, object_id=batch.pk, actor=actor, reason=reason, makers=_batch_makers(batch)
    )
    if batch.kind == ImportBatch.PAYMENTS and Disbursement.objects.filter(payment__batch=batch).exists():
        raise ActionRefused("已有发放明细引用本批支付凭证：请先退回引用它们的发放批次")
    removed, _ = batch_rows(batch).delete()
    batch.status, batch.return_reason = ImportBatch.RETURNED, step.reason
    batch.save(update_fields=["status", "return_reason"])
    record(
        actor=actor,
        action=AuditAction.LEDGER_IMPORT_RETURN,
        entity=batch_entity(batch),
        region_path=batch.region.path,
        ip=ip,
        before={"status": ImportBatch.DONE, "rows": batch.rows_stored, "amount": str(batch.amount)},
        after={"status": batch.status, "reason": step.reason, "rows_removed": removed},
    )
    return removed
