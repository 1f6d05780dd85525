"""A running import says it is alive, and a batch whose worker died is failed within a minute.

While ``run_batch`` works, a thread of the same process writes the batch's ``heartbeat_at`` every
``HEARTBEAT_EVERY`` on its own database connection (the import's own progress writes are invisible inside its
transaction, and a long step — reading a large file, the bulk load — reports no progress). A worker killed with
its process stops beating; after ``STALL_AFTER`` without a beat ``fail_stalled`` moves its batch to failed, with
the reason, and the page offers the retry. On SQLite one writer at a time: a beat that finds the database locked
is skipped, the next one tries again.
"""

import datetime
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError, connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from jiuzhu.core.states import IllegalTransition

from ..actors import SystemActor
from ..models import ImportBatch
from ..selectors import STALL_AFTER
from .batches import finish_batch

HEARTBEAT_EVERY = datetime.timedelta(seconds=15)
STALLED_ERROR = f"后台导入中断：超过{int(STALL_AFTER.total_seconds())}秒没有进度（处理进程已停止），可以重试"
log = logging.getLogger(__name__)


def beat(batch_id: int) -> bool:
    """One heartbeat of a running batch; False when it is no longer running (or the database was busy)."""
    try:
        return bool(
            ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.RUNNING).update(
                heartbeat_at=timezone.now()
            )
        )
    except DatabaseError as exc:  # SQLite's single writer busy with the import itself
        log.info("heartbeat of batch %s skipped: %s", batch_id, exc)
        return True


@contextmanager
def beating(batch_id: int, every: datetime.timedelta = HEARTBEAT_EVERY) -> Iterator[None]:
    """Heartbeats of ``batch_id`` from a daemon thread while the block runs (dies with the process)."""
    stop = threading.Event()

    def loop() -> None:
        try:
            while not stop.wait(every.total_seconds()) and beat(batch_id):
                pass
        finally:
            connection.close()  # the thread's own connection

    thread = threading.Thread(target=loop, name=f"heartbeat-{batch_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()


def fail_stalled(batches: QuerySet[ImportBatch], now: datetime.datetime | None = None) -> int:
    """Move the running batches of ``batches`` without a heartbeat for ``STALL_AFTER`` to failed (audited as the
    system's); how many."""
    cutoff = (now or timezone.now()) - STALL_AFTER
    stalled = batches.filter(status=ImportBatch.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
    )
    failed = 0
    for batch in stalled.select_related("region"):
        try:
            finish_batch(
                batch, status=ImportBatch.FAILED, error=STALLED_ERROR, actor=SystemActor(), only=stalled
            )
        except IllegalTransition:  # it beat or finished in the meantime
            log.info("batch %s was no longer stalled", batch.pk)
            continue
        failed += 1
    return failed
