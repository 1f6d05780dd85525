"""The two payout faults monitoring must find in stored data, which the importer rightly refuses.

A duplicate payout and a payout above its 应发, on 塔城市's March 低保 voucher of the seed fund (the demo year left
room on it), put in through the clearly named demo-only service. The third fault of the demo, 裕民县's late
registration, is part of the year itself (``jiuzhu.demo.ledger_year``).
"""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction

from jiuzhu.accounts.actors import Actor
from jiuzhu.audit.actions import AuditAction
from jiuzhu.audit.services import record
from jiuzhu.core.errors import ActionRefused
from jiuzhu.domain.identity import with_check_digit
from jiuzhu.domain.money import format_yuan
from jiuzhu.ledger.actors import SystemActor
from jiuzhu.ledger.models import ImportBatch, Payment, Payout
from jiuzhu.ledger.staging import lock_payout_writers

from .ledger_year import FAULT_REGION, FAULT_VOUCHER


def load_faults() -> None:
    """Idempotent; nothing happens before the demo year has imported 塔城市's payouts."""
    if Payout.objects.filter(batch__isnull=True).exists():
        return
    voucher = Payment.objects.filter(pay_cert_no=FAULT_VOUCHER, region__code=FAULT_REGION).first()
    original = Payout.objects.filter(payment=voucher).order_by("row_no").first() if voucher else None
    if (
        voucher is None
        or original is None
        or not ImportBatch.objects.filter(region__code=FAULT_REGION, status="done").exists()
    ):
        return
    fields = {
        f.name: getattr(original, f.name)
        for f in Payout._meta.fields
        if f.name not in ("id", "batch", "region", "payment")
    }
    duplicate = {**fields, "region": original.region, "payment": voucher, "add_word": "演示：重复发放"}
    above = {
        **fields,
        "region": original.region,
        "payment": voucher,
        "per_name": "演示超发",
        "iden_no": with_check_digit(f"{FAULT_REGION}19550505777"),
        "pay_amt": Decimal(500),
        "xpay_amt": Decimal(650),
        "add_word": "演示：实发大于应发",
    }
    demo_only_insert_fault_payouts(
        actor=SystemActor(username="system:demo", is_demo_loader=True),
        payouts=[duplicate, above],
        reason="演示故障：重复发放、实发大于应发",
    )


@transaction.atomic
def demo_only_insert_fault_payouts(*, actor: Actor, payouts: Sequence[dict[str, Any]], reason: str) -> int:
    """DEMO ONLY: store payouts the importer would refuse (a duplicate, 实发 above 应发), bypassing its checks.

    Monitoring must find such faults in stored data, and the importer rightly refuses them, so the demo year
    puts them in through this path; such rows have no batch, and the write is audited. Nothing
    but this demo scenario calls it.
    """
    if not settings.DEBUG and not getattr(actor, "is_demo_loader", False):
        raise ActionRefused("演示故障数据只能由演示场景写入")
    rows = [Payout(batch=None, **p) for p in payouts]
    lock_payout_writers()
    Payout.objects.bulk_create(rows)
    record(
        actor=actor,
        action=AuditAction.LEDGER_DEMO_FAULT_PAYOUTS,
        entity=reason,
        region_path="/",
        after={"rows": len(rows), "amounts": [format_yuan(r.xpay_amt) for r in rows]},
    )
    return len(rows)
