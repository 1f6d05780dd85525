"""PostgreSQL restarted in the middle of a payout import (issue 12, point 5): nothing of the file is stored, the
batch is left failed or stalled, and its retry after the restart stores every row once.

The test's own database cannot be restarted under pytest-django (its connection and transaction would go), so
this test starts a PostgreSQL server of its own: ``initdb`` into a temporary directory (as the ``postgres`` user
when run as root: the server refuses to run as root), on a free port, its socket in that directory. Every step
against it runs in a child process (`jiuzhu shell`, `jiuzhu import payouts`), as the worker would.
"""

import contextlib
import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection

pytestmark = pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="PostgreSQL only: restarting the database server mid-import",
)
ROWS = 150_000
TESTS = Path(__file__).resolve().parent


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name) or ""]
    assert found[-1], f"PostgreSQL's {name} is not installed"
    return found[-1]


def _as_server_user(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A private PostgreSQL cluster: started, restarted, stopped by this test alone."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="jiuzhu-pg-restart-"))
        self.data = self.dir / "data"
        self.port = _free_port()
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run([_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"])
        self.start()
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute("CREATE DATABASE jiuzhu")

    def _run(self, args: list[str]) -> None:
        subprocess.run(_as_server_user(args), check=True, capture_output=True, timeout=120)

    def _ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run([_bin("pg_ctl"), "-D", str(self.data), "-o", options, "-w", "-t", "60", *args])

    def start(self) -> None:
        self._ctl("-l", str(self.dir / "server.log"), "start")

    def restart(self) -> None:
        """A fast restart: every session ended, open transactions rolled back, the server up again."""
        self._ctl("-l", str(self.dir / "server.log"), "-m", "fast", "restart")

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._ctl("-m", "immediate", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, name: str = "jiuzhu") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"


@pytest.fixture
def server():
    s = Server()
    yield s
    s.stop()


def _env(server: Server, var: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIUZHU_")}
    return {**env, "JIUZHU_DATABASE_URL": server.url(), "JIUZHU_VAR_DIR": str(var),
            "DJANGO_SETTINGS_MODULE": "jiuzhu.settings"}  # fmt: skip


def _jiuzhu(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "jiuzhu.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


#: The seed, 裕民县's registrations and one big voucher (the kill -9 test's world, tests/ledger/test_faults.py).
SEED = f"""
import sys; sys.path.insert(0, {str(TESTS)!r})
from django.conf import settings; settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
settings.JIUZHU_MONITORING_AUTORUN = False
from jiuzhu.accounts.models import User
from jiuzhu.demo import seed
from jiuzhu.regions.models import Region
from ledger_helpers import import_payments, register_yumin
seed.load_seed()
people = {{u.username: u for u in User.objects.all()}}
register_yumin(people)
import_payments(people["ymx_cz_jb"], Region.objects.get(code="654225"),
    [["FAULT-2022-0001", "裕财社〔2022〕41号", "2081902", "200000", "200000", "2022-06-10", "裕民县民政局"]])
"""

STATE = """
import json
from jiuzhu.ledger.models import ImportBatch, Payout
b = ImportBatch.objects.filter(kind="payouts").latest("id")
print(json.dumps({"status": b.status, "rows_stored": b.rows_stored, "payouts": Payout.objects.count(),
                  "in_batch": Payout.objects.filter(batch=b).count(), "id": b.pk}))
"""

#: The retry as the imports page's button does it, the dead worker's batch first found stalled.
RETRY = """
import datetime
from django.conf import settings; settings.JIUZHU_MONITORING_AUTORUN = False
from jiuzhu.accounts.models import User
from jiuzhu.ledger.models import ImportBatch
from jiuzhu.ledger.selectors import STALL_AFTER
from jiuzhu.ledger.services import do_retry_import, read_kept_file, run_batch
clerk = User.objects.get(username="ymx_cz_jb")
b = ImportBatch.objects.filter(kind="payouts").latest("id")
if b.status == ImportBatch.RUNNING:
    ImportBatch.objects.filter(pk=b.pk).update(
        heartbeat_at=datetime.datetime.now(datetime.UTC) - STALL_AFTER - datetime.timedelta(seconds=1))
    b.refresh_from_db()
do_retry_import(actor=clerk, batch=b)
b.refresh_from_db()
assert b.status == ImportBatch.QUEUED, b.status
run_batch(batch=b, data=read_kept_file(b), actor=clerk)
"""


def _state(env: dict[str, str]) -> dict:
    return json.loads(_jiuzhu(env, "shell", "-c", STATE).strip().splitlines()[-1])


def _wait_for_copy(server: Server, proc: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    with psycopg.connect(server.url(), autocommit=True) as conn:
        while time.monotonic() < deadline:
            assert proc.poll() is None, f"the import ended before its bulk load: {proc.stderr.read()[-3000:]}"
            busy = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = 'jiuzhu' AND state = 'active'"
                " AND query ILIKE 'COPY ledger_payout%%' AND pid <> pg_backend_pid()"
            ).fetchone()
            if busy and busy[0]:
                return
            time.sleep(0.02)
    raise AssertionError("the import never reached its bulk load")


def test_postgresql_restarted_mid_import_stores_nothing_and_the_retry_stores_every_row(server, tmp_path):
    from test_faults import _big_file

    from jiuzhu.ledger.management.commands._imports import DATABASE_LOST

    assert connection.vendor == "postgresql"
    var = tmp_path / "var"
    env = _env(server, var)
    _jiuzhu(env, "migrate", "--noinput")
    _jiuzhu(env, "shell", "-c", SEED)
    path = tmp_path / "big.csv"
    _big_file(path)

    proc = subprocess.Popen(
        [sys.executable, "-m", "jiuzhu.cli", "import", "payouts", str(path), "--region", "654225",
         "--user", "ymx_cz_jb", "--no-progress"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        _wait_for_copy(server, proc)
        server.restart()
        proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode != 0, "the import cannot have succeeded: its server went away during the load"
    said = proc.stderr.read()
    assert DATABASE_LOST in said and "Traceback" not in said, said[-2000:]

    before = _state(env)
    assert before["status"] in ("failed", "running") and before["rows_stored"] == 0
    assert before["payouts"] == 0, "nothing of the file is stored"

    _jiuzhu(env, "shell", "-c", RETRY)
    after = _state(env)
    assert after["id"] == before["id"] and after["status"] == "done"
    assert after["in_batch"] == after["payouts"] == after["rows_stored"] == ROWS
