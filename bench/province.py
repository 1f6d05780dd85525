"""Province-year benchmark on PostgreSQL (issue 20): the monitoring rules and a county's monthly import over
2×10^7 stored payouts, each against a floor measured in the same run.

    python -m bench.province [--payouts 20000000] [--vouchers 1000000] [--repeat 3]
                             [--pg postgres://postgres@127.0.0.1:5432/jiuzhu_bench_province] [--reuse]
                             [--skip-rules] [--skip-import]

The data (``bench.monitoring_data`` in a province's shape, COPY into the partitioned payout table, then VACUUM (ANALYZE)):
the seed's seven counties of 塔城地区 and 93 more in 13 more prefectures of the province (codes ``65PP21``…), the
counties' sizes skewed (Zipf by rank, exponent 0.8: the largest, 裕民县, holds 12.3 % of the payouts, the smallest
0.3 %; the prefectures 27.5 % to 2.4 %), 5 purposes, one
appropriation per county and purpose, the vouchers spread over county (by size), purpose and month, 20 payouts
each; one in 50 people has a wrong check digit (``invalid_id``, ~2 % of the rows), people paid twice as in the
monitoring benchmark. 裕民县's December file is held back: it is the monthly file whose import is timed.

Timed, medians of R: the floor ``SELECT region_id, pay_month, purpose, SUM(xpay_amt) … GROUP BY`` over every
payout and the whole rule set (``engine.evaluate_all``), in turns, then each part alone; the import of the held
file through the importer (``do_import_file``, the duplicate check against the stored year included; its rows
deleted after each run) against a raw COPY of the same CSV into an unindexed table. Every rule's plan (EXPLAIN
ANALYZE, BUFFERS) is written to ``bench/out/province-plans.txt``.
"""

import argparse
import csv
import io
import itertools
import os
import statistics
import time
from pathlib import Path
from typing import Any

from bench import monitoring_data as data

OUT = Path(__file__).resolve().parent / "out"
HEADER = ["姓名", "证件类型", "证件号码", "按户或按人补助", "应发金额", "实发金额", "发放月份", "支付凭证号"]
PREFECTURES = [
    "6501",
    "6502",
    "6504",
    "6505",
    "6523",
    "6527",
    "6528",
    "6529",
    "6530",
    "6531",
    "6532",
    "6540",
    "6543",
]
HELD = ("654225", 12)
"""裕民县's December: the largest county's monthly file."""


def counties() -> tuple[list[str], list[float]]:
    """The province's counties and their sizes (Zipf, exponent 0.8, by rank): the held county is the largest;
    the seed's other six are spread over the ranks, so that 塔城地区 is not simply the seven largest."""
    own = [f"{p}{n:02d}" for p in PREFECTURES for n in range(21, 21 + 7)] + [
        f"6543{n:02d}" for n in range(28, 30)
    ]
    seed = [c for c in data.COUNTIES if c != HELD[0]]
    codes = [HELD[0], *own]
    for rank, code in zip(range(12, 100, 15), seed, strict=False):
        codes.insert(rank, code)
    return codes, [1 / (rank**0.8) for rank in range(1, len(codes) + 1)]


def plan_for(payouts: int, vouchers: int) -> data.Plan:
    codes, weights = counties()
    return data.Plan(payouts, vouchers, counties=codes, weights=weights, faulty_every=50, held=HELD)


def held_csv(plan: data.Plan) -> bytes:
    """The held file as its county sends it (the people with a wrong check digit left out: the importer would
    refuse them)."""
    from jiuzhu.domain.identity import ric_problem

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for row in data._payouts(plan, lambda key: key == plan.held):
        iden_no, pay, xpay, month, cert = row[10], row[12], row[13], row[14], row[7]
        if ric_problem(iden_no) is None:
            writer.writerow(
                ["某", "身份证号", iden_no, "到人", f"{pay / 100:.2f}", f"{xpay / 100:.2f}", int(month), cert]
            )
    return out.getvalue().encode()


def time_import(data_bytes: bytes, repeat: int) -> dict[str, Any]:
    from django.db import connection

    from bench.__main__ import _raw_copy
    from jiuzhu.accounts.models import User
    from jiuzhu.ledger import partitions
    from jiuzhu.ledger.models import ImportBatch
    from jiuzhu.ledger.services import do_import_file
    from jiuzhu.regions.models import Region

    region = Region.objects.get(code=HELD[0])
    actor = User.objects.get(username="ymx_cz_jb")
    path = OUT / "province-held.csv"
    path.write_bytes(data_bytes)
    times, phases, rows = [], [], 0
    for n in range(repeat):
        marks: list[tuple[str, float]] = []

        def progress(phase: str, done: int, total: int, marks: list[tuple[str, float]] = marks) -> None:
            if not marks or marks[-1][0] != phase:
                marks.append((phase, time.perf_counter()))

        started = time.perf_counter()
        outcome = do_import_file(
            actor=actor,
            kind="payouts",
            region=region,
            data=data_bytes + b"\n" * n,  # another file each time: the same content is imported once
            filename=f"held-{n}.csv",
            progress=progress,
        )
        ended = time.perf_counter()
        times.append(ended - started)
        points = [("开始", started), *marks, ("结束", ended)]
        phases.append({a: t2 - t1 for (a, t1), (_, t2) in itertools.pairwise(points)})
        rows = outcome.batch.rows_stored
        assert rows > 0, outcome.batch.problems[:3]
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM ledger_payout WHERE batch_id = %s", [outcome.batch.pk])
            # as autovacuum would before next month's file: the next run finds the table as this one did
            cursor.execute(f"VACUUM ANALYZE {partitions.leaf(cursor, 2022, region.pk)}")
        ImportBatch.objects.filter(pk=outcome.batch.pk).delete()
    copy = _raw_copy(str(path), repeat)
    names = list(phases[0])
    return {
        "import_s": statistics.median(times),
        "import_runs": times,
        "phases": {k: statistics.median(p.get(k, 0.0) for p in phases) for k in names},
        "copy_s": copy,
        "rows": rows,
    }


def explain_all(path: Path) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of the shared tables and of every rule, as a run executes them."""
    import datetime

    from django.db import connection

    from jiuzhu.domain.monitoring_rules import REGISTRY
    from jiuzhu.monitoring import engine
    from jiuzhu.monitoring.queries import sql_for
    from jiuzhu.regions.models import Region

    root = Region.objects.get(level="province")
    params = engine.Params(year=2022, as_of=datetime.date(2022, 12, 31), path=root.path)
    codes = list(REGISTRY)
    lines: list[str] = []
    with engine.session(), connection.cursor() as cursor:
        engine.prepare(codes, params, plans=lines)  # the shared tables as a run makes them, each explained
        for code in codes:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql_for(code, 'postgresql')}", params.sql())
            lines += [f"== rule {code}", *(r[0] for r in cursor.fetchall())]
        engine.discard()
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def run(args: argparse.Namespace) -> None:
    os.environ["JIUZHU_DATABASE_URL"] = args.pg
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuzhu.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from bench.monitoring import _rules

    settings.JIUZHU_MONITORING_AUTORUN = False
    OUT.mkdir(exist_ok=True)
    if args.reuse:
        plan = data.stored_plan(args.payouts, args.vouchers, **_shape())
    else:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        plan = data.build(args.payouts, args.vouchers, hold=True, plan=plan_for(args.payouts, args.vouchers))
        with connection.cursor() as cursor:
            # as autovacuum would after the year's inserts (off on this machine's server): the pages marked
            # all-visible, which a scan then reads without checking each row (the floor: 2.5 s, not 4 s)
            cursor.execute("VACUUM (ANALYZE) ledger_payout")
        print(f"built in {time.perf_counter() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), count(DISTINCT region_id) FROM ledger_payout")
        count, regions = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM ledger_payment")
        (vouchers,) = cursor.fetchone()
        cursor.execute(
            "SELECT pg_size_pretty(sum(pg_total_relation_size(relid))) FROM pg_partition_tree('ledger_payout')"
        )
        (size,) = cursor.fetchone()
    print(f"postgresql: {count:,} payouts in {regions} counties, {vouchers:,} vouchers, {size} with indexes")
    if not args.skip_import:
        _print_import(time_import(held_csv(plan), args.repeat))
    if not args.skip_rules:
        _print_rules(_rules(args.repeat))
        explain_all(OUT / "province-plans.txt")
        print(f"plans: {OUT / 'province-plans.txt'}")


def _shape() -> dict[str, Any]:
    codes, weights = counties()
    return {"counties": codes, "weights": weights, "faulty_every": 50, "held": HELD}


def _print_import(r: dict[str, Any]) -> None:
    runs = ", ".join(f"{t:.2f}" for t in r["import_runs"])
    print(
        f"floor  raw COPY of the held file's CSV ({r['rows']:,} rows, unindexed table): {r['copy_s'] * 1000:7.0f} ms"
    )
    print(
        f"import of the file into the stored year: {r['import_s'] * 1000:7.0f} ms = "
        f"{r['import_s'] / r['copy_s']:.1f}× raw COPY (goal ≤ 3×)  runs {runs}",
        flush=True,
    )
    print(
        "  phases (median s, each from its start to the next's): "
        + "  ".join(f"{k} {v:.2f}" for k, v in r["phases"].items())
    )


def _print_rules(r: dict[str, Any]) -> None:
    floor = r["floor_s"]
    runs = ", ".join(f"{t:.1f}" for t in r["floor_runs"])
    print(f"floor  SUM(xpay_amt) GROUP BY region, month, purpose: {floor:7.2f} s  runs {runs}")
    print(
        f"  shared tables (people, repeats, vouchers) {r['shared_s']:7.2f} s {r['shared_s'] / floor:6.2f}× floor"
    )
    for code, seconds in r["per_rule_s"].items():
        print(f"  {code:24} {seconds:7.2f} s {seconds / floor:6.2f}× floor  {r['found'][code]:>8,} rows")
    runs = ", ".join(f"{t:.1f}" for t in r["whole_runs"])
    whole = r["whole_s"]
    print(f"  all rules {whole:7.2f} s {whole / floor:6.2f}× floor (goal ≤ 10×)  runs {runs}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--payouts", type=int, default=20_000_000)
    parser.add_argument("--vouchers", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432/jiuzhu_bench_province")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--skip-rules", action="store_true")
    parser.add_argument("--skip-import", action="store_true")
    args = parser.parse_args()
    if not args.reuse:
        _fresh_database(args.pg)
    run(args)


def _fresh_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    main()
