"""When approved data changes, queue a rule run for the region it belongs to, once the transaction commits.

Registered from ``MonitoringConfig.ready`` as model signals, so the ledger and allocation services need no edit:
an approved registration, an import batch approved or returned, an approved plan (its issuer's area, which
holds the regions that received its money).
"""

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save


def queue_run(region_id: int, fiscal_year: int | None, trigger: str) -> None:
    """After commit: enqueue the run, or run it at once when ``JIUZHU_MONITORING_INLINE`` is set (tests)."""

    def send() -> None:
        from .tasks import run_rules

        if getattr(settings, "JIUZHU_MONITORING_INLINE", False):
            run_rules.call(region_id, fiscal_year, trigger)
        elif getattr(settings, "JIUZHU_MONITORING_AUTORUN", True):
            run_rules.enqueue(region_id, fiscal_year, trigger)

    transaction.on_commit(send)


def _registration_saved(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    if instance.status == "approved" and (update_fields is None or "status" in update_fields):
        movement = instance.movement
        queue_run(movement.region_id, movement.fiscal_year, f"指标登记审核通过 {instance.cor_bgt_doc_no}")


def _batch_saved(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    fields = set(update_fields or ())
    if "approved_at" in fields and instance.approved_at is not None:
        queue_run(instance.region_id, instance.fiscal_year, f"导入审核通过 {instance.filename}")
    elif "review_status" in fields and instance.review_status == "returned":
        queue_run(instance.region_id, instance.fiscal_year, f"导入退回 {instance.filename}")


def _plan_approved(sender: Any, *, plan: Any, **kwargs: Any) -> None:
    queue_run(plan.issuer_id, plan.fund.fiscal_year, f"分配方案审核通过 {plan.doc_no}")


def connect() -> None:
    from jiuzhu.allocation.signals import plan_approved
    from jiuzhu.ledger.models import ImportBatch, Registration

    post_save.connect(_registration_saved, sender=Registration, dispatch_uid="monitoring.registration")
    post_save.connect(_batch_saved, sender=ImportBatch, dispatch_uid="monitoring.batch")
    plan_approved.connect(_plan_approved, dispatch_uid="monitoring.plan")
