"""Faults and races, on PostgreSQL (SQLite has one writer at a time and no server to kill): kill -9 in the middle
of an import, the server ending the import's connection, two checkers at once, two clerks saving one plan, an
import racing a registration. PostgreSQL restarted mid-import: tests/ledger/test_server_restart.py. kill -9
during year-end closing and a report's acceptance: tests/yearend/test_close_faults.py and
tests/reports/test_acceptance_faults.py (through tests/kill_helpers.py)."""

import datetime
import os
import signal
import subprocess
import sys
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, connections
from ledger_helpers import (
    PAYMENT_HEADER,
    SHORT_HEADER,
    csv_bytes,
    import_payments,
    movements,
    register_yumin,
    valid_id,
)

from jiuzhu.approvals.models import Approval
from jiuzhu.core.errors import ActionRefused, InvalidInput
from jiuzhu.domain.ledger import RegistrationLine
from jiuzhu.domain.purposes import Purpose
from jiuzhu.ledger.models import ImportBatch, Payment, Payout, Registration
from kill_helpers import database_url, wait_gone

pytestmark = pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="PostgreSQL only: killing a server connection and true concurrent writers need PostgreSQL",
)
BIG_VOUCHER = "FAULT-2022-0001"
ROWS = 150_000


@pytest.fixture
def committed(transactional_db):
    """The seed, 裕民县's registrations and one big voucher, committed for other processes and threads."""
    from jiuzhu.accounts.models import User
    from jiuzhu.demo import seed as demo
    from jiuzhu.regions.models import Region

    demo.load_seed()
    people = {u.username: u for u in User.objects.all()}
    register_yumin(people)
    yumin = Region.objects.get(code="654225")
    import_payments(
        people["ymx_cz_jb"], yumin,
        [[BIG_VOUCHER, "裕财社〔2022〕41号", "2081902", "200000", "200000", "2022-06-10", "裕民县民政局"]],
    )  # fmt: skip
    return people, yumin


def _big_file(path=None) -> bytes:
    """ROWS people paid 1 元 each in June against the big voucher (valid IDs: 150 birth dates × 1000 serials)."""
    base = datetime.date(1950, 1, 1)
    rows = [
        [f"人{n}", "身份证号",
         valid_id(birth=(base + datetime.timedelta(days=n // 1000)).strftime("%Y%m%d"), serial=n % 1000),
         "到人", "1", "1", "6", BIG_VOUCHER]
        for n in range(ROWS)
    ]  # fmt: skip
    data = csv_bytes(SHORT_HEADER, rows)
    if path is not None:
        path.write_bytes(data)
    return data


def _copy_backend(exclude: int) -> int | None:
    """The pid of a backend of the test database busy with a COPY (the import's bulk load), if any."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> %s "
            "AND state = 'active' AND query ILIKE 'COPY%%'",
            [exclude],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _wait_for_copy(deadline: float) -> int:
    me = connection.cursor().connection.info.backend_pid
    while time.monotonic() < deadline:
        pid = _copy_backend(me)
        if pid:
            return pid
        time.sleep(0.02)
    raise AssertionError("the import never reached its bulk load")


def _payouts_batch() -> ImportBatch:
    return ImportBatch.objects.filter(kind=ImportBatch.PAYOUTS).latest("id")


def _retry_and_finish(people, batch) -> ImportBatch:
    """Retry as the page's button does, and run the queued import in this process (the worker's job)."""
    from jiuzhu.ledger.selectors import STALL_AFTER
    from jiuzhu.ledger.services import do_retry_import, read_kept_file, run_batch

    if batch.status == ImportBatch.RUNNING:  # a dead worker: no heartbeat for STALL_AFTER
        ImportBatch.objects.filter(pk=batch.pk).update(
            heartbeat_at=datetime.datetime.now(datetime.UTC) - STALL_AFTER - datetime.timedelta(seconds=1)
        )
    batch.refresh_from_db()
    do_retry_import(actor=people["ymx_cz_jb"], batch=batch)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.QUEUED
    run_batch(batch=batch, data=read_kept_file(batch), actor=people["ymx_cz_jb"])
    batch.refresh_from_db()
    return batch


def _no_partial_rows(batch: ImportBatch) -> None:
    assert Payout.objects.filter(batch=batch).count() == 0
    assert not Payout.objects.exists()
    with connection.cursor() as cursor:  # nothing left in a staging table either
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'COPY%%' AND state = 'active'"
        )
        assert cursor.fetchone()[0] == 0


def test_kill_9_during_a_payout_import_stores_nothing_and_the_batch_can_be_retried(committed, tmp_path):
    people, _ = committed
    path = tmp_path / "big.csv"
    _big_file(path)
    env = {**os.environ, "JIUZHU_DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "jiuzhu.settings"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "jiuzhu.cli", "import", "payouts", str(path), "--region", "654225",
         "--user", "ymx_cz_jb", "--no-progress"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        pid = _wait_for_copy(time.monotonic() + 120)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    wait_gone(pid)
    batch = _payouts_batch()
    assert batch.status == ImportBatch.RUNNING and batch.rows_stored == 0
    _no_partial_rows(batch)
    from jiuzhu.ledger.selectors import STALL_AFTER, is_stalled

    assert is_stalled(batch, now=batch.heartbeat_at + STALL_AFTER + datetime.timedelta(seconds=1))
    done = _retry_and_finish(people, batch)
    assert done.status == ImportBatch.DONE and Payout.objects.filter(batch=done).count() == ROWS


def test_the_server_ending_the_imports_connection_stores_nothing_and_the_batch_can_be_retried(committed):
    from jiuzhu.ledger.services import do_import_file

    people, yumin = committed
    data = _big_file()
    failure: list[BaseException] = []

    def run():
        try:
            do_import_file(actor=people["ymx_cz_jb"], kind="payouts", region=yumin, data=data,
                           filename="big.csv")  # fmt: skip
        except BaseException as exc:  # kept: asserted below
            failure.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    pid = _wait_for_copy(time.monotonic() + 120)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    thread.join(timeout=120)
    assert not thread.is_alive() and failure, "the import must fail when its connection is ended"
    batch = _payouts_batch()
    assert batch.status in (ImportBatch.FAILED, ImportBatch.RUNNING)
    _no_partial_rows(batch)
    done = _retry_and_finish(people, batch)
    assert done.status == ImportBatch.DONE and Payout.objects.filter(batch=done).count() == ROWS


def _at_once(*jobs):
    """Run the callables in threads released together; each one's result or exception, in order."""
    start = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def run(i, job):
        start.wait()
        try:
            results[i] = job()
        except Exception as exc:  # kept: the tests assert on what each ended with
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def _pending_registration(people):
    from jiuzhu.ledger.services import do_register_receipt

    receipt = movements("654221")[0]  # 额敏县, whose receipts the fixture left unregistered
    registration, _ = do_register_receipt(
        actor=people["ems_cz_jb"], movement=receipt, cor_bgt_doc_no="额财社〔2022〕5号",
        lines=[RegistrationLine("2081902", Purpose.SUBSISTENCE, receipt.amount)],
        registered_on=datetime.date(2022, 2, 12),
    )  # fmt: skip
    return registration


def test_two_checkers_approving_one_registration_at_once_count_once(committed):
    from jiuzhu.approvals.review import approve

    people, _ = committed
    registration = _pending_registration(people)
    results = _at_once(
        lambda: approve(registration, people["ems_cz_sh"]),
        lambda: approve(registration, people["ems_cz_sh2"]),
    )
    won = [r for r in results if not isinstance(r, Exception)]
    lost = [r for r in results if isinstance(r, ActionRefused)]
    assert len(won) == 1 and len(lost) == 1, results
    assert "没有待审核的提交" in str(lost[0]) or "只有待审核的登记" in str(lost[0])
    registration.refresh_from_db()
    assert registration.status == Registration.APPROVED
    approvals = Approval.objects.filter(
        subject="ledger.registration", object_id=registration.pk, decision="approve"
    )
    assert approvals.count() == 1


def test_one_checker_clicking_twice_at_once_counts_once(committed):
    """A registration that needs two checkers: the same checker's two requests make one approval, not two."""
    from jiuzhu.approvals.models import ApprovalRule
    from jiuzhu.approvals.review import approve

    people, _ = committed
    ApprovalRule.objects.create(region=people["ems_cz_sh"].region, subject="", fund=None, min_amount=0,
                                approvals_required=2, created_by=people["admin"])  # fmt: skip
    registration = _pending_registration(people)
    checker = people["ems_cz_sh"]
    results = _at_once(
        lambda: approve(registration, checker),
        lambda: approve(registration, checker),
    )
    assert sum(isinstance(r, ActionRefused) for r in results) == 1, results
    registration.refresh_from_db()
    assert registration.status == Registration.SUBMITTED
    assert Approval.objects.filter(subject="ledger.registration", object_id=registration.pk,
                                   decision="approve").count() == 1  # fmt: skip


def test_two_clerks_saving_one_plan_lose_no_update(committed):
    from jiuzhu.accounts.models import User
    from jiuzhu.allocation import services as plans
    from jiuzhu.allocation.models import Plan
    from jiuzhu.domain.allocation import AdjustmentLine
    from jiuzhu.funds.models import Fund

    people, _ = committed
    second = User.objects.create(username="dq_cz_jb2", region=people["dq_cz_jb"].region, department="finance",
                                 role="maker")  # fmt: skip
    plan = plans.do_create_plan(
        actor=people["dq_cz_jb"], fund=Fund.objects.get(fiscal_year=2022), kind=Plan.ALLOCATION,
        doc_no="塔地财社〔2022〕97号", title="并发保存", doc_date=datetime.date(2022, 12, 1),
        issuer=people["dq_cz_jb"].region,
    )  # fmt: skip
    opened = plan.version  # both clerks open the editor now

    def save(actor, amount):
        return lambda: plans.do_save_rows(
            actor=actor, plan=plan, lines=[AdjustmentLine("654225", increase=Decimal(amount))],
            expected_version=opened,
        )  # fmt: skip

    results = _at_once(save(people["dq_cz_jb"], "1000"), save(second, "2000"))
    refused = [r for r in results if isinstance(r, plans.PlanChanged)]
    assert len(refused) == 1, results
    assert "方案在您打开后已被他人修改并保存" in str(refused[0])
    winner = "1000" if results[0] is None else "2000"
    plan.refresh_from_db()
    assert plan.version == opened + 1
    assert [str(r.increase) for r in plan.rows.all()] == [f"{winner}.00"]


def test_an_import_racing_a_return_of_its_registration_never_counts_unregistered_money(committed):
    """额敏县's registration waits; its maker imports a voucher drawing on it while a checker returns it. Whatever
    the order, the voucher never counts: either the import is refused, or its batch cannot be approved."""
    from jiuzhu.approvals.review import approve, return_
    from jiuzhu.ledger.services import do_import_file

    people, _ = committed
    registration = _pending_registration(people)
    erm = people["ems_cz_jb"].region
    data = csv_bytes(PAYMENT_HEADER, [["EM-2022-0001", "额财社〔2022〕5号", "2081902", "100", "100", "2022-03-01",
                                        "额敏县民政局"]])  # fmt: skip
    results = _at_once(
        lambda: do_import_file(
            actor=people["ems_cz_jb"], kind="payments", region=erm, data=data, filename="p.csv"
        ),
        lambda: return_(registration, people["ems_cz_sh"], reason="重报"),
    )
    assert not isinstance(results[1], Exception), results
    registration.refresh_from_db()
    assert registration.status == Registration.RETURNED
    if isinstance(results[0], Exception):
        assert isinstance(results[0], InvalidInput)
        assert not Payment.objects.filter(pay_cert_no="EM-2022-0001").exists()
        return
    batch = results[0].batch
    with pytest.raises((ActionRefused, InvalidInput)):
        approve(batch, people["ems_cz_sh2"])
    batch.refresh_from_db()
    assert batch.approved_at is None
