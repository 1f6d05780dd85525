"""The chain over the demo year (loaded once for the module, rolled back at its end): every county and fund
attests to the fen with tag 01, a payout above its voucher is named with its rows, and a person's payout
leads up to the prefecture's notices with their dates."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from trace_helpers import insert_loose_payout

from jiuzhu.accounts.models import User
from jiuzhu.allocation.models import Plan
from jiuzhu.demo.faults import FAULT_VOUCHER
from jiuzhu.domain.identity import mask
from jiuzhu.funds.models import Fund
from jiuzhu.ledger.actors import SystemActor
from jiuzhu.ledger.models import Payment, Payout
from jiuzhu.regions.models import Region
from jiuzhu.trace.attest import attestation

COUNTIES = ["654200", "654201", "654202", "654203", "654221", "654224", "654225", "654226"]


@pytest.fixture(scope="module")
def demo_year(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        # the ledger's year with its own two payout faults, without monitoring's deliberate chain breaks
        with override_settings(JIUZHU_DEMO_LEDGER_YEAR=True, JIUZHU_DEMO_MONITORING_FAULTS=False):
            call_command("demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def funds(demo_year, db):
    return {
        f.source_label: f for f in Fund.objects.filter(fiscal_year=2022).select_related("direct_fund_tag")
    }


def _attest(code, fund):
    return attestation(SystemActor(), region=Region.objects.get(code=code), fund=fund, fiscal_year=2022)


def test_every_county_and_fund_balances_to_the_fen_with_tag_01(funds):
    totals = {}
    for label, fund in funds.items():
        for code in COUNTIES:
            report = _attest(code, fund)
            assert report["balanced"], (code, label, report["breaks"][:3])
            assert all(c["passed"] for c in report["checks"])
            assert report["tags"] == ["01"]
            received, registered, paid, paid_out = report["levels"]
            assert registered["difference"] == "0.00" and received["amount"] == registered["amount"]
            # each difference is the level above less this level, to the fen
            assert Decimal(paid["difference"]) == Decimal(registered["amount"]) - Decimal(paid["amount"])
            assert Decimal(paid_out["difference"]) == Decimal(paid["amount"]) - Decimal(paid_out["amount"])
            assert Decimal(paid_out["difference"]) >= 0
        prefecture = _attest("654200", fund)
        totals[label] = prefecture["levels"][0]["amount"]
        assert {r["mof_div_code"] for r in prefecture["regions"]} == {f"{c}000" for c in COUNTIES}
        for i in range(4):  # the prefecture's figures are its regions' figures added up
            assert Decimal(prefecture["levels"][i]["amount"]) == sum(
                Decimal(r["levels"][i]["amount"]) for r in prefecture["regions"]
            )
    assert totals == {"自治区": "4130000.00", "中央": "250000000.00"}
    assert _attest("654225", funds["自治区"])["levels"][0]["amount"] == "2560000.00"  # 裕民县 after 82号


def test_a_payout_above_its_voucher_is_named_with_its_rows(funds):
    voucher = Payment.objects.get(pay_cert_no=FAULT_VOUCHER)
    paid_out = sum(d.xpay_amt for d in Payout.objects.filter(payment=voucher))
    over = voucher.xpay_amt - paid_out + Decimal("0.01")  # one fen beyond the voucher
    template = Payout.objects.filter(payment=voucher, batch__isnull=False).first()
    insert_loose_payout(
        template,
        "演示故障：发放超出支付凭证",
        per_name="演示超凭证",
        iden_no="654201195506061234",
        pay_amt=over,
        xpay_amt=over,
        add_word="演示：超出支付凭证",
    )
    report = _attest("654201", funds["自治区"])
    assert not report["balanced"]
    (found,) = report["breaks"]
    assert found["code"] == "PAID_OUT_WITHIN_VOUCHER"
    assert found["numbers"] == {
        "paid": str(voucher.xpay_amt),
        "paid_out": str(voucher.xpay_amt + Decimal("0.01")),
    }
    assert found["rows"][0] == FAULT_VOUCHER
    assert "超过实际支付金额" in found["message"] and "0.01元" in found["message"]
    named = " ".join(found["rows"][1:])
    assert "演示超凭证" in named and mask("654201195506061234") in named and "654201195506061234" not in named
    assert {c["code"]: c["passed"] for c in report["checks"]} == {
        "REGISTERED_AS_RECEIVED": True,
        "PAID_WITHIN_REGISTERED": True,
        "PAID_OUT_WITHIN_VOUCHER": False,
        "TAG_UNCHANGED": True,
        "DATES_IN_ORDER": True,
    }
    assert _attest("654225", funds["自治区"])["balanced"]  # another county is untouched


def test_a_persons_payout_leads_up_to_the_notices(funds, client):
    client.force_login(User.objects.get(username="ymx_cz_jb"))
    seed = Payout.objects.filter(region__code="654225", pay_cert_no__startswith="ZF", batch__isnull=False)
    payout = seed.order_by("pay_cert_no", "row_no").first()
    page = client.get(reverse("trace:payout", args=[payout.pk]), secure=True).content.decode()
    assert mask(payout.iden_no) in page and payout.iden_no not in page
    assert payout.payment.pay_cert_no in page
    for doc_no, date in (("塔地财社〔2022〕8号", "2022-01-20"), ("塔地财社〔2022〕82号", "2022-10-31")):
        plan = Plan.objects.get(doc_no=doc_no)
        assert doc_no in page and plan.doc_date.isoformat() in page and date in page
    assert "塔地财社〔2022〕5号" not in page  # the central fund's notice did not pay this person
    assert "超期 15 天" in page  # 裕民县 registered the 82号 increase 45 days after receipt
    central = Payout.objects.filter(region__code="654225", pay_cert_no__startswith="ZC").first()
    page = client.get(reverse("trace:payout", args=[central.pk]), secure=True).content.decode()
    assert "塔地财社〔2022〕5号" in page and "塔地财社〔2022〕8号" not in page
    other = Payout.objects.filter(region__code="654221").first()
    assert client.get(reverse("trace:payout", args=[other.pk]), secure=True).status_code == 404


def test_the_plan_page_reads_each_level_once_and_a_county_sees_only_itself(
    funds, client, django_assert_max_num_queries
):
    plan = Plan.objects.get(doc_no="塔地财社〔2022〕5号")
    client.force_login(User.objects.get(username="dq_cz_sh"))
    with django_assert_max_num_queries(20):
        whole = client.get(reverse("trace:plan", args=[plan.pk]), secure=True).content.decode()
    assert whole.count('class="card county"') == 8 and "未发放" in whole
    client.force_login(User.objects.get(username="ymx_cz_jb"))
    with django_assert_max_num_queries(20):
        own = client.get(reverse("trace:plan", args=[plan.pk]), secure=True).content.decode()
    assert own.count('class="card county"') == 1 and "裕民县" in own and "额敏县" not in own


def test_the_attest_command_writes_json_and_pdf(funds, tmp_path):
    from jiuzhu.audit.models import AuditRecord
    from jiuzhu.documents.extract import extract_text

    out = io.StringIO()
    call_command(
        "trace_attest",
        "--region",
        "654225",
        "--fund",
        "自治区",
        "--year",
        "2022",
        "--out",
        str(tmp_path / "a.json"),
        stdout=out,
    )
    assert "逐级相符" in out.getvalue()
    report = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    last = AuditRecord.objects.order_by("-id").first()
    assert report["audit_head"]["seq"] == last.pk and report["audit_head"]["hash"] == last.hash
    assert report["levels"][0] == {
        "level": "接收",
        "amount": "2560000.00",
        "difference": None,
        "difference_label": "",
    }
    call_command(
        "trace_attest",
        "--region",
        "654225",
        "--fund",
        "自治区",
        "--year",
        "2022",
        "--out",
        str(tmp_path / "a.pdf"),
        stdout=io.StringIO(),
    )
    text = extract_text((tmp_path / "a.pdf").read_bytes())
    assert "资金溯源证明" in text and "2560000.00" in text and last.hash[:16] in text.replace("\n", "")


def _feed_client():
    """The monitoring system's account at the prefecture (finance, maker) and a client that sends its token."""
    from django.test import Client

    from jiuzhu.api.tokens import do_create_account, do_issue_token

    admin = User.objects.get(username="admin")
    account = do_create_account(
        actor=admin,
        username="sys_feed_654200",
        system_name="直达资金监控系统",
        region=Region.objects.get(code="654200"),
        department="finance",
        role="maker",
    )
    return Client(
        HTTP_AUTHORIZATION=f"Bearer {do_issue_token(actor=admin, account=account, name='同步').token}"
    )


@override_settings(JIUZHU_API_RATE_PER_MINUTE=100_000)
def test_the_cursor_api_reads_every_payout_of_the_demo_year_once(funds):
    """Issue 19's must-show on the whole demo year (67 pages of 5,000): each counted payout exactly once, Σ实发
    equal to the ledger's to the fen, and a page's memory bounded by the page, not by the year."""
    import tracemalloc

    from django.db.models import Q, Sum

    from jiuzhu.domain.money import parse_amount

    counted = Payout.objects.filter(Q(batch__isnull=True) | Q(batch__approved_at__isnull=False))
    expected_fen = int(counted.aggregate(t=Sum("xpay_amt"))["t"] * 100)
    client, seen, fen, peaks, cursor = _feed_client(), [], 0, [], None
    while True:
        traced = len(peaks) * 8 <= len(seen) // 5000  # every eighth page: tracing doubles a page's time
        if traced:
            tracemalloc.start()
        r = client.get("/api/v1/payouts", {"limit": 5000, **({"cursor": cursor} if cursor else {})})
        if traced:
            peaks.append(tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()
        assert r.status_code == 200, r.content[:500]
        body = r.json()
        assert len(body["items"]) <= 5000
        seen += [item["tracking_id"] for item in body["items"]]
        fen += sum(int(parse_amount(item["xpay_amt"]) * 100) for item in body["items"])
        cursor = body["next_cursor"]
        if not body["has_more"]:
            break
    assert len(seen) > 330_000 and len(seen) == len(set(seen))
    assert set(seen) == set(counted.values_list("id", flat=True))
    assert fen == expected_fen
    # a page of 5,000 rows peaks at ~25–45 MB whatever the year's size; the whole year would be ~2.5 GB of rows
    assert len(peaks) >= 8 and max(peaks) < 96 * 2**20
