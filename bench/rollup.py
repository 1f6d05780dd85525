"""Roll-up benchmark: the monitoring rules on Spark over an exported period, against one grouped scan on Spark.

    python -m bench.rollup [--payouts 200000] [--vouchers 10000] [--repeat 3] [--master local[2]]

A fresh SQLite database is migrated and filled by ``bench.monitoring``'s set-based builder (seven counties,
approved registrations and vouchers, N payouts of people paid monthly), the prefecture's year is exported
(``jiuzhu.rollup.export``, timed), and on Spark, after one warm-up query, timed as the median of R runs: the
floor ``SELECT region_id, pay_month, purpose, SUM(xpay_amt) … GROUP BY`` over the payouts' Parquet; each rule
alone; the whole rule set one rule after the other. Printed: seconds, rows per second, the rule set's ratio to
the floor, and the per-row cost the projection in ``bench/README.md`` starts from.
"""

import argparse
import datetime
import os
import pathlib
import shutil
import time
from typing import Any

from bench.monitoring import FLOOR, median_time

DATABASE = pathlib.Path("var/bench-rollup.sqlite3")
OUT = pathlib.Path("var/bench-rollup")


def _prepare(payouts: int, vouchers: int) -> tuple[dict[str, Any], float, float]:
    DATABASE.unlink(missing_ok=True)
    os.environ["JIUZHU_DATABASE_URL"] = f"sqlite:///{DATABASE}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuzhu.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from bench.monitoring import _build
    from jiuzhu.regions.models import Region
    from jiuzhu.rollup.export import export_period
    from jiuzhu.rollup.period import ALL_MONTHS

    settings.JIUZHU_MONITORING_AUTORUN = False
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    _build(payouts, vouchers)
    built = time.perf_counter() - started
    shutil.rmtree(OUT, ignore_errors=True)
    started = time.perf_counter()
    region = Region.objects.get(code="654200")
    manifest = export_period(region, 2022, ALL_MONTHS, OUT, as_of=datetime.date(2022, 12, 31))
    return manifest, built, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--payouts", type=int, default=200_000)
    parser.add_argument("--vouchers", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--master", default="local[2]")
    args = parser.parse_args()
    manifest, built, exported = _prepare(args.payouts, args.vouchers)
    from jiuzhu.rollup import spark
    from jiuzhu.rollup.export import rule_params
    from jiuzhu.rollup.sql import spark_sql

    rows = manifest["tables"]["ledger_payout"]["rows"]
    size = sum((OUT / e["file"]).stat().st_size for e in manifest["tables"].values())
    print(
        f"{rows:,} payouts, {manifest['tables']['ledger_payment']['rows']:,} vouchers; built in {built:.1f} s"
    )
    print(f"export: {exported:.1f} s, {rows / exported:,.0f} payouts/s, {size / 1e6:.1f} MB of Parquet")
    started = time.perf_counter()
    session = spark.session(args.master, conf={"spark.sql.shuffle.partitions": "4"})
    print(f"Spark {session.version} {args.master}: session in {time.perf_counter() - started:.1f} s")
    spark.register(session, str(OUT.resolve()), manifest)
    params = rule_params(manifest)
    session.sql(FLOOR).collect()  # warm-up: the JVM compiles the scan once
    floor, runs = median_time(lambda: session.sql(FLOOR).collect(), args.repeat)
    print(
        f"floor  grouped scan of the payouts: {floor:7.2f} s {rows / floor:>12,.0f} rows/s   runs: {_runs(runs)}"
    )
    total = 0.0
    for code in manifest["rules"]:
        sql = spark_sql(code, params)
        median, runs = median_time(lambda sql=sql: session.sql(sql).collect(), args.repeat)
        total += median
        print(f"  {code:<24} {median:7.2f} s = {median / floor:5.1f}× floor   runs: {_runs(runs)}")
    whole, runs = median_time(
        lambda: spark.run_rules(session, manifest["rules"], params, parallel=1), args.repeat
    )
    print(
        f"rule set ({len(manifest['rules'])} rules, one after the other): {whole:.2f} s = {whole / floor:.1f}× floor"
    )
    print(f"         runs: {_runs(runs)}; sum of the per-rule medians {total:.2f} s")
    print(
        f"per payout row: floor {floor / rows * 1e6:.2f} µs, rule set {whole / rows * 1e6:.2f} µs (one JVM, {args.master})"
    )
    session.stop()


def _runs(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


if __name__ == "__main__":
    main()
