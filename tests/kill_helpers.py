"""kill -9 of a process in the middle of a write, on PostgreSQL.

The audit chain's append is the last step of every write and takes a PostgreSQL advisory lock
(``audit.services.CHAIN_LOCK``). A second connection holding that lock makes a write in another process stop
there, inside its transaction, with everything before it written but not committed; the process is then killed
with SIGKILL. Nothing it wrote may remain, and the same action must succeed when tried again.
"""

import os
import signal
import subprocess
import sys
import time

import psycopg
from django.db import connection

from jiuzhu.audit.services import CHAIN_LOCK


def database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _waiting_backend() -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND wait_event_type = 'Lock' AND wait_event = 'advisory'"
        )
        row = cursor.fetchone()
    return row[0] if row else None


def wait_gone(pid: int, seconds: float = 30) -> None:
    """Until the backend ``pid`` has ended (its rollback done)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
            if cursor.fetchone()[0] == 0:
                return
        time.sleep(0.05)
    raise AssertionError(f"backend {pid} still running")


def kill_at_the_audit_record(code: str, *, timeout: float = 120) -> None:
    """Run ``code`` in `jiuzhu shell` in a child process, and kill -9 it once its write waits for the audit
    chain."""
    holder = psycopg.connect(database_url(), autocommit=True)
    env = {**os.environ, "JIUZHU_DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "jiuzhu.settings"}
    try:
        holder.execute("SELECT pg_advisory_lock(%s)", [CHAIN_LOCK])
        proc = subprocess.Popen(
            [sys.executable, "-m", "jiuzhu.cli", "shell", "-c", code],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            deadline = time.monotonic() + timeout
            pid = None
            while pid is None:
                if proc.poll() is not None:
                    raise AssertionError(
                        f"the write ended before its audit record: {proc.stderr.read().decode()}"
                    )
                if time.monotonic() > deadline:
                    raise AssertionError("the write never reached its audit record")
                time.sleep(0.05)
                pid = _waiting_backend()
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
        assert proc.returncode == -signal.SIGKILL
    finally:
        # a backend waiting for a lock does not notice its client is gone until it has the lock and answers
        holder.close()
    wait_gone(pid)


def approve_code(obj, username: str) -> str:
    """The text of a `jiuzhu shell` command: ``username`` approves ``obj`` through the review flow."""
    return (
        "from django.apps import apps; from jiuzhu.accounts.models import User; from jiuzhu.approvals import review;"
        f" m = apps.get_model('{obj._meta.label}');"
        f" review.approve(m.objects.get(pk={obj.pk}), User.objects.get(username='{username}'))"
    )


def approve_until_one_is_left(obj, checkers) -> str:
    """Approve ``obj`` with the checkers, in order, until one approval completes the round; returns that
    checker's username (the approval to kill)."""
    from jiuzhu.approvals import review
    from jiuzhu.approvals.review import subject_of
    from jiuzhu.approvals.services import round_state

    key = subject_of(obj, "").key
    for checker in checkers:
        state = round_state(key, obj.pk)
        if state.required - state.count <= 1:
            return checker.username
        review.approve(obj, checker)
    raise AssertionError("not enough checkers")
