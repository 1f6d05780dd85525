"""资金溯源 page benchmark: the prefecture's page down from a notice over the demo year, as its checker.

    JIUZHU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/trace_db python -m bench.trace [--repeat 7]

Expects a database holding the demo year (``jiuzhu migrate && jiuzhu demo``; 333,715 payouts). Times the whole
request (session, selectors, template) through Django's test client for 塔地财社〔2022〕5号 (the central fund,
most payouts) and 8号, and the grouped payout query alone; prints the median, the best and the query count.
"""

import argparse
import os
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--user", default="dq_cz_sh")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuzhu.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from jiuzhu.accounts.models import User
    from jiuzhu.allocation.models import Plan
    from jiuzhu.ledger.models import Payout

    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    client.force_login(User.objects.get(username=args.user))
    print(f"{connection.vendor}: {Payout.objects.count():,} payouts, as {args.user}")
    for doc_no in ("塔地财社〔2022〕5号", "塔地财社〔2022〕8号"):
        url = f"/trace/plans/{Plan.objects.get(doc_no=doc_no).pk}/"
        client.get(url, secure=True)  # warm
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, secure=True)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        print(
            f"{doc_no}: median {statistics.median(times):.0f} ms, best {min(times):.0f} ms, "
            f"{len(queries)} queries, {len(response.content):,} bytes"
        )


if __name__ == "__main__":
    main()
