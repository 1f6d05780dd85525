"""Monitoring rules benchmark: every rule over N payouts and M vouchers, against one grouped scan.

    python -m bench.monitoring [--payouts 1000000] [--vouchers 50000] [--repeat 3] [--only postgresql|sqlite]
                               [--pg postgres://postgres@127.0.0.1:5432/jiuzhu_bench_monitoring] [--reuse]

Each database runs in its own process (``--worker``): a fresh database is migrated, the seed foundation loaded,
then the data written set-based (``bench.monitoring_data``: COPY on PostgreSQL, then ANALYZE; not through the
importer, which ``bench/__main__.py`` measures). ``--reuse`` keeps the database of an earlier run.
Timed, median of R: the floor ``SELECT region_id, pay_month, purpose, SUM(xpay_amt) … GROUP BY`` over all payouts
(with the run's settings, ``engine.session``); the shared tables a run makes first (``engine.prepare``); each
rule's query over them; the whole rule set (``engine.evaluate_all``: the shared tables, then every rule's query,
as a run executes them); and the
re-run after one county's monthly file: the file's rows are written (as its import stores them), then, timed,
the parts its approval stores (``payout_sums.store_parts``) and ``do_run`` of that county and year — what the
approval of the file queues — reconciling the findings.
"""

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import monitoring_data as data

SQLITE = "sqlite:///var/bench-monitoring.sqlite3"


def median_time(fn: Any, repeat: int) -> tuple[float, list[float]]:
    """The median of ``repeat`` timed calls of ``fn`` (seconds), and each run's time."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times


#: one grouped scan of the payouts: the floor every rule set is measured against (the roll-up's on Spark too)
FLOOR = "SELECT region_id, pay_month, purpose, SUM(xpay_amt) FROM ledger_payout GROUP BY region_id, pay_month, purpose"


def worker(url: str, payouts: int, vouchers: int, repeat: int, reuse: bool) -> dict[str, Any]:
    os.environ["JIUZHU_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuzhu.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.JIUZHU_MONITORING_AUTORUN = False
    built = None
    if reuse:
        plan = data.stored_plan(payouts, vouchers)
        data.delete_held(plan)
    else:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        plan = data.build(payouts, vouchers, hold=True)
        built = time.perf_counter() - started
    reruns, file_rows = _reruns(plan, repeat)
    result = _rules(repeat)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*), COUNT(DISTINCT iden_no) FROM ledger_payout")
        count, people = cursor.fetchone()
        cursor.execute("SELECT COUNT(*) FROM ledger_payment")
        (voucher_count,) = cursor.fetchone()
    return {
        **result,
        "vendor": connection.vendor,
        "payouts": count,
        "people": people,
        "vouchers": voucher_count,
        "built_s": None if built is None else round(built, 1),
        "file_rows": file_rows,
        "county_rerun_s": statistics.median(reruns),
        "county_reruns": reruns,
    }


def _reruns(plan: data.Plan, repeat: int) -> tuple[list[float], int]:
    """``do_run`` of the county after its monthly file, each time from the findings as they were before it."""
    from jiuzhu.ledger.actors import SystemActor
    from jiuzhu.ledger.payout_sums import store_parts
    from jiuzhu.monitoring.services import do_run
    from jiuzhu.regions.models import Region

    county = Region.objects.get(code=plan.held[0])
    reruns, file_rows = [], 0
    for _ in range(repeat):
        do_run(actor=SystemActor(), fiscal_year=2022, region=county, trigger="bench")
        file_rows = data.write_held(plan)
        started = time.perf_counter()
        store_parts(
            [plan.batches[plan.held]]
        )  # what the file's approval stores, timed with the run it queues
        do_run(actor=SystemActor(), fiscal_year=2022, region=county, trigger="bench")
        reruns.append(time.perf_counter() - started)
        data.delete_held(plan)
    data.write_held(plan)
    return reruns, file_rows


def _rules(repeat: int) -> dict[str, Any]:
    """The floor and the whole set taken in turns (the machine's load changes by the minute), then each part."""
    from django.db import connection

    from jiuzhu.domain.monitoring_rules import REGISTRY
    from jiuzhu.monitoring import engine
    from jiuzhu.regions.models import Region

    def floor() -> None:
        with engine.session(), connection.cursor() as cursor:  # the run's settings, for a fair floor
            cursor.execute(FLOOR)
            cursor.fetchall()

    root = Region.objects.get(level="province")
    params = engine.Params(year=2022, as_of=datetime.date(2022, 12, 31), path=root.path)
    codes = list(REGISTRY)
    floor_runs, whole_runs = [], []
    for _ in range(repeat):
        floor_runs.append(median_time(floor, 1)[0])
        whole_runs.append(median_time(lambda: engine.evaluate_all(codes, params), 1)[0])
    with engine.session():
        shared_s = median_time(lambda: engine.prepare(codes, params), repeat)[0]
        per_rule = {code: median_time(lambda c=code: engine.evaluate(c, params), repeat)[0] for code in codes}
        found = {code: len(engine.evaluate(code, params)[0]) for code in codes}
        engine.discard()
    return {
        "floor_s": statistics.median(floor_runs),
        "floor_runs": floor_runs,
        "whole_s": statistics.median(whole_runs),
        "whole_runs": whole_runs,
        "shared_s": shared_s,
        "per_rule_s": per_rule,
        "found": found,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--payouts", type=int, default=1_000_000)
    parser.add_argument("--vouchers", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432/jiuzhu_bench_monitoring")
    parser.add_argument("--only", choices=["postgresql", "sqlite"])
    parser.add_argument("--reuse", action="store_true", help="keep the database an earlier run built")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        result = worker(args.worker, args.payouts, args.vouchers, args.repeat, args.reuse)
        print(json.dumps(result))
        return
    targets = {"postgresql": args.pg, "sqlite": SQLITE}
    for vendor, url in targets.items():
        if args.only and vendor != args.only:
            continue
        if not args.reuse:
            _fresh(vendor, url)
        command = [sys.executable, "-m", "bench.monitoring", "--worker", url, "--payouts", str(args.payouts)]
        command += ["--vouchers", str(args.vouchers), "--repeat", str(args.repeat)]
        command += ["--reuse"] if args.reuse else []
        out = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)
        report(json.loads(out.stdout.strip().splitlines()[-1]), args.repeat)


def _fresh(vendor: str, url: str) -> None:
    if vendor == "sqlite":
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def _runs(times: list[float]) -> str:
    return ", ".join(f"{t * 1000:.0f}" for t in times)


def report(r: dict[str, Any], repeat: int) -> None:
    floor = r["floor_s"]
    built = "reused" if r["built_s"] is None else f"built in {r['built_s']} s"
    print(
        f"{r['vendor']}: {r['payouts']:,} payouts of {r['people']:,} people, {r['vouchers']:,} vouchers"
        f" ({built}); median of {repeat}"
    )
    print(
        f"  floor  SUM(xpay_amt) GROUP BY region, month, purpose: {floor * 1000:8.1f} ms  runs {_runs(r['floor_runs'])}"
    )
    shared = r["shared_s"]
    print(
        f"  shared tables (people, repeats, vouchers)  {shared * 1000:8.1f} ms  {shared / floor:5.2f}× floor"
    )
    for code, seconds in r["per_rule_s"].items():
        print(
            f"  {code:24s} {seconds * 1000:8.1f} ms  {seconds / floor:5.2f}× floor  {r['found'][code]:5d} rows"
        )
    print(
        f"  all rules                {r['whole_s'] * 1000:8.1f} ms  {r['whole_s'] / floor:5.2f}× floor (goal ≤ 10×)"
        f"  runs {_runs(r['whole_runs'])}"
    )
    print(
        f"  re-run after one county's monthly file ({r['file_rows']:,} rows; do_run of the county and year,"
        f" reconciled): {r['county_rerun_s'] * 1000:.0f} ms (goal ≤ 1 s on PostgreSQL)  runs {_runs(r['county_reruns'])}"
    )


if __name__ == "__main__":
    main()
