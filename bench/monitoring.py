"""Monitoring rules benchmark: every rule over N payouts and M vouchers, against one grouped scan.

    python -m bench.monitoring [--payouts 1000000] [--vouchers 50000] [--repeat 3] [--only postgresql|sqlite]
                               [--pg postgres://postgres@127.0.0.1:5432/jiuzhu_bench_monitoring]

Each database runs in its own process (``--worker``): a fresh database is migrated, the seed foundation loaded,
then the data written set-based (not through the importer, which ``bench/__main__.py`` measures): per county
and purpose one appropriation with an approved registration, M approved vouchers spread over the counties,
purposes and months, N payouts spread over the vouchers (people with valid GB 11643 IDs, each paid once a month).
Timed, median of R: the floor ``SELECT region_id, pay_month, purpose, SUM(xpay_amt) … GROUP BY`` over all payouts;
each rule's query; the whole rule set; and a scoped re-run (``do_run`` of one county and year, reconciling the
findings) as after that county's monthly file.
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

SQLITE = "sqlite:///var/bench-monitoring.sqlite3"
COUNTIES = ["654201", "654221", "654202", "654203", "654224", "654225", "654226"]
PURPOSES = ["dibao", "tekun", "linshi", "liulang", "guer"]
CODES = {"dibao": "2081902", "tekun": "2082102", "linshi": "2082001", "liulang": "2082002", "guer": "2081001"}


def _median(fn: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _build(payouts: int, vouchers: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from jiuzhu.demo.seed import load_seed
    from jiuzhu.funds.models import Fund
    from jiuzhu.ledger.models import Appropriation, ImportBatch, Movement, Registration, RegistrationLine
    from jiuzhu.regions.models import Region

    load_seed()
    fund = Fund.objects.get(fiscal_year=2022, source_label="自治区")
    now = timezone.now()
    with transaction.atomic():
        appropriations = {}
        for code in COUNTIES:
            region = Region.objects.get(code=code)
            movement = Movement.objects.filter(region=region, fund=fund, kind="issue").first()
            assert movement is not None
            registration = Registration.objects.create(
                movement=movement,
                cor_bgt_doc_no=f"BENCH-{code}",
                registered_on=datetime.date(2022, 2, 1),
                registered_by_id=1,
                status="approved",
                approved_at=now,
            )
            for purpose in PURPOSES:
                a = Appropriation.objects.create(
                    bgt_id=f"BENCH-{code}-{purpose}",
                    region=region,
                    fund=fund,
                    fiscal_year=2022,
                    exp_func_code=CODES[purpose],
                    purpose=purpose,
                    cor_bgt_doc_no=f"BENCH-{code}",
                    income_code=fund.income_code,
                    direct_fund_tag="01",
                )
                RegistrationLine.objects.create(registration=registration, appropriation=a, amount=10**12)
                appropriations[(code, purpose)] = a
            for kind, filename, sha256 in (
                ("payments", f"bench-{code}", f"bench-pay-{code}"),
                ("payouts", f"bench-d-{code}", f"bench-d-{code}"),
            ):
                ImportBatch.objects.create(
                    kind=kind,
                    region=region,
                    filename=filename,
                    sha256=sha256,
                    size=0,
                    stored_path="",
                    status="done",
                    review_status="approved",
                    approved_at=now,
                    created_by="bench",
                    fiscal_year=2022,
                )
        batches = {
            (b.region.code, b.kind): b.pk for b in ImportBatch.objects.filter(sha256__startswith="bench-")
        }
        per_voucher = max(payouts // vouchers, 1)
        with connection.cursor() as cursor:
            rows = []
            for v in range(vouchers):
                code, purpose, month = COUNTIES[v % 7], PURPOSES[(v // 7) % 4], (v // 28) % 12 + 1
                a = appropriations[(code, purpose)]
                amount = per_voucher * 60000
                rows.append(
                    (
                        v + 1,
                        a.region_id,
                        a.pk,
                        batches[(code, "payments")],
                        2022,
                        f"BV{v:07d}",
                        a.exp_func_code,
                        amount,
                        amount,
                        f"2022-{month:02d}-20",
                        "一卡通代发户",
                        "",
                        "",
                        "01",
                        1,
                    )
                )
            cursor.executemany(
                "INSERT INTO ledger_payment (id, region_id, appropriation_id, batch_id, fiscal_year, pay_cert_no,"
                " exp_func_code, pay_amt, xpay_amt, xpay_date, payee_acct_name, pro_code, use_des,"
                " direct_fund_tag, row_no) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                rows,
            )
            ids: dict[tuple[str, int], str] = {}
            chunk = []
            columns = (
                "id, region_id, payment_id, batch_id, fiscal_year, purpose, row_no, pay_cert_no, per_name,"
                " iden_type, iden_no, to_peop_family, pay_amt, xpay_amt, pay_month"
            )
            insert = f"INSERT INTO ledger_payout ({columns}) VALUES ({', '.join(['%s'] * 15)})"
            n = 0
            for v in range(vouchers):
                code, purpose, month = COUNTIES[v % 7], PURPOSES[(v // 7) % 4], (v // 28) % 12 + 1
                region_id = appropriations[(code, purpose)].region_id
                for k in range(per_voucher):
                    person = (v // 336) * per_voucher + k  # the same people each month of a county-purpose
                    iden = ids.get((code, person)) or ids.setdefault((code, person), _iden(code, person))
                    n += 1
                    chunk.append(
                        (
                            n,
                            region_id,
                            v + 1,
                            batches[(code, "payouts")],
                            2022,
                            purpose,
                            n,
                            f"BV{v:07d}",
                            "某",
                            "01",
                            iden,
                            "01",
                            60000,
                            60000,
                            f"{month:02d}",
                        )
                    )
                    if len(chunk) == 20000:
                        cursor.executemany(insert, chunk)
                        chunk = []
            if chunk:
                cursor.executemany(insert, chunk)
            if connection.vendor == "postgresql":
                cursor.execute("ANALYZE")


def _iden(code: str, person: int) -> str:
    from jiuzhu.domain.identity import with_check_digit

    birth = datetime.date(1940, 1, 1) + datetime.timedelta(days=person // 1000)
    return with_check_digit(f"{code}{birth:%Y%m%d}{person % 1000:03d}")


def worker(url: str, payouts: int, vouchers: int, repeat: int) -> dict[str, Any]:
    os.environ["JIUZHU_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuzhu.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.JIUZHU_MONITORING_AUTORUN = False
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    _build(payouts, vouchers)
    built = time.perf_counter() - started
    from jiuzhu.domain.monitoring_rules import REGISTRY
    from jiuzhu.ledger.actors import SystemActor
    from jiuzhu.monitoring import engine
    from jiuzhu.monitoring.services import do_run
    from jiuzhu.regions.models import Region

    def floor() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT region_id, pay_month, purpose, SUM(xpay_amt) FROM ledger_payout"
                " GROUP BY region_id, pay_month, purpose"
            )
            cursor.fetchall()

    root = Region.objects.get(level="province")
    params = engine.Params(year=2022, as_of=datetime.date(2022, 12, 31), path=root.path)
    per_rule = {code: _median(lambda c=code: engine.evaluate(c, params), repeat) for code in REGISTRY}
    whole = _median(lambda: [engine.evaluate(c, params) for c in REGISTRY], repeat)
    county = Region.objects.get(code="654225")
    do_run(actor=SystemActor(), fiscal_year=2022, region=county)  # the findings exist once
    scoped = _median(lambda: do_run(actor=SystemActor(), fiscal_year=2022, region=county), repeat)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM ledger_payout")
        (count,) = cursor.fetchone()
    return {
        "vendor": connection.vendor,
        "payouts": count,
        "built_s": round(built, 1),
        "floor_s": _median(floor, repeat),
        "per_rule_s": per_rule,
        "whole_s": whole,
        "county_rerun_s": scoped,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--payouts", type=int, default=1_000_000)
    parser.add_argument("--vouchers", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432/jiuzhu_bench_monitoring")
    parser.add_argument("--only", choices=["postgresql", "sqlite"])
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.payouts, args.vouchers, args.repeat)))
        return
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    targets = {"postgresql": args.pg, "sqlite": SQLITE}
    for vendor, url in targets.items():
        if args.only and vendor != args.only:
            continue
        _fresh(vendor, url)
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.monitoring",
                "--worker",
                url,
                "--payouts",
                str(args.payouts),
                "--vouchers",
                str(args.vouchers),
                "--repeat",
                str(args.repeat),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
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


def report(r: dict[str, Any], repeat: int) -> None:
    floor = r["floor_s"]
    print(f"{r['vendor']}: {r['payouts']:,} payouts (built in {r['built_s']} s), median of {repeat}")
    print(f"  floor  SUM(xpay_amt) GROUP BY region, month, purpose: {floor * 1000:8.1f} ms")
    for code, seconds in r["per_rule_s"].items():
        print(f"  {code:24s} {seconds * 1000:8.1f} ms  {seconds / floor:5.2f}× floor")
    print(
        f"  all rules                 {r['whole_s'] * 1000:8.1f} ms  {r['whole_s'] / floor:5.2f}× floor (goal ≤ 10×)"
    )
    print(
        f"  re-run of one county (do_run, reconcile): {r['county_rerun_s'] * 1000:.1f} ms (goal ≤ 1 s on PostgreSQL)"
    )


if __name__ == "__main__":
    main()
