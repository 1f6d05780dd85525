"""Actuals computed from the ledger against a small ledger written by hand: 裕民县 (seed fund, receipts 8号 on
2022-01-20 of 39万元 and the 82号 increase on 2022-10-31 of 217万元) with one registration and five payouts."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from jiuzhu.accounts.models import User
from jiuzhu.funds.models import Fund
from jiuzhu.ledger.models import Appropriation, ImportBatch, Movement, Payment, Payout, Registration
from jiuzhu.performance.actuals import budgets, computed
from jiuzhu.regions.models import Region

D = datetime.date


@pytest.fixture
def small(demo):
    region, fund = (
        Region.objects.get(code="654225"),
        Fund.objects.get(fiscal_year=2022, source_label="自治区"),
    )
    issue = Movement.objects.get(region=region, fund=fund, kind="issue")
    assert issue.received_on == D(2022, 1, 20)
    Registration.objects.create(
        movement=issue,
        cor_bgt_doc_no="裕财社〔2022〕1号",
        registered_on=D(2022, 2, 1),
        registered_by=User.objects.get(username="ymx_cz_jb"),
        status="approved",
    )
    a = Appropriation.objects.create(
        bgt_id="test-dibao",
        region=region,
        fund=fund,
        fiscal_year=2022,
        exp_func_code="2082001",
        purpose="dibao",
        cor_bgt_doc_no="裕财社〔2022〕1号",
        income_code="1100248",
        direct_fund_tag="02",
    )

    def batch(kind, approved=True):
        return ImportBatch.objects.create(
            kind=kind,
            region=region,
            filename=f"{kind}.csv",
            sha256=f"{kind}{approved}",
            size=1,
            stored_path="x",
            status="done",
            created_by="t",
            approved_at=timezone.now() if approved else None,
        )

    pay_batch, payout_batch, waiting = (
        batch("payments"),
        batch("payouts"),
        batch("payouts", False),
    )

    def voucher(no, day, amount, payee):
        return Payment.objects.create(
            region=region,
            appropriation=a,
            batch=pay_batch,
            fiscal_year=2022,
            pay_cert_no=no,
            exp_func_code="2082001",
            pay_amt=amount,
            xpay_amt=amount,
            xpay_date=day,
            payee_acct_name=payee,
            direct_fund_tag="02",
            row_no=1,
        )

    march = voucher("V03", D(2022, 3, 25), Decimal(1500), "裕民县民政局")
    april = voucher(
        "V04", D(2022, 5, 2), Decimal(1200), "裕民县一卡通代发户"
    )  # April's money paid in May: late
    rows = [
        (march, "03", "A", 500, "6222000000000001"),
        (march, "03", "B", 500, "6222000000000002"),
        (march, "03", "C", 500, None),
        (april, "04", "A", 600, None),
        (april, "04", "D", 600, None),
    ]
    for i, (p, month, person, amount, acct) in enumerate(rows):
        Payout.objects.create(
            region=region,
            payment=p,
            batch=payout_batch,
            fiscal_year=2022,
            purpose="dibao",
            row_no=i,
            pay_cert_no=p.pay_cert_no,
            per_name=person,
            iden_type="01",
            iden_no=f"65422519800101000{person}",
            to_peop_family="1",
            pay_amt=amount,
            xpay_amt=amount,
            pay_month=month,
            acct_no=acct,
        )
    Payout.objects.create(  # a file still waiting for its checker counts for nothing
        region=region,
        payment=april,
        batch=waiting,
        fiscal_year=2022,
        purpose="dibao",
        row_no=9,
        pay_cert_no="V04",
        per_name="E",
        iden_type="01",
        iden_no="65422519800101000E",
        to_peop_family="1",
        pay_amt=600,
        xpay_amt=600,
        pay_month="04",
        acct_no=None,
    )
    return region, fund


def test_through_march(small):
    region, fund = small
    m = computed(fund.pk, 2022, 3)[region.pk]
    assert m["on_time_rate"].value == Decimal("100.00") and m["on_time_rate"].detail == "按时发放3笔，共3笔"
    assert m["socialized_rate"].value == Decimal("66.67")  # 1000 of 1500 元 paid into the persons' accounts
    assert m["dibao_persons"].value == 3
    assert m["pass_down_days"].value == 12  # 2022-01-20 → 2022-02-01


def test_through_the_year(small):
    region, fund = small
    m = computed(fund.pk, 2022, 12)[region.pk]
    assert m["on_time_rate"].value == Decimal("60.00")  # April's two payouts were paid in May
    assert m["socialized_rate"].value == Decimal("81.48")  # 1000 + 1200 (一卡通) of 2700 元
    assert m["socialized_rate"].detail == "打卡发放2200.00元，低保发放共2700.00元"
    assert "dibao_persons" not in m  # nobody was paid 低保 in December
    # the 82号 increase of 2022-10-31 is not registered: 61 days by the period's end
    assert m["pass_down_days"].value == 61
    assert (
        m["pass_down_days"].detail == "塔地财社〔2022〕82号于2022-10-31收到，截至期末尚未登记下达，用时61天"
    )
    assert computed(fund.pk, 2022, 4)[region.pk]["dibao_persons"].value == 2  # A and D (E's file waits)


def test_budget_execution(small):
    region, fund = small
    assert budgets(fund.pk, 2022, 7)[region.pk].received == Decimal(390000)
    year = budgets(fund.pk, 2022, 12)[region.pk]
    assert (year.received, year.spent, year.rate) == (Decimal(2560000), Decimal(2700), Decimal("0.11"))
