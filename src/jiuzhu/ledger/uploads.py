"""Uploaded files kept under the data directory: owner-only (0600 files, 0700 folders), purged when dead.

A file is kept by its content hash (``imports/ab/abcdef…``) so that a retry can read it again; several batches may
share it. Once every batch of a file has been rejected (the importer refused it) or returned (a checker sent it
back) for longer than ``JIUZHU_UPLOAD_RETENTION_DAYS`` (default 90) days, the file is deleted and the batches
forget its path; the purge is one audit record (``jiuzhu purge-uploads``, run daily from cron or by hand).
"""

import datetime
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from jiuzhu.approvals.models import Approval
from jiuzhu.audit.actions import AuditAction
from jiuzhu.audit.services import record

from .models import ImportBatch, ImportStatus, ReviewStatus

#: A dead batch: the importer refused its file, or a checker returned it.
DEAD = Q(status=ImportStatus.REJECTED) | Q(review_status=ReviewStatus.RETURNED)
#: The approvals subject of an import batch (``ledger.services.IMPORT``; not imported, to avoid a cycle).
IMPORT = "ledger.import"


def root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _private_dirs(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    for folder in (path, *path.parents):
        if folder == root().parent:
            break
        if folder.stat().st_mode & 0o077:
            folder.chmod(0o700)


def keep_file(sha: str, data: bytes) -> str:
    """Store ``data`` once under its hash, readable by the server's user only; returns the path kept."""
    relative = f"imports/{sha[:2]}/{sha}"
    path = root() / relative
    _private_dirs(path.parent)
    if path.exists():
        path.chmod(0o600)
        return relative
    tmp = path.with_name(f".{sha}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    tmp.replace(path)
    return relative


def retention_days() -> int:
    return int(getattr(settings, "UPLOAD_RETENTION_DAYS", 90))


@dataclass(frozen=True)
class Purge:
    files: int
    batches: int
    cutoff: datetime.datetime


def _ended(batch: ImportBatch) -> datetime.datetime:
    """When the batch died: a returned one when it was returned, a rejected one when the import ended."""
    if batch.review_status == ReviewStatus.RETURNED:
        returned = (
            Approval.objects.filter(subject=IMPORT, object_id=batch.pk, decision=Approval.RETURN)
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        if returned is not None:
            return returned
    return batch.finished_at or batch.created_at


@transaction.atomic
def do_purge_uploads(*, actor: Any, days: int | None = None, ip: str = "") -> Purge:
    """Delete the kept files whose every batch was rejected or returned more than ``days`` days ago."""
    days = retention_days() if days is None else days
    cutoff = timezone.now() - datetime.timedelta(days=days)
    old_dead = [b for b in ImportBatch.objects.filter(DEAD).exclude(stored_path="") if _ended(b) < cutoff]
    candidates = {b.stored_path for b in old_dead}
    alive = set(
        ImportBatch.objects.filter(stored_path__in=candidates)
        .exclude(pk__in=[b.pk for b in old_dead])
        .values_list("stored_path", flat=True)
    )
    paths = sorted(candidates - alive)
    batches = ImportBatch.objects.filter(stored_path__in=paths).update(stored_path="")
    for relative in paths:
        (root() / relative).unlink(missing_ok=True)
    record(
        actor=actor,
        action=AuditAction.LEDGER_UPLOADS_PURGED,
        entity=f"保留{days}天",
        after={"files": len(paths), "batches": batches, "cutoff": cutoff.isoformat()},
        ip=ip,
    )
    return Purge(len(paths), batches, cutoff)
