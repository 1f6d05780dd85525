"""Load test: gunicorn serving the demo year on PostgreSQL, locust users over the main pages, against /healthz.

    python -m bench.load [--pg postgres://postgres@127.0.0.1:5432/jiuzhu_load] [--users 50,200] [--time 60]
                         [--workers 4] [--port 8123] [--skip-demo]

Only against 127.0.0.1; each step is bounded (users and seconds). The demo year is loaded once into the database
(``--skip-demo`` reuses it). Prints p50/p95/p99 and errors per page for each number of users, and each page's
p95 as a multiple of the trivial page's p95 of the same run (goal: within 5× at 50 users, no errors).
"""

import argparse
import csv
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
BIN = Path(sys.executable).parent
PAGES = (
    "home",
    "plans",
    "plan detail",
    "ledger",
    "payouts",
    "audit",
    "documents",
    "api payouts",
    "api appropriations",
    "api findings",
)


def _env(url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIUZHU_")}
    env.update(
        JIUZHU_DATABASE_URL=url,
        JIUZHU_HTTP="1",  # plain HTTP on 127.0.0.1: session cookies without the secure flag
        JIUZHU_ALLOWED_HOSTS="127.0.0.1",
        JIUZHU_VAR_DIR=str(OUT / "load-var"),
    )
    return env


def _ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _jiuzhu(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [str(BIN / "jiuzhu"), *args], env=env, check=True, capture_output=True, text=True, timeout=900
    ).stdout


def _plan_id(env: dict[str, str]) -> str:
    code = (
        "from jiuzhu.allocation.models import Plan; print(Plan.objects.get(doc_no='塔地财社〔2022〕82号').pk)"
    )
    return _jiuzhu(env, "shell", "-c", code).strip().splitlines()[-1]


SESSIONS = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from jiuzhu.accounts.models import User
for name in ("dq_sj_ck", "dq_cz_jb"):
    user = User.objects.get(username=name)
    for _ in range({n}):
        s = SessionStore()
        s[SESSION_KEY], s[BACKEND_SESSION_KEY] = str(user.pk), "django.contrib.auth.backends.ModelBackend"
        s[HASH_SESSION_KEY] = user.get_session_auth_hash()
        s.create()
        print(f"{{name}}={{s.session_key}}")
# the monitoring system's account at the prefecture, one token per locust user (each token has its own rate)
from jiuzhu.api.models import ApiAccount
from jiuzhu.api.tokens import do_create_account, do_issue_token
from jiuzhu.regions.models import Region
admin = User.objects.get(username="admin")
account = ApiAccount.objects.filter(user__username="sys_load_654200").first() or do_create_account(
    actor=admin, username="sys_load_654200", system_name="直达资金监控系统", region=Region.objects.get(code="654200"),
    department="finance", role="maker")
for _ in range({n}):
    print(f"api={{do_issue_token(actor=admin, account=account, name='压力测试').token}}")
"""


def _sessions(env: dict[str, str], n: int) -> Path:
    """A session per locust user of each kind, written straight into the session table."""
    path = OUT / "load-sessions.txt"
    lines = [x for x in _jiuzhu(env, "shell", "-c", SESSIONS.format(n=n)).split() if "=" in x]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _wait_up(base: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as r:  # noqa: S310 (127.0.0.1 only)
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not come up")


def _run_locust(
    env: dict[str, str], base: str, users: int, seconds: int, plan: str, sessions: Path
) -> dict[str, dict]:
    prefix = OUT / f"load-{users}"
    subprocess.run(
        [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "-u", str(users),
         "-r", str(max(users // 10, 5)), "--run-time", f"{seconds}s", "--host", base, "--csv", str(prefix),
         "--only-summary", "--stop-timeout", "10", "--loglevel", "WARNING"],
        env={**env, "BENCH_PLAN_ID": plan, "BENCH_SESSIONS": str(sessions)}, check=False, timeout=seconds + 120,
    )  # fmt: skip
    with open(f"{prefix}_stats.csv", encoding="utf-8") as f:
        return {row["Name"]: row for row in csv.DictReader(f)}


def _table(users: int, stats: dict[str, dict]) -> list[str]:
    base = float(stats["healthz"]["95%"])
    lines = [
        f"{users} users: {stats['Aggregated']['Request Count']} requests, "
        f"{float(stats['Aggregated']['Requests/s']):.1f} req/s, {stats['Aggregated']['Failure Count']} errors",
        "| page | requests | errors | p50 ms | p95 ms | p99 ms | p95 ÷ healthz p95 |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name in ("healthz", *PAGES):
        row = stats.get(name)
        if row is None:
            continue
        ratio = float(row["95%"]) / base if base else float("nan")
        lines.append(
            f"| {name} | {row['Request Count']} | {row['Failure Count']} | {row['50%']} | {row['95%']} | "
            f"{row['99%']} | {ratio:.1f}× |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432/jiuzhu_load")
    parser.add_argument("--users", default="50,200")
    parser.add_argument("--time", type=int, default=60, help="seconds per step (at most 600)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8123)
    parser.add_argument("--skip-demo", action="store_true")
    args = parser.parse_args()
    seconds = min(args.time, 600)
    counts = [min(int(n), 500) for n in args.users.split(",")]
    OUT.mkdir(parents=True, exist_ok=True)
    env = _env(args.pg)
    _ensure_database(args.pg)
    _jiuzhu(env, "migrate", "--noinput")
    if not args.skip_demo:
        _jiuzhu(env, "demo")
    _jiuzhu(env, "collectstatic", "--noinput", "-v0")
    plan = _plan_id(env)
    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "jiuzhu.wsgi:application", "--bind", f"127.0.0.1:{args.port}",
         "--workers", str(args.workers), "--timeout", "120", "--backlog", "2048"],
        env=env, stdout=subprocess.DEVNULL, stderr=open(OUT / "load-gunicorn.log", "w"),  # noqa: SIM115
    )  # fmt: skip
    report: list[str] = []
    try:
        _wait_up(base, time.monotonic() + 60)
        for users in counts:
            sessions = _sessions(env, users)
            report += [*_table(users, _run_locust(env, base, users, seconds, plan, sessions)), ""]
    finally:
        server.terminate()
        server.wait(timeout=30)
    text = "\n".join(report)
    (OUT / "load-report.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
