"""The demo year, loaded once: every payout read through the cursor API exactly once, in bounded memory per
page; 裕民县's 2022-10 exchanged into a database with only the reference data; a tampered manifest refused."""

import io
import tracemalloc
import zipfile
from decimal import Decimal

import pytest
from api_helpers import TokenClient, make_token
from django.db import transaction
from django.db.models import Q, Sum
from django.test import override_settings

from jiuzhu.domain.money import parse_amount

COUNTY = "654225"
PAGE = 5000


def _ledger_totals(user, region):
    from jiuzhu.ledger.selectors import ledger_report

    report = ledger_report(user, region=region, fiscal_year=2022)["regions"]
    return {
        (line["fund"], line["exp_func_code"], line["purpose"]): (
            line["registered"],
            line["paid"],
            line["paid_out"],
        )
        for reg in report
        for line in reg["appropriations"]
    }


def _read_all(client):
    """Every payout through the cursor, page by page: ids, Σ实发 in fen, and the memory peak of every eighth page
    (tracing every page would slow the read several times over)."""
    seen, total_fen, peaks, cursor, pages = set(), 0, [], None, 0
    while True:
        traced = pages % 8 == 0
        if traced:
            tracemalloc.start()
        r = client.get("/api/v1/payouts", {"limit": PAGE, **({"cursor": cursor} if cursor else {})})
        if traced:
            peaks.append(tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()
        assert r.status_code == 200, r.content
        body = r.json()
        for item in body["items"]:
            assert item["tracking_id"] not in seen
            seen.add(item["tracking_id"])
            total_fen += int(parse_amount(item["xpay_amt"]) * 100)
        cursor, pages = body["next_cursor"], pages + 1
        if not body["has_more"]:
            return seen, total_fen, peaks, cursor, pages


@pytest.fixture(scope="module")
def year(django_db_setup, django_db_blocker):
    """Load the demo year, measure what the tests check and export the archive; then roll it all back."""
    from jiuzhu.accounts.models import User
    from jiuzhu.demo.scenario import load_demo
    from jiuzhu.exchange.archive import export_month
    from jiuzhu.ledger.models import Payout
    from jiuzhu.regions.models import Region

    out = {}
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(JIUZHU_DEMO_LEDGER_YEAR=True, JIUZHU_API_RATE_PER_MINUTE=100_000):
            load_demo()
            counted = Payout.objects.filter(Q(batch__isnull=True) | Q(batch__approved_at__isnull=False))
            out["expected"] = (counted.count(), int(counted.aggregate(t=Sum("xpay_amt"))["t"] * 100))
            out["read"] = _read_all(TokenClient(make_token("654200")))
            region = Region.objects.get(code=COUNTY)
            exporter = User.objects.get(username="dq_mz_jb")
            out["archive"] = export_month(actor=exporter, region=region, year=2022, month=10)
            out["source"] = _slice_totals(region, exporter)
        transaction.set_rollback(True)
    return out


def _slice_totals(region, user):
    """What the archive must reproduce: registrations approved by 31 October, the vouchers it carries, October's
    payouts — summed straight from the tables."""
    import datetime

    from jiuzhu.ledger.models import Payment, Payout, RegistrationLine

    october = Payout.objects.filter(region=region, pay_month="10", batch__approved_at__isnull=False)
    vouchers = Payment.objects.filter(region=region, batch__approved_at__isnull=False).filter(
        Q(xpay_date__year=2022, xpay_date__month=10) | Q(pk__in=october.values("payment_id"))
    )
    registered = RegistrationLine.objects.filter(
        appropriation__region=region,
        registration__status="approved",
        registration__registered_on__lte=datetime.date(2022, 10, 31),
    )
    return {
        "registered": registered.aggregate(t=Sum("amount"))["t"],
        "paid": vouchers.aggregate(t=Sum("xpay_amt"))["t"],
        "paid_out": october.aggregate(t=Sum("xpay_amt"))["t"],
        "payouts": october.count(),
    }


def test_cursor_reads_every_payout_once_in_bounded_memory(year):
    count, total_fen = year["expected"]
    seen, read_fen, peaks, _, pages = year["read"]
    assert count > 300_000
    assert len(seen) == count
    assert read_fen == total_fen
    assert pages == -(-count // PAGE)
    # a page costs about the same memory wherever it lies: the last pages no more than the first
    assert max(peaks) < 3 * sorted(peaks)[len(peaks) // 2]
    assert max(peaks) < 40 * 1024 * 1024


@pytest.fixture
def reference(db):
    """An empty database with the same reference data: seed, approval rules and the central fund's plan."""
    from jiuzhu.approvals.services import do_load_default_rules
    from jiuzhu.demo.seed import load_central_plan, load_seed

    load_seed()
    do_load_default_rules()
    load_central_plan()


def test_archive_reproduces_the_county_month(year, reference):
    from jiuzhu.accounts.models import User
    from jiuzhu.approvals import review
    from jiuzhu.exchange.archive import import_month
    from jiuzhu.ledger.models import ImportBatch, Payout, Registration, RegistrationLine
    from jiuzhu.regions.models import Region

    archive = zipfile.ZipFile(io.BytesIO(year["archive"]))
    assert all(
        archive.read(n).startswith("\ufeff".encode()) for n in archive.namelist() if n.endswith(".csv")
    )
    assert archive.read("PAY_DETAIL.csv").decode("utf-8-sig").startswith("pay_cert_no,mof_div_code")
    users = {u.username: u for u in User.objects.all()}
    import_month(actor=users["ymx_cz_jb"], data=year["archive"])
    checkers = [users["ymx_cz_sh"], users["ymx_cz_sh2"]]
    for registration in Registration.objects.order_by("id"):
        for checker in checkers:
            registration.refresh_from_db()
            if registration.status == "submitted":
                review.approve(registration, checker)
    for batch in ImportBatch.objects.order_by("kind"):  # payments before payouts
        for checker in checkers:
            batch.refresh_from_db()
            if batch.approved_at is None:
                review.approve(batch, checker)
    region = Region.objects.get(code=COUNTY)
    source = year["source"]
    registered = RegistrationLine.objects.filter(registration__status="approved").aggregate(t=Sum("amount"))[
        "t"
    ]
    assert registered == source["registered"]
    totals = _ledger_totals(users["ymx_cz_sh"], region)
    assert sum((Decimal(v[1]) for v in totals.values()), Decimal(0)) == source["paid"]
    assert sum((Decimal(v[2]) for v in totals.values()), Decimal(0)) == source["paid_out"]
    assert Payout.objects.count() == source["payouts"]


def _tampered(data: bytes, name: str, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for n in source.namelist():
            target.writestr(n, change(source.read(n)) if n == name else source.read(n))
    return out.getvalue()


def test_a_manifest_that_disagrees_is_refused_with_nothing_stored(year, reference):
    from jiuzhu.accounts.models import User
    from jiuzhu.core.errors import InvalidInput
    from jiuzhu.exchange.archive import import_month
    from jiuzhu.ledger.models import ImportBatch, Payment, Payout, Registration

    maker = User.objects.get(username="ymx_cz_jb")
    edited_row = _tampered(year["archive"], "PAY_DETAIL.csv", lambda b: b.replace(b",01,", b",02,", 1))
    wrong_total = _tampered(
        year["archive"],
        "manifest.json",
        lambda b: b.replace(b'"xpay_amt": "', b'"xpay_amt": "1', 1),
    )
    for data, code in ((edited_row, "HASH_MISMATCH"), (wrong_total, "TOTAL_MISMATCH")):
        with pytest.raises(InvalidInput) as refused:
            import_month(actor=maker, data=data)
        assert code in {p.code for p in refused.value.problems}
        assert (Registration.objects.count(), Payment.objects.count(), Payout.objects.count()) == (
            0,
            0,
            0,
        )
        assert ImportBatch.objects.count() == 0
