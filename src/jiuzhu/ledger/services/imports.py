"""Starting an import: now (``do_import_file``), as a background task (``do_queue_import``), or again
(``do_retry_import``)."""

from django.db import transaction

from jiuzhu.accounts.actions import require, require_within
from jiuzhu.accounts.actors import Actor
from jiuzhu.audit.actions import AuditAction
from jiuzhu.audit.services import record
from jiuzhu.core.errors import ActionRefused
from jiuzhu.regions.models import Region

from ..models import IMPORT_STATES, ImportBatch, ImportStatus
from ..selectors import is_stalled
from . import tasks
from .batches import ImportOutcome, Progress, batch_entity, batch_for, no_progress, sha256_of
from .payout_import import hash_while_reading
from .runner import run_batch


def do_import_file(
    *,
    actor: Actor,
    kind: str,
    region: Region,
    data: bytes,
    filename: str,
    progress: Progress = no_progress,
    ip: str = "",
    bounded: bool = False,
) -> ImportOutcome:
    """Import a payment or payout file now. Raises InvalidInput with every problem when the file is refused.

    ``bounded``: a workbook is first parsed in a limited child process (``run_batch``), as a web upload is, so
    that a file no parser can cope with costs a refusal and not the serving process."""
    require(actor, "ledger.import")
    require_within(actor, region)
    if kind not in (ImportBatch.PAYMENTS, ImportBatch.PAYOUTS):
        raise ActionRefused(f"未知的导入类型：{kind}")
    sha, early = hash_while_reading(kind, data)
    started = batch_for(actor=actor, kind=kind, region=region, data=data, sha=sha, filename=filename)
    if started.already_imported:
        return started
    return run_batch(
        batch=started.batch, data=data, actor=actor, progress=progress, ip=ip, early=early, bounded=bounded
    )


@transaction.atomic
def do_queue_import(
    *, actor: Actor, kind: str, region: Region, data: bytes, filename: str, ip: str = ""
) -> ImportOutcome:
    """Keep the file and queue its import as a background task; the batch shows its progress."""
    require(actor, "ledger.import")
    require_within(actor, region)
    started = batch_for(
        actor=actor,
        kind=kind,
        region=region,
        data=data,
        sha=sha256_of(data),
        filename=filename,
    )
    if started.already_imported:
        return started
    batch = started.batch
    record(
        actor=actor,
        action=AuditAction.LEDGER_IMPORT_QUEUED,
        entity=batch_entity(batch),
        region_path=region.path,
        after={"filename": batch.filename, "size": batch.size, "sha256": batch.sha256},
        ip=ip,
    )
    _enqueue(batch)
    return ImportOutcome(batch, already_imported=False)


def _enqueue(batch: ImportBatch) -> None:
    def send() -> None:
        result = tasks.import_batch.enqueue(batch.pk)
        ImportBatch.objects.filter(pk=batch.pk).update(task_id=str(result.id))

    transaction.on_commit(send)


@transaction.atomic
def do_retry_import(*, actor: Actor, batch: ImportBatch, ip: str = "") -> None:
    """Queue again a batch that failed or whose task died (no heartbeat); a rejected file needs a new file."""
    require(actor, "ledger.import")
    require_within(actor, batch.region)
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if not (batch.status == ImportBatch.FAILED or is_stalled(batch)):
        raise ActionRefused("只有失败或已中断的导入可以重试")
    before = {"status": batch.status, "error": batch.error}
    IMPORT_STATES.move(batch, ImportStatus.QUEUED)
    batch.phase, batch.error, batch.rows_done = "", "", 0
    batch.save(update_fields=["status", "phase", "error", "rows_done"])
    record(
        actor=actor,
        action=AuditAction.LEDGER_IMPORT_RETRY,
        entity=batch_entity(batch),
        region_path=batch.region.path,
        before=before,
        after={"status": batch.status},
        ip=ip,
    )
    _enqueue(batch)
