"""Sync and exchange on a small real year: 额敏县's and 裕民县's year of the seed fund, built by the demo year's own
steps (about 3,900 payouts in four approved batches, one of them approved after a later one, and a payout that
came without a batch). Every payout is read through the cursor API exactly once, totals to the fen, each page in
bounded memory; 裕民县's 2022-10 is exchanged into a database with only the reference data and reproduces its
ledger; a manifest that disagrees with its files is refused with nothing stored.

The properties do not depend on the table's size (a page is one index range scan; bench/README.md has the
PostgreSQL plans on the demo year's 333,715 payouts), so the pages are made small instead of the data large:
40-odd pages instead of 67 of 5,000 rows.
"""

import datetime
import io
import tracemalloc
import zipfile
from decimal import Decimal

import pytest
from api_helpers import (
    YUMIN,
    TokenClient,
    ledger_rows,
    make_token,
    payout_row,
    valid_id,
    voucher_row,
)
from django.db import transaction
from django.db.models import Q, Sum
from django.test import override_settings

from jiuzhu.domain.money import parse_amount

EMIN = "654221"
PAGE = 100
#: Every test of the module in pytest-django's database group, so that they run together and the module's year
#: is built once (a test without the marker is ordered after every database test of the run).
pytestmark = pytest.mark.django_db


def _ledger_totals(user, region):
    from jiuzhu.ledger.selectors import ledger_report

    report = ledger_report(user, region=region, fiscal_year=2022)["regions"]
    return {
        (line["fund"], line["exp_func_code"], line["purpose"]): (line["paid"], line["paid_out"])
        for reg in report
        for line in reg["appropriations"]
    }


def _read_all(client):
    """Every payout through the cursor, page by page: ids in the order read, Σ实发 in fen, the number of pages
    and the memory peak of every third page (tracing every page doubles the module's time)."""
    seen, total_fen, peaks, cursor, pages = [], 0, [], None, 0
    while True:
        traced = pages % 3 == 0
        if traced:
            tracemalloc.start()
        r = client.get("/api/v1/payouts", {"limit": PAGE, **({"cursor": cursor} if cursor else {})})
        if traced:
            peaks.append(tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()
        assert r.status_code == 200, r.content
        body = r.json()
        assert len(body["items"]) <= PAGE
        seen += [item["tracking_id"] for item in body["items"]]
        total_fen += sum(int(parse_amount(item["xpay_amt"]) * 100) for item in body["items"])
        cursor, pages = body["next_cursor"], pages + 1
        if not body["has_more"]:
            return {"seen": seen, "fen": total_fen, "peaks": peaks, "cursor": cursor, "pages": pages}


def _waiting_batch(client, users, voucher: str, serial: int):
    """A new voucher of 裕民县 (approved) and a payout batch of two rows on it, left waiting for its checker."""
    from jiuzhu.approvals import review
    from jiuzhu.ledger.models import ImportBatch

    body = {"mof_div_code": "654225000", "rows": [voucher_row(voucher, "600.00")]}
    r = client.post_json("/api/v1/payment-vouchers", body, key=f"v{voucher}")
    assert r.status_code == 201, r.content
    review.approve(ImportBatch.objects.get(pk=r.json()["batch_id"]), users["ymx_cz_sh"])
    rows = [
        {**payout_row(serial + n, "300.00"), "pay_cert_no": voucher, "iden_no": valid_id(serial=serial + n)}
        for n in range(2)
    ]
    r = client.post_json("/api/v1/payout-batches", {"mof_div_code": "654225000", "rows": rows}, key=voucher)
    assert r.status_code == 201, r.content
    return ImportBatch.objects.get(pk=r.json()["batch_id"])


def _late_batch(client, users):
    """A payout batch imported first and approved last (its ids lie below those of the one approved before it):
    read by id, a reader that went past those ids would never see it; the feed goes by approval."""
    from jiuzhu.approvals import review

    late = _waiting_batch(client, users, "SYNC-LATE", 900)
    early = _waiting_batch(client, users, "SYNC-EARLY", 910)
    review.approve(early, users["ymx_cz_sh"])
    review.approve(late, users["ymx_cz_sh"])
    return late


def _unbatched_payout():
    """A payout that reached the ledger without a batch (the demo's faults come this way): the feed's first stage."""
    from jiuzhu.demo.faults import demo_only_insert_fault_payouts
    from jiuzhu.ledger.actors import SystemActor
    from jiuzhu.ledger.models import Payout

    original = Payout.objects.filter(region__code=EMIN).order_by("id").first()
    fields = {f.name: getattr(original, f.name) for f in Payout._meta.fields if f.name not in ("id", "batch")}
    demo_only_insert_fault_payouts(
        actor=SystemActor(username="system:test", is_demo_loader=True),
        payouts=[{**fields, "add_word": "测试：无批次"}],
        reason="测试：无批次的发放",
    )


@pytest.fixture(scope="module")
def year(django_db_setup, django_db_blocker):
    """Build the two counties' year, read it, export 裕民县's October; then roll it all back."""
    from jiuzhu.accounts.models import User
    from jiuzhu.approvals.services import do_load_default_rules
    from jiuzhu.demo.ledger_year import load_region_year
    from jiuzhu.demo.seed import load_seed
    from jiuzhu.exchange.archive import export_month
    from jiuzhu.ledger.models import Payout
    from jiuzhu.regions.models import Region

    out = {}
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(JIUZHU_API_RATE_PER_MINUTE=100_000):
            load_seed()
            do_load_default_rules()
            users = {u.username: u for u in User.objects.all()}
            for code in (EMIN, YUMIN):
                load_region_year(code)
            yumin = TokenClient(make_token(YUMIN))
            out["late"] = _late_batch(yumin, users).pk
            _unbatched_payout()
            counted = Payout.objects.filter(Q(batch__isnull=True) | Q(batch__approved_at__isnull=False))
            out["expected"] = {
                "ids": set(counted.values_list("id", flat=True)),
                "fen": int(counted.aggregate(t=Sum("xpay_amt"))["t"] * 100),
                "unbatched": set(counted.filter(batch__isnull=True).values_list("id", flat=True)),
                "late": set(counted.filter(batch_id=out["late"]).values_list("id", flat=True)),
                "batches": counted.values("batch_id").distinct().count(),
            }
            prefecture = TokenClient(make_token("654200"))
            out["read"] = _read_all(prefecture)
            out["since"] = _approved_since(prefecture, out["read"]["cursor"], yumin, users)
            region = Region.objects.get(code=YUMIN)
            exporter = users["dq_mz_jb"]
            out["archive"] = export_month(actor=exporter, region=region, year=2022, month=10)
            out["source"] = _slice_totals(region)
        transaction.set_rollback(True)
    return out


def _approved_since(reader, cursor, yumin, users):
    """The monitoring system keeps the last cursor; a batch is approved; asking again returns just its rows."""
    from jiuzhu.approvals import review

    again = reader.get("/api/v1/payouts", {"limit": PAGE, "cursor": cursor}).json()
    assert again["items"] == [] and not again["has_more"]
    batch = _waiting_batch(yumin, users, "SYNC-NEXT", 920)
    waiting = reader.get("/api/v1/payouts", {"limit": PAGE, "cursor": cursor}).json()
    review.approve(batch, users["ymx_cz_sh"])
    body = reader.get("/api/v1/payouts", {"limit": PAGE, "cursor": cursor}).json()
    return {
        "waiting": [i["tracking_id"] for i in waiting["items"]],
        "read": [i["tracking_id"] for i in body["items"]],
        "batch": sorted(batch.payouts.values_list("id", flat=True)),
    }


def _slice_totals(region):
    """What the archive must reproduce: registrations approved by 31 October, the vouchers it carries, October's
    payouts — summed straight from the tables."""
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
        "vouchers": vouchers.count(),
    }


def test_the_year_is_large_enough_to_page_through(year):
    expected = year["expected"]
    assert len(expected["ids"]) > 3000
    assert expected["batches"] >= 5  # four imported batches of payouts and the rows without one
    assert len(expected["unbatched"]) == 1 and len(expected["late"]) == 2
    assert year["read"]["pages"] > 30


def test_cursor_reads_every_payout_once_in_bounded_memory(year):
    expected = year["expected"]
    read = year["read"]
    seen, read_fen, peaks = read["seen"], read["fen"], read["peaks"]
    assert len(seen) == len(set(seen))  # nothing twice
    assert set(seen) == expected["ids"]  # nothing missing
    assert read_fen == expected["fen"]
    assert read["pages"] == -(-len(seen) // PAGE) and len(peaks) > 10
    # the rows without a batch come first; the batch approved last comes last although its ids are lower
    assert set(seen[: len(expected["unbatched"])]) == expected["unbatched"]
    assert set(seen[-len(expected["late"]) :]) == expected["late"]
    assert max(expected["late"]) < max(seen[:-2])
    # a page costs about the same memory wherever it lies: the last pages no more than the first
    full = sorted(peaks[:-1])  # the last traced page may be the short last one
    assert max(full) < 2 * full[len(full) // 2]
    assert max(peaks) < 8 * 1024 * 1024


def test_asking_again_later_returns_only_what_was_approved_since(year):
    since = year["since"]
    assert since["waiting"] == []  # a batch waiting for its checker is not in the feed
    assert since["read"] == since["batch"] and len(since["read"]) == 2


def approve_everything(users) -> None:
    """裕民县's checkers approve what the import left waiting: registrations, then payments before payouts."""
    from jiuzhu.approvals import review
    from jiuzhu.ledger.models import ImportBatch, Registration

    checkers = [users["ymx_cz_sh"], users["ymx_cz_sh2"]]
    for registration in Registration.objects.order_by("id"):
        for checker in checkers:
            registration.refresh_from_db()
            if registration.status == "submitted":
                review.approve(registration, checker)
    for batch in ImportBatch.objects.order_by("kind"):
        for checker in checkers:
            batch.refresh_from_db()
            if batch.approved_at is None:
                review.approve(batch, checker)


def test_archive_reproduces_the_county_month(year, reference):
    from jiuzhu.accounts.models import User
    from jiuzhu.exchange.archive import import_month
    from jiuzhu.ledger.models import Payment, Payout, RegistrationLine
    from jiuzhu.regions.models import Region

    archive = zipfile.ZipFile(io.BytesIO(year["archive"]))
    assert all(
        archive.read(n).startswith("\ufeff".encode()) for n in archive.namelist() if n.endswith(".csv")
    )
    assert archive.read("PAY_DETAIL.csv").decode("utf-8-sig").startswith("pay_cert_no,mof_div_code")
    users = {u.username: u for u in User.objects.all()}
    import_month(actor=users["ymx_cz_jb"], data=year["archive"])
    approve_everything(users)
    source = year["source"]
    assert source["payouts"] > 200 and source["vouchers"] >= 4
    registered = RegistrationLine.objects.filter(registration__status="approved").aggregate(t=Sum("amount"))
    assert registered["t"] == source["registered"]
    totals = _ledger_totals(users["ymx_cz_sh"], Region.objects.get(code=YUMIN))
    assert sum((Decimal(v[0]) for v in totals.values()), Decimal(0)) == source["paid"]
    assert sum((Decimal(v[1]) for v in totals.values()), Decimal(0)) == source["paid_out"]
    assert (Payout.objects.count(), Payment.objects.count()) == (source["payouts"], source["vouchers"])


def tampered(data: bytes, name: str, change) -> bytes:
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

    maker = User.objects.get(username="ymx_cz_jb")
    edited_row = tampered(year["archive"], "PAY_DETAIL.csv", lambda b: b.replace(b",01,", b",02,", 1))
    wrong_total = tampered(
        year["archive"], "manifest.json", lambda b: b.replace(b'"xpay_amt": "', b'"xpay_amt": "1', 1)
    )
    wrong_rows = tampered(year["archive"], "manifest.json", lambda b: b.replace(b'"rows": ', b'"rows": 1', 1))
    cases = ((edited_row, "HASH_MISMATCH"), (wrong_total, "TOTAL_MISMATCH"), (wrong_rows, "ROWS_MISMATCH"))
    for data, code in cases:
        assert data != year["archive"]
        with pytest.raises(InvalidInput) as refused:
            import_month(actor=maker, data=data)
        assert code in {p.code for p in refused.value.problems}
        assert ledger_rows() == (0, 0, 0, 0)
