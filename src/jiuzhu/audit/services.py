"""Write the audit trail: one record per write, in the write's own transaction."""

import hashlib
import json
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import AuditRecord

GENESIS = "0" * 64


def canonical(record: dict[str, Any]) -> str:
    return json.dumps(record, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))


def record_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical(fields)).encode()).hexdigest()


def hashed_fields(rec: AuditRecord) -> dict[str, Any]:
    return {
        "created_at": rec.created_at.isoformat(),
        "actor": rec.actor,
        "region_path": rec.region_path,
        "action": rec.action,
        "entity": rec.entity,
        "before": rec.before,
        "after": rec.after,
        "ip": rec.ip,
    }


def record(
    *,
    actor: Any,
    action: str,
    entity: str,
    region_path: str = "/",
    before: Any = None,
    after: Any = None,
    ip: str = "",
) -> AuditRecord:
    """Append one record; must run inside the caller's transaction so the write and its record land together."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the write's transaction")
    # Lock the chain's tail so that two writers cannot both link to the same previous record.
    last = AuditRecord.objects.select_for_update().order_by("-id").first()
    rec = AuditRecord(
        created_at=timezone.now(),
        actor=getattr(actor, "username", None) or str(actor),
        region_path=region_path,
        action=action,
        entity=entity,
        before=json.loads(canonical(before)) if before is not None else None,
        after=json.loads(canonical(after)) if after is not None else None,
        ip=ip,
        prev_hash=last.hash if last else GENESIS,
    )
    rec.hash = record_hash(rec.prev_hash, hashed_fields(rec))
    rec.save()
    return rec


def verify_chain() -> AuditRecord | None:
    """The first record whose hash or link is wrong, or None when the whole chain holds."""
    prev = GENESIS
    for rec in AuditRecord.objects.order_by("id").iterator():
        if rec.prev_hash != prev or rec.hash != record_hash(rec.prev_hash, hashed_fields(rec)):
            return rec
        prev = rec.hash
    return None
