"""The payouts feed of the API over the demo year: every payout read once through the cursor, timed.

    JIUZHU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/jz_feed python -m bench.feed [--limit 5000]

The database must hold the demo year (``JIUZHU_DEMO_LEDGER_YEAR=1 jiuzhu demo``, 333,715 payouts and the demo's
faults); a bench system account of the prefecture's finance maker is made once. Printed: the pages' median and
slowest time and memory peak (tracemalloc, every eighth page), the whole read against the floor measured in the
same run (the same rows' ids and 实发 in one bare SQL read), whether every approved payout came exactly once with
Σ实发 equal to the fen, and EXPLAIN ANALYZE of the page query in the middle of the largest batch. This is the
issue's must-show on the whole demo year; the suite shows the same properties on a small year
(tests/api/test_api_county_year.py).
"""

import argparse
import os
import statistics
import time
import tracemalloc
from typing import Any


def _client() -> Any:
    from django.conf import settings
    from django.test import Client

    from jiuzhu.accounts.models import User
    from jiuzhu.api.models import ApiAccount
    from jiuzhu.api.tokens import do_create_account, do_issue_token
    from jiuzhu.regions.models import Region

    settings.JIUZHU_API_RATE_PER_MINUTE = 10**6
    settings.ALLOWED_HOSTS = ["testserver"]
    admin = User.objects.get(username="admin")
    account = ApiAccount.objects.filter(user__username="bench_feed").first() or do_create_account(
        actor=admin,
        username="bench_feed",
        system_name="直达资金监控系统（基准测试）",
        region=Region.objects.get(code="654200"),
        department="finance",
        role="maker",
    )
    token = do_issue_token(actor=admin, account=account, name="bench").token
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def _read(client: Any, limit: int) -> dict[str, Any]:
    from jiuzhu.domain.money import parse_amount

    ids, fen, times, peaks, cursor, middle = [], 0, [], [], None, None
    while True:
        traced = len(times) % 8 == 0
        if traced:
            tracemalloc.start()
        started = time.perf_counter()
        r = client.get("/api/v1/payouts", {"limit": limit, **({"cursor": cursor} if cursor else {})})
        times.append(time.perf_counter() - started)
        if traced:
            peaks.append(tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()
        body = r.json()
        ids += [item["tracking_id"] for item in body["items"]]
        fen += sum(int(parse_amount(item["xpay_amt"]) * 100) for item in body["items"])
        cursor = body["next_cursor"]
        if len(times) == 10:
            middle = cursor
        if not body["has_more"]:
            return {"ids": ids, "fen": fen, "times": times, "peaks": peaks, "middle": middle}


def _floor() -> tuple[float, set[int], int]:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.id, p.xpay_amt FROM ledger_payout p LEFT JOIN ledger_importbatch b ON b.id = p.batch_id "
            "WHERE p.batch_id IS NULL OR b.approved_at IS NOT NULL"
        )
        rows = cursor.fetchall()
    return time.perf_counter() - started, {r[0] for r in rows}, sum(r[1] for r in rows)


def _explain(client: Any, limit: int, cursor: str) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get("/api/v1/payouts", {"limit": limit, "cursor": cursor})
    page = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "ledger_payout"."id"')]
    with connection.cursor() as c:
        c.execute("EXPLAIN (ANALYZE, BUFFERS) " + page[-1])
        return [row[0] for row in c.fetchall()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=5000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuzhu.settings")
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client outside a test run
    client = _client()
    started = time.perf_counter()
    read = _read(client, args.limit)
    whole = time.perf_counter() - started
    floor, expected, total = _floor()
    times = read["times"]
    print(f"{len(read['ids']):,} payouts in {len(times)} pages of {args.limit}: {whole:.1f} s")
    print(f"floor  bare SQL read of the same rows: {floor:.2f} s; the feed = {whole / floor:.0f}× the floor")
    print(
        f"page   median {statistics.median(times) * 1000:.0f} ms, slowest {max(times) * 1000:.0f} ms; "
        f"memory peak median {statistics.median(read['peaks']) / 2**20:.1f} MB, "
        f"largest {max(read['peaks']) / 2**20:.1f} MB"
    )
    once = len(read["ids"]) == len(set(read["ids"])) and set(read["ids"]) == expected
    print(f"every approved payout exactly once: {once}; Σ实发 equal to the fen: {read['fen'] == total}")
    if read["middle"]:
        print("EXPLAIN ANALYZE of the 11th page's query:")
        for line in _explain(client, args.limit, read["middle"]):
            print("   ", line)


if __name__ == "__main__":
    main()
