"""A county clerk follows a notice down to one voucher's payouts in a real browser and sees only the county."""

import datetime
import shutil
from decimal import Decimal

import pytest
from playwright.sync_api import expect, sync_playwright

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def chain(demo):
    """裕民县 registers its 8号 receipt, the treasury pays 800 元 from it and two people are paid out;
    额敏县 likewise (what 裕民县 must not see)."""
    from django.utils import timezone

    from jiuzhu.accounts.models import User
    from jiuzhu.approvals import review
    from jiuzhu.domain.ledger import RegistrationLine
    from jiuzhu.domain.purposes import Purpose
    from jiuzhu.ledger.models import ImportBatch, Movement, Payment, Payout
    from jiuzhu.ledger.services import do_register_receipt

    out = {}
    for code, maker, doc_no in (
        ("654225", "ymx_cz_jb", "裕财社〔2022〕3号"),
        ("654221", "ems_cz_jb", "额财社〔2022〕3号"),
    ):
        movement = Movement.objects.get(region__code=code, sup_bgt_doc_no="塔地财社〔2022〕8号")
        registration, problems = do_register_receipt(
            actor=User.objects.get(username=maker),
            movement=movement,
            cor_bgt_doc_no=doc_no,
            lines=[RegistrationLine("2082001", Purpose.TEMPORARY, movement.amount)],
            registered_on=datetime.date(2022, 2, 10),
        )
        assert not problems
        for checker in User.objects.filter(username__startswith=maker[:-3] + "_sh").order_by("username"):
            registration.refresh_from_db()
            if registration.status != "approved":
                review.approve(registration, checker)
        registration.refresh_from_db()
        assert registration.status == "approved"
        appropriation = registration.lines.get().appropriation
        batches = [
            ImportBatch.objects.create(
                kind=kind,
                region=movement.region,
                filename=f"{code}-{kind}.csv",
                sha256=f"{code}{kind}".ljust(64, "0"),
                size=1,
                stored_path="",
                status="done",
                review_status="approved",
                approved_at=timezone.now(),
                created_by=maker,
            )
            for kind in (ImportBatch.PAYMENTS, ImportBatch.PAYOUTS)
        ]
        payment = Payment.objects.create(
            region=movement.region,
            appropriation=appropriation,
            batch=batches[0],
            fiscal_year=2022,
            pay_cert_no=f"ZF{code}2022305",
            exp_func_code="2082001",
            pay_amt=Decimal(800),
            xpay_amt=Decimal(800),
            xpay_date=datetime.date(2022, 5, 20),
            payee_acct_name=f"{code}一卡通代发户",
            direct_fund_tag="01",
            row_no=2,
        )
        for i, (name, amount) in enumerate((("艾力", 500), ("古丽", 300)), start=2):
            Payout.objects.create(
                region=movement.region,
                payment=payment,
                batch=batches[1],
                fiscal_year=2022,
                purpose="linshi",
                row_no=i,
                pay_cert_no=payment.pay_cert_no,
                per_name=f"{name}{code}",
                iden_type="01",
                iden_no=f"{code}1980010{i}123X",
                to_peop_family="1",
                pay_amt=Decimal(amount),
                xpay_amt=Decimal(amount),
                pay_month="05",
            )
        out[code] = payment
    return out


@pytest.fixture
def page(live_server, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.set_default_timeout(15000)
        yield page
        browser.close()


def test_a_county_follows_a_notice_down_to_a_vouchers_payouts(page, live_server, chain):
    from jiuzhu.allocation.models import Plan

    base = live_server.url
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", "ymx_cz_jb")
    page.fill("input[name=password]", "Jiuzhu@2022")
    page.click("button[type=submit]")
    plan = Plan.objects.get(doc_no="塔地财社〔2022〕8号")
    page.goto(f"{base}/allocation/{plan.pk}/")
    page.click("text=资金溯源")
    expect(page.locator("h1")).to_contain_text("资金溯源：塔地财社〔2022〕8号")
    expect(page.locator(".card.county")).to_have_count(1)
    expect(page.locator(".card.county h2")).to_contain_text("裕民县")
    expect(page.locator("body")).not_to_contain_text("额敏县")
    expect(page.locator(".card.county")).to_contain_text("裕财社〔2022〕3号")
    page.click("summary")
    page.click("text=ZF6542252022305")
    expect(page.locator("h1")).to_contain_text("ZF6542252022305")
    rows = page.locator("table.payouts tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("654225********123X")
    expect(page.locator("body")).not_to_contain_text("65422519800102123X")
    expect(page.locator("body")).not_to_contain_text("额敏")
    page.screenshot(path="var/trace-voucher.png", full_page=True)
    rows.first.locator("text=向上溯源").click()
    expect(page.locator("table.chain")).to_contain_text("塔地财社〔2022〕8号")
    page.screenshot(path="var/trace-payout.png", full_page=True)
    page.goto(f"{base}/trace/vouchers/{chain['654221'].pk}/")
    expect(page.locator("body")).to_contain_text("记录不存在")
