"""A batch whose worker died is failed within a minute, with its retry offered; a live import that reports no
progress for a long step keeps beating and is not failed."""

import datetime
import time

import pytest
from django.urls import reverse
from django.utils import timezone
from ledger_helpers import SHORT_HEADER as HEADER
from ledger_helpers import csv_bytes, valid_id

from jiuzhu.audit.models import AuditRecord
from jiuzhu.ledger.models import ImportBatch, Payout
from jiuzhu.ledger.selectors import STALL_AFTER, is_stalled
from jiuzhu.ledger.services import do_queue_import, do_retry_import, fail_stalled, read_kept_file, run_batch
from jiuzhu.ledger.services.liveness import STALLED_ERROR, beat, beating


def _running(people, seconds_ago, name="d.csv"):
    actor = people["ymx_cz_jb"]
    rows = [["人1", "身份证号", valid_id(serial=1), "到人", "100", "100", "6", "D012022-V02CTD-08061"]]
    outcome = do_queue_import(
        actor=actor, kind="payouts", region=actor.region, data=csv_bytes(HEADER, rows), filename=name
    )
    ImportBatch.objects.filter(pk=outcome.batch.pk).update(
        status=ImportBatch.RUNNING, heartbeat_at=timezone.now() - datetime.timedelta(seconds=seconds_ago)
    )
    return ImportBatch.objects.get(pk=outcome.batch.pk)


def test_the_threshold_is_a_minute():
    assert datetime.timedelta(seconds=60) >= STALL_AFTER
    assert "60秒" in STALLED_ERROR


@pytest.mark.django_db
def test_a_batch_silent_for_a_minute_is_failed_and_can_be_retried(people, voucher):
    dead, alive = _running(people, 61), _running(people, 30, name="a.csv")
    assert is_stalled(dead) and not is_stalled(alive)
    assert fail_stalled(ImportBatch.objects.all()) == 1
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert (dead.status, dead.error) == (ImportBatch.FAILED, STALLED_ERROR)
    assert alive.status == ImportBatch.RUNNING
    assert AuditRecord.objects.filter(action="ledger.import_failed").count() == 1
    assert fail_stalled(ImportBatch.objects.all()) == 0  # once
    do_retry_import(actor=people["ymx_cz_jb"], batch=dead)
    dead.refresh_from_db()
    run_batch(batch=dead, data=read_kept_file(dead), actor=people["ymx_cz_jb"])
    dead.refresh_from_db()
    assert dead.status == ImportBatch.DONE and Payout.objects.filter(batch=dead).count() == 1


@pytest.mark.django_db
def test_the_batch_page_shows_a_dead_batch_failed_with_the_retry(client, people, voucher):
    dead = _running(people, 61)
    client.force_login(people["ymx_cz_jb"])
    page = client.get(reverse("ledger:batch", args=[dead.pk])).content.decode()
    dead.refresh_from_db()
    assert dead.status == ImportBatch.FAILED
    assert "60秒没有进度" in page and "重试" in page


@pytest.mark.django_db
def test_a_beat_refreshes_only_a_running_batch(people, voucher):
    batch = _running(people, 61)
    assert beat(batch.pk)
    batch.refresh_from_db()
    assert not is_stalled(batch)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.FAILED)
    assert not beat(batch.pk)


@pytest.mark.django_db(transaction=True)
def test_a_live_import_beats_through_a_long_step_without_progress(people, voucher):
    batch = _running(people, 61)
    with beating(batch.pk, every=datetime.timedelta(seconds=0.05)):
        deadline = time.monotonic() + 10
        while is_stalled(ImportBatch.objects.get(pk=batch.pk)) and time.monotonic() < deadline:
            time.sleep(0.05)  # the import's long step: no progress call
        assert fail_stalled(ImportBatch.objects.all()) == 0
    batch.refresh_from_db()
    assert batch.status == ImportBatch.RUNNING and not is_stalled(batch)
