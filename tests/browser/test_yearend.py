"""Year-end in a real browser, on the seed with 裕民县's 8号 money registered and paid to September: the execution
page and its chart, the adjustment proposal saved as a draft plan (and the picture as received on 10-15, which 82号
has overtaken), the close of 2022 submitted by the prefecture's clerk and approved by its checker, and 2023's
上年结转. Every page is screenshot to var/yearend-*.png."""

import datetime

import pytest
from browser_helpers import open_as
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def paid(demo):
    """裕民县 registers its 39万元 of 8号 as 低保 and pays 3万元 a month, January to September."""
    from jiuzhu.accounts.models import User
    from jiuzhu.approvals import review
    from jiuzhu.domain.ledger import RegistrationLine
    from jiuzhu.domain.purposes import Purpose
    from jiuzhu.ledger.models import Movement
    from jiuzhu.ledger.services import do_import_file, do_register_receipt

    users = {u.username: u for u in User.objects.filter(username__startswith="ymx_cz_")}
    movement = Movement.objects.get(region__code="654225", sup_bgt_doc_no="塔地财社〔2022〕8号")
    registration, _ = do_register_receipt(
        actor=users["ymx_cz_jb"],
        movement=movement,
        cor_bgt_doc_no="裕财社〔2022〕3号",
        lines=[RegistrationLine("2081902", Purpose.SUBSISTENCE, movement.amount)],
        registered_on=datetime.date(2022, 2, 10),
    )
    header = "pay_cert_no,cor_bgt_doc_no,exp_func_code,pay_amt,xpay_amt,xpay_date,payee_acct_name,is_dir\n"
    rows = "".join(
        f"ZF65422520221{m:02d},裕财社〔2022〕3号,2081902,30000,30000,2022-{m:02d}-20,裕民县一卡通代发户,01\n"
        for m in range(1, 10)
    )
    for checker in ("ymx_cz_sh", "ymx_cz_sh2"):
        if review.approve(registration, users[checker]).complete:
            break
    batch = do_import_file(
        actor=users["ymx_cz_jb"],
        kind="payments",
        region=movement.region,
        data=(header + rows).encode(),
        filename="裕民县1-9月支付.csv",
    ).batch
    for checker in ("ymx_cz_sh", "ymx_cz_sh2"):
        if review.approve(batch, users[checker]).complete:
            break
    return movement.fund


def test_execution_proposal_and_the_close_of_2022(browser, live_server, paid):
    from jiuzhu.allocation.models import Plan
    from jiuzhu.yearend.models import YearClose

    base = live_server.url
    clerk = open_as(browser, base, "dq_cz_jb")

    # 支出进度: 裕民县's table and chart, 27万元 paid of 39万元
    clerk.goto(f"{base}/yearend/?year=2022&as_of=2022-09-30")
    section = clerk.locator("section.card", has_text="裕民县")
    expect(section.locator("h2")).to_contain_text("支付 270,000.00 元")
    expect(section.locator("#chart-654225 canvas")).to_have_count(1)
    expect(section.locator("tbody tr")).to_contain_text("低保")
    clerk.screenshot(path="var/yearend-execution.png", full_page=True)

    # 调整方案建议 as of 10-15: the picture as received that day is shown, but 82号 has overtaken it
    clerk.goto(f"{base}/yearend/propose/?fund={paid.pk}&as_of=2022-10-15&as_received=1")
    expect(clerk.locator("p.warnings")).to_contain_text("以后已审核通过塔地财社〔2022〕82号")
    expect(clerk.locator("button", has_text="保存为调整方案草稿")).to_have_count(0)
    clerk.screenshot(path="var/yearend-propose-as-received.png", full_page=True)
    # from the amounts now it is saved as an ordinary draft plan
    clerk.goto(f"{base}/yearend/propose/?fund={paid.pk}&as_of=2022-10-15")
    expect(clerk.locator("table.grid tbody tr", has_text="裕民县")).to_contain_text("预计全年支出")
    clerk.screenshot(path="var/yearend-propose.png", full_page=True)
    clerk.fill("input[name=doc_no]", "塔地财社〔2022〕90号")
    clerk.click("button:has-text('保存为调整方案草稿')")
    expect(clerk.locator("h1")).to_contain_text("塔地财社〔2022〕90号")
    plan = Plan.objects.get(doc_no="塔地财社〔2022〕90号")
    assert plan.status == Plan.DRAFT and plan.kind == Plan.ADJUSTMENT
    clerk.screenshot(path="var/yearend-proposal-plan.png", full_page=True)

    # 年终结转: the preview, submitted by the clerk
    clerk.goto(f"{base}/yearend/closes/?year=2022")
    preview = clerk.locator("section.card", has_text="结转到2023年度")
    expect(preview.locator("tbody tr")).to_have_count(1)
    expect(preview.locator("tbody tr")).to_contain_text("120,000.00")
    clerk.screenshot(path="var/yearend-closes.png", full_page=True)
    preview.locator("input[name=doc_no]").fill("塔地财社〔2023〕1号")
    preview.locator("button", has_text="提交年终结转审核").click()
    expect(clerk.locator("h1")).to_contain_text("2022年度年终结转 · 塔地财社〔2023〕1号")
    expect(clerk.locator(".card .status").first).to_contain_text("待审核")
    expect(clerk.locator("button", has_text="审核通过")).to_have_count(0)  # the maker does not approve
    clerk.screenshot(path="var/yearend-close-submitted.png", full_page=True)

    # the checkers approve: the year is closed
    close = YearClose.objects.get(fiscal_year=2022)
    for name in ("dq_cz_sh", "dq_cz_sh2"):
        checker = open_as(browser, base, name)
        checker.goto(f"{base}/yearend/closes/{close.pk}/")
        checker.click("button:has-text('审核通过')")
        expect(checker.locator(".messages")).to_contain_text("已审核")
        close.refresh_from_db()
        if close.status == "approved":
            break
    expect(checker.locator("div.card")).to_contain_text("2022年度已关账")
    expect(checker.locator("body")).not_to_contain_text(
        "review.Panel"
    )  # the review include's comment stays hidden
    checker.screenshot(path="var/yearend-close-approved.png", full_page=True)

    # 2023: 裕民县's 12万元 as 上年结转
    checker.goto(f"{base}/yearend/?year=2023&as_of=2023-01-31")
    expect(checker.locator("section.card", has_text="裕民县").locator("h2")).to_contain_text(
        "其中上年结转 120,000.00 元"
    )
    checker.screenshot(path="var/yearend-execution-2023.png", full_page=True)
