"""Write the audit trail: one record per write, in the write's own transaction; and check the chain."""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from jiuzhu.accounts.actors import Actor

from .actions import AuditAction
from .models import AuditRecord

GENESIS = "0" * 64
#: Key of the PostgreSQL advisory lock that serialises appends to the chain (any constant will do).
CHAIN_LOCK = 0x6A69757A6875  # "jiuzhu"


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


def _lock_chain() -> None:
    """Only one writer appends at a time, so no two records link to the same predecessor.

    On PostgreSQL a transaction-scoped advisory lock (released at commit); locking the last row would not do,
    since a second writer waiting on it would still have chosen that row before the first one's insert. SQLite
    transactions here are IMMEDIATE (settings), which already serialises writers.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])


def record(
    *,
    actor: Actor | str,
    action: AuditAction,
    entity: str,
    region_path: str = "/",
    before: Any = None,
    after: Any = None,
    ip: str = "",
) -> AuditRecord:
    """Append one record; must run inside the caller's transaction so the write and its record land together."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the write's transaction")
    _lock_chain()
    last = AuditRecord.objects.order_by("-id").only("hash").first()
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


@dataclass(frozen=True)
class Break:
    """The first place the chain does not hold."""

    record: AuditRecord
    reason: str
    """In Chinese: the record's content was changed, or its link to the one before does not match."""
    checked: int
    """How many records held before it."""

    def __str__(self) -> str:
        r = self.record
        return (
            f"审计记录 #{r.pk}（{timezone.localtime(r.created_at):%Y-%m-%d %H:%M:%S}，{r.actor}，{r.action}，"
            f"{r.entity}）：{self.reason}"
        )


def find_break() -> tuple[Break | None, int]:
    """(the first broken record or None, how many records were checked)."""
    prev, prev_id = GENESIS, None
    count = 0
    for rec in AuditRecord.objects.order_by("id").iterator(chunk_size=2000):
        if rec.prev_hash != prev:
            after = f"#{prev_id}" if prev_id else "链首"
            reason = f"与前一条记录的链接不符（{after}与本条之间的记录被改动、删除或插入）"
            return Break(rec, reason, count), count
        if rec.hash != record_hash(rec.prev_hash, hashed_fields(rec)):
            return Break(rec, "记录内容与其哈希不符（记录被改动）", count), count
        prev, prev_id = rec.hash, rec.pk
        count += 1
    return None, count


def verify_chain() -> AuditRecord | None:
    """The first record whose hash or link is wrong, or None when the whole chain holds."""
    broken, _ = find_break()
    return broken.record if broken else None


def record_outside(
    *,
    actor: Any,
    action: AuditAction,
    entity: str,
    region_path: str = "/",
    after: Any = None,
    ip: str = "",
) -> AuditRecord:
    """A record of its own transaction, for what has no write to ride on: a refused attempt (whose write was
    rolled back or never began) or a read worth recording (an export of personal data)."""
    with transaction.atomic():
        return record(actor=actor, action=action, entity=entity, region_path=region_path, after=after, ip=ip)
