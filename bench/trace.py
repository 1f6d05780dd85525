"""资金溯源 page benchmark: every trace page over the demo year, on PostgreSQL and SQLite, against 500 ms.

    python -m bench.trace [--repeat 7] [--pg URL] [--sqlite PATH] [--only postgresql|sqlite] [--reload]

Each database is loaded once with the demo year (``migrate`` and ``load_demo``: 333,715 payouts; on PostgreSQL
followed by ``VACUUM ANALYZE``, the state autovacuum reaches after a bulk load) and kept for the next run;
``--reload`` loads it again. Then, in a child process per database, each page is requested through Django's
test client (the whole request: session, middleware, selectors, template) as the user who would open it:

- **cold**: the process's cache emptied before every request (what the first request of a fresh worker pays;
  the batches' parts stay stored in ``ledger_payoutpart``); **new batch**: also the stored parts of the largest
  approved payout batch deleted (what the first request pays for a batch approved without storing them);
  **warm**: the cache filled. The database's own buffers are
  warm in all three (the machine is shared: nobody's PostgreSQL is restarted for a benchmark).
- floors measured in the same run: ``/healthz`` (no database, no template) and one grouped scan of the whole
  payout table (Σ实发 and the count per voucher and batch: what a page reading every payout must at least pay).

Every figure is the median of ``--repeat`` runs; each line also prints the best, the CPU time of the Django
process (the part that waits neither for a core nor for the database server), the queries and their SQL time
(from ``connection.queries``), and the ratio to the goal. The load average is printed before and after.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

GOAL_MS = 500.0
CACHE_STATES = ("cold", "new batch", "warm")
OUT = Path(__file__).resolve().parent / "out"


def _pages() -> list[tuple[str, str, str]]:
    """(label, user, url) of every trace page, on the demo's largest objects."""
    from django.db.models import Count
    from django.urls import reverse

    from jiuzhu.allocation.models import Plan
    from jiuzhu.ledger.models import Payout

    plans = {p.doc_no: p.pk for p in Plan.objects.filter(doc_no__startswith="塔地财社〔2022〕")}
    biggest = (
        Payout.objects.filter(region__code="654225")
        .values("payment_id")
        .annotate(n=Count("id"))
        .order_by("-n", "payment_id")
        .first()
    )
    assert biggest is not None, "no demo year loaded"
    person = Payout.objects.filter(payment_id=biggest["payment_id"]).order_by("row_no").first()
    assert person is not None
    out = []
    for doc_no in ("塔地财社〔2022〕5号", "塔地财社〔2022〕8号", "塔地财社〔2022〕82号"):
        out.append((f"plan {doc_no} (prefecture)", "dq_cz_sh", reverse("trace:plan", args=[plans[doc_no]])))
    out.append(
        (
            "plan 塔地财社〔2022〕5号 (裕民县)",
            "ymx_cz_jb",
            reverse("trace:plan", args=[plans["塔地财社〔2022〕5号"]]),
        )
    )
    out.append(
        (
            f"voucher ({biggest['n']:,} payouts, 裕民县)",
            "ymx_cz_jb",
            reverse("trace:voucher", args=[biggest["payment_id"]]),
        )
    )
    out.append(("payout up (裕民县)", "ymx_cz_jb", reverse("trace:payout", args=[person.pk])))
    return out


def _forget(cache_state: str) -> None:
    """``cold``: the process's cache emptied (a fresh server process; the batches' parts stay stored); ``new
    batch``: also the stored parts of the largest approved payout batch (what the first request pays for a batch
    approved without ``store_parts``, such as the demo's fault batches); ``warm``: nothing."""
    from django.core.cache import cache
    from django.db.models import F

    from jiuzhu.ledger.models import ImportBatch, PayoutPart

    if cache_state in ("cold", "new batch"):
        cache.clear()
    if cache_state == "new batch":
        batch = (
            ImportBatch.objects.filter(kind=ImportBatch.PAYOUTS, approved_at__isnull=False)
            .order_by(F("rows_stored").desc(), "pk")
            .first()
        )
        assert batch is not None
        PayoutPart.objects.filter(batch=batch).delete()


def _time(client: Any, url: str, *, cache_state: str) -> tuple[float, int, float, int, float]:
    """One request: (ms, queries, SQL ms, bytes, CPU ms of this process)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _forget(cache_state)
    with CaptureQueriesContext(connection) as queries:
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get(url, secure=True)
        ms, cpu = (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000
    assert response.status_code == 200, (url, response.status_code)
    sql = sum(float(q["time"]) for q in queries.captured_queries) * 1000
    return ms, len(queries), sql, len(response.content), cpu


def _measure(client: Any, url: str, repeat: int, *, cache_state: str = "warm") -> dict[str, Any]:
    _time(
        client, url, cache_state=cache_state
    )  # the first of its kind (compiles templates, opens the connection)
    runs = [_time(client, url, cache_state=cache_state) for _ in range(repeat)]
    ms = [r[0] for r in runs]
    return {
        "median": statistics.median(ms),
        "best": min(ms),
        "queries": runs[-1][1],
        "sql": statistics.median(r[2] for r in runs),
        "bytes": runs[-1][3],
        "cpu": statistics.median(r[4] for r in runs),
    }


def _floor_scan(repeat: int) -> float:
    from django.db import connection

    times = []
    with connection.cursor() as cursor:
        for _ in range(repeat):
            started = time.perf_counter()
            cursor.execute(
                "SELECT payment_id, batch_id, COUNT(*), SUM(xpay_amt) FROM ledger_payout GROUP BY 1, 2"
            )
            cursor.fetchall()
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _load(reload: bool) -> float | None:
    """The demo year, once; returns the seconds the load took, None when it was already there."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    tables = connection.introspection.table_names()
    if not reload and "ledger_payout" in tables:
        from jiuzhu.ledger.models import Payout

        if Payout.objects.exists():
            call_command("migrate", verbosity=0)  # a kept database gets this branch's new migrations
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE ledger_payout")  # and their statistics
            return None
    started = time.perf_counter()
    if "ledger_payout" in tables:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    settings.JIUZHU_DEMO_LEDGER_YEAR = True
    from jiuzhu.demo.scenario import load_demo

    load_demo()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def worker(url: str, repeat: int, reload: bool) -> dict[str, Any]:
    os.environ["JIUZHU_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuzhu.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from jiuzhu.accounts.models import User
    from jiuzhu.ledger.models import Payout

    loaded = _load(reload)
    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    result: dict[str, Any] = {
        "vendor": connection.vendor,
        "payouts": Payout.objects.count(),
        "loaded_in": loaded,
        "pages": [],
    }
    result["healthz"] = _measure(Client(), "/healthz", repeat)["median"]
    result["scan"] = _floor_scan(repeat)
    clients: dict[str, Any] = {}
    for label, username, page in _pages():
        if username not in clients:
            clients[username] = Client()
            clients[username].force_login(User.objects.get(username=username))
        client = clients[username]
        figures = {state: _measure(client, page, repeat, cache_state=state) for state in CACHE_STATES}
        result["pages"].append({"label": label, "url": page, **figures})
    return result


def report(result: dict[str, Any], repeat: int) -> None:
    name = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}[result["vendor"]]
    loaded = f", loaded in {result['loaded_in']:.0f} s" if result["loaded_in"] else ""
    print(f"\n{name}: {result['payouts']:,} payouts{loaded}; median of {repeat} requests each")
    print(
        f"floor  /healthz {result['healthz']:6.1f} ms; one grouped scan of every payout {result['scan']:6.1f} ms"
    )
    print(f"{'page':40} cache       median     best  ÷goal  CPU ms queries  SQL ms     bytes")
    for page in result["pages"]:
        for kind in CACHE_STATES:
            f = page[kind]
            verdict = "ok" if f["median"] < GOAL_MS else "OVER"
            print(
                f"{_pad(page['label'], 40)} {kind:9} {f['median']:6.0f}ms {f['best']:6.0f}ms"
                f" {f['median'] / GOAL_MS:5.2f}× {f['cpu']:7.0f} {f['queries']:7} {f['sql']:7.0f}"
                f" {f['bytes']:9,} {verdict}"
            )


def _pad(text: str, width: int) -> str:
    """Left-justified to ``width`` terminal columns (a Chinese character takes two)."""
    import unicodedata

    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - used)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432/jiuzhu_trace_bench")
    parser.add_argument("--sqlite", default=str(OUT / "trace.sqlite3"))
    parser.add_argument("--only", choices=["postgresql", "sqlite"])
    parser.add_argument("--reload", action="store_true", help="load the demo year again")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.repeat, args.reload)))
        return
    from bench.__main__ import _ensure_pg

    targets = {"postgresql": args.pg, "sqlite": f"sqlite:///{Path(args.sqlite).resolve()}"}
    if args.only:
        targets = {args.only: targets[args.only]}
    if "postgresql" in targets:
        _ensure_pg(args.pg)
    OUT.mkdir(exist_ok=True)
    print(
        f"goal: every trace page under {GOAL_MS:.0f} ms; load average before: {_load_average()}", flush=True
    )
    src = str(Path(__file__).resolve().parent.parent / "src")
    for url in targets.values():
        out = subprocess.run(
            [sys.executable, "-m", "bench.trace", "--repeat", str(args.repeat), "--worker", url]
            + (["--reload"] if args.reload else []),
            check=True,
            capture_output=True,
            text=True,
            env={
                **os.environ,
                "PYTHONPATH": os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH")])),
                "JIUZHU_VAR_DIR": str(OUT / "var"),
            },
        )
        report(json.loads(out.stdout.strip().splitlines()[-1]), args.repeat)
    print(f"\nload average after: {_load_average()}")


def _load_average() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
