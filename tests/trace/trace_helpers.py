"""Helpers of the trace tests."""

from typing import Any


def insert_loose_payout(template: Any, reason: str, **changes: Any) -> None:
    """A payout like ``template`` but without a batch (as the demo's faults are stored), with ``changes``."""
    from jiuzhu.demo.faults import demo_only_insert_fault_payouts
    from jiuzhu.ledger.actors import SystemActor
    from jiuzhu.ledger.models import Payout

    copied = {f.name: getattr(template, f.name) for f in Payout._meta.fields if f.name not in ("id", "batch")}
    demo_only_insert_fault_payouts(
        actor=SystemActor(username="system:demo", is_demo_loader=True),
        payouts=[{**copied, **changes}],
        reason=reason,
    )
