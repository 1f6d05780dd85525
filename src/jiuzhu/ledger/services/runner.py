"""Running one import batch (now, or from the background task): all or nothing."""

from django.utils import timezone

from jiuzhu.accounts.actors import Actor
from jiuzhu.core.errors import InvalidInput
from jiuzhu.core.sandbox import parse_bounded
from jiuzhu.core.tables import detect_format, read_table

from ..io.readers import holds_payment_header, read_payouts
from ..models import IMPORT_STATES, ImportBatch, ImportStatus
from .batches import (
    AlreadyDone,
    ImportOutcome,
    ImportRejected,
    Progress,
    Tracker,
    finish_batch,
    imported_before,
    no_progress,
)
from .liveness import beating
from .payment_import import import_payments
from .payout_import import EarlyRead, import_payouts


def run_batch(
    *,
    batch: ImportBatch,
    data: bytes,
    actor: Actor,
    progress: Progress = no_progress,
    ip: str = "",
    early: EarlyRead | None = None,
    bounded: bool = False,
) -> ImportOutcome:
    """Parse, validate and store one batch; all or nothing. The batch ends done, rejected or failed.

    ``bounded`` (the background worker's way): a workbook is first parsed in a child process with a memory and
    time limit (``core.sandbox``), so that a file a parser cannot cope with is rejected and the worker lives."""
    IMPORT_STATES.move_rows(
        ImportBatch.objects.filter(pk=batch.pk),
        ImportStatus.RUNNING,
        heartbeat_at=timezone.now(),
        attempts=batch.attempts + 1,
    )
    track = Tracker(batch, progress)
    with beating(batch.pk):
        return _run(batch, data, track, actor=actor, ip=ip, early=early, bounded=bounded)


def _trial_parse(kind: str, data: bytes) -> None:
    """The parse a batch's import will do, for the child process (its result is dropped)."""
    if kind == ImportBatch.PAYMENTS:
        read_table(data, holds_header=holds_payment_header)
    else:
        read_payouts(data)


def _run(
    batch: ImportBatch,
    data: bytes,
    track: Tracker,
    *,
    actor: Actor,
    ip: str,
    early: EarlyRead | None,
    bounded: bool,
) -> ImportOutcome:
    try:
        if bounded and detect_format(data) != "csv":  # a CSV is read as a stream, within the row limits
            track("读取文件", 0, 0)
            parse_bounded(_trial_parse, batch.kind, data)
        if batch.kind == ImportBatch.PAYMENTS:
            stored = import_payments(
                batch, read_table(data, holds_header=holds_payment_header), track, actor=actor, ip=ip
            )
        else:
            stored = import_payouts(batch, data, track, actor=actor, ip=ip, early=early)
    except InvalidInput as exc:
        finish_batch(batch, status=ImportBatch.REJECTED, problems=exc.problems, actor=actor, ip=ip)
        raise ImportRejected(exc.problems, batch) from exc
    except AlreadyDone:
        ImportBatch.objects.filter(pk=batch.pk).delete()
        done = imported_before(batch.kind, batch.sha256)
        if done is None:
            raise
        return ImportOutcome(done, already_imported=True)
    except Exception as exc:
        finish_batch(
            batch, status=ImportBatch.FAILED, error=f"{type(exc).__name__}: {exc}", actor=actor, ip=ip
        )
        raise
    batch.refresh_from_db()
    track("完成", stored, stored)
    return ImportOutcome(batch, already_imported=False)
