"""Issue 11 in a real browser, the seed demo loaded once:

9. the home page is the 工作台: a checker's lists what waits for them (with counts on the menu), a clerk's the
   receipts to register with their deadline, and the year's figures as an ECharts chart;
3. the checker opens a waiting payout file, sees its totals, people and the differences from the previous month,
   and the approve button asks with the total before anything is approved.
"""

import datetime

import pytest
from browser_helpers import open_as
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YUMIN = "654225"


def yumin_waits_for_its_checker():
    """裕民县: 8号's 39万 registered and approved, a voucher paid; May's payouts approved; June's file and the
    registration of 82号's increase wait for the checker."""
    from jiuzhu.accounts.models import User
    from jiuzhu.approvals import review
    from jiuzhu.domain.identity import with_check_digit
    from jiuzhu.domain.ledger import RegistrationLine
    from jiuzhu.domain.purposes import Purpose
    from jiuzhu.ledger import services
    from jiuzhu.ledger.models import Movement

    clerk, checker = User.objects.get(username="ymx_cz_jb"), User.objects.get(username="ymx_cz_sh")
    issue, increase = Movement.objects.filter(region__code=YUMIN, fund__source_label="自治区").order_by("id")
    registration, _ = services.do_register_receipt(
        actor=clerk,
        movement=issue,
        cor_bgt_doc_no="裕财社〔2022〕3号",
        lines=[RegistrationLine("2081902", Purpose.SUBSISTENCE, issue.amount)],
        registered_on=datetime.date(2022, 2, 10),
    )
    review.approve(registration, checker)
    services.do_register_receipt(
        actor=clerk,
        movement=increase,
        cor_bgt_doc_no="裕财社〔2022〕41号",
        lines=[RegistrationLine("2081902", Purpose.SUBSISTENCE, increase.amount)],
        registered_on=datetime.date(2022, 11, 15),
    )
    vouchers = "pay_cert_no,cor_bgt_doc_no,exp_func_code,pay_amt,xpay_amt,xpay_date,payee\n"
    vouchers += "D012022-V02CTD-08061,裕财社〔2022〕3号,2081902,5000,5000,2022-05-10,裕民县民政局\n"
    done = services.do_import_file(
        actor=clerk, kind="payments", region=issue.region, data=vouchers.encode(), filename="凭证.csv"
    )
    review.approve(done.batch, checker)
    ids = [with_check_digit(f"654225198001010{n}") for n in (11, 12, 13, 14)]
    head = "姓名,证件类型,证件号码,按户或按人补助,应发金额,实发金额,发放月份,支付凭证号\n"
    months = {
        "05": [("王老师", ids[0], 40), ("李大姐", ids[1], 40), ("张三", ids[2], 40)],
        "06": [("王老师", ids[0], 40), ("李大姐", ids[1], 50), ("赵四", ids[3], 40)],
    }
    for month, people in months.items():
        rows = "".join(f"{n},身份证号,{i},到人,{a},{a},{month},D012022-V02CTD-08061\n" for n, i, a in people)
        done = services.do_import_file(
            actor=clerk,
            kind="payouts",
            region=issue.region,
            data=(head + rows).encode(),
            filename=f"{month}月发放.csv",
        )
        if month == "05":
            review.approve(done.batch, checker)
    return done.batch


def test_the_desk_lists_what_waits_and_the_checker_sees_what_they_approve(browser, live_server, demo):
    june = yumin_waits_for_its_checker()
    base = live_server.url

    # 9. a county clerk's desk: the receipts to register with their deadline, the year's chart
    clerk = open_as(browser, base, "tcs_cz_jb")  # 塔城市 has registered nothing yet
    expect(clerk.locator("#desk-register")).to_contain_text("塔地财社〔2022〕8号")
    expect(clerk.locator("#desk-register")).to_contain_text("登记期限 2022年2月19日")
    expect(clerk.locator("#desk-register")).to_contain_text("已逾期")
    # the demo's money is 2022's and today is later: no usage report is due now (tests/reports/test_due_reports.py
    # shows the reports due on a day of 2022)
    expect(clerk.locator("#desk-reports")).to_have_count(0)
    expect(clerk.locator("#desk-chart[data-ready='1']")).to_have_count(1)
    expect(clerk.locator("#desk-chart svg")).to_have_count(1)
    expect(clerk.locator(".menu a", has_text="指标管理").locator(".count")).to_have_text("2")

    # 9. the checker's desk: the registration and June's file wait for them, counted on the menu
    checker = open_as(browser, base, "ymx_cz_sh")
    check = checker.locator("#desk-check")
    expect(check).to_contain_text("待我审核（2）")
    expect(check).to_contain_text("指标登记")
    expect(check).to_contain_text("06月发放.csv")
    expect(checker.locator(".menu a", has_text="支付发放").locator(".count")).to_have_text("1")
    expect(checker.locator(".menu a", has_text="指标管理").locator(".count")).to_have_text("1")
    expect(checker.locator("#desk-figures")).to_contain_text("已支付 5,000.00")
    checker.screenshot(path="docs/desk-checker.png", full_page=True)

    # 3. the file's content before approving it
    check.locator("a", has_text="06月发放.csv").click()
    preview = checker.locator("#batch-preview")
    expect(preview).to_contain_text("共 3 行，3 人，合计 130.00 元")
    expect(preview).to_contain_text("与2022年5月相比")
    expect(checker.locator("#preview-diff")).to_have_text("新增 1 人，减少 1 人，金额变化 1 人")
    expect(preview).to_contain_text("赵四")
    expect(preview).to_contain_text("张三")
    from jiuzhu.domain.identity import mask, with_check_digit

    zhao = with_check_digit("65422519800101014")
    expect(preview).to_contain_text(mask(zhao))
    expect(preview).not_to_contain_text(zhao)
    checker.screenshot(path="docs/checker-preview.png", full_page=True)

    from jiuzhu.ledger.models import ImportBatch

    asked = []
    checker.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    checker.locator("form[data-confirm] button").click()
    checker.wait_for_timeout(300)
    assert asked and "合计130.00元" in asked[0]
    assert ImportBatch.objects.get(pk=june.pk).approved_at is None  # dismissed: nothing approved
    checker.once("dialog", lambda d: d.accept())
    checker.locator("form[data-confirm] button").click()
    expect(checker.locator(".messages")).to_contain_text("审核通过")
    assert ImportBatch.objects.get(pk=june.pk).approved_at is not None
