import datetime

import pytest
from django.utils import timezone
from ledger_helpers import SHORT_HEADER as HEADER
from ledger_helpers import csv_bytes, valid_id

from jiuzhu.ledger.models import ImportBatch, Payout
from jiuzhu.ledger.selectors import is_stalled
from jiuzhu.ledger.services import do_queue_import, do_retry_import


def run_queued_tasks():
    """What `jiuzhu db_worker` does with each ready task of the database backend.

    (Running db_worker itself inside a test fails on PostgreSQL: it closes the test's connection.)
    """
    from django_tasks_db.models import DBTaskResult

    ready = list(DBTaskResult.objects.ready())
    assert ready, "nothing was queued in the database backend"
    for result in ready:
        result.task.call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
        result.set_successful(None)


def data(n=3):
    return csv_bytes(
        HEADER,
        [
            [f"人{i}", "身份证号", valid_id(serial=i), "到人", "100", "100", "6", "D012022-V02CTD-08061"]
            for i in range(1, n + 1)
        ],
    )


def test_a_queued_import_runs_in_the_db_worker_with_progress(
    people, voucher, django_capture_on_commit_callbacks
):
    actor = people["ymx_cz_jb"]
    with django_capture_on_commit_callbacks(execute=True):
        outcome = do_queue_import(
            actor=actor, kind="payouts", region=actor.region, data=data(), filename="q.csv"
        )
    batch = ImportBatch.objects.get(pk=outcome.batch.pk)
    assert batch.status == ImportBatch.QUEUED and batch.task_id
    assert not Payout.objects.exists()
    run_queued_tasks()
    batch.refresh_from_db()
    assert (batch.status, batch.rows_stored, batch.attempts) == (ImportBatch.DONE, 3, 1)
    assert batch.rows_total == 3 and batch.heartbeat_at is not None
    assert Payout.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_dead_task_is_visible_and_can_be_retried(people, voucher):
    actor = people["ymx_cz_jb"]
    outcome = do_queue_import(
        actor=actor, kind="payouts", region=actor.region, data=data(2), filename="d.csv"
    )
    # The worker took the batch and died: running, no heartbeat for 11 minutes.
    ImportBatch.objects.filter(pk=outcome.batch.pk).update(
        status=ImportBatch.RUNNING, heartbeat_at=timezone.now() - datetime.timedelta(minutes=11)
    )
    batch = ImportBatch.objects.get(pk=outcome.batch.pk)
    assert is_stalled(batch)
    do_retry_import(actor=actor, batch=batch)
    run_queued_tasks()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.DONE and Payout.objects.count() == 2


def test_a_running_import_with_a_heartbeat_cannot_be_retried(people, voucher):
    from jiuzhu.core.errors import ActionRefused

    actor = people["ymx_cz_jb"]
    outcome = do_queue_import(
        actor=actor, kind="payouts", region=actor.region, data=data(1), filename="r.csv"
    )
    ImportBatch.objects.filter(pk=outcome.batch.pk).update(
        status=ImportBatch.RUNNING, heartbeat_at=timezone.now()
    )
    with pytest.raises(ActionRefused):
        do_retry_import(actor=actor, batch=ImportBatch.objects.get(pk=outcome.batch.pk))
