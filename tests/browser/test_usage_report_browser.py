"""Issue 15 in a real browser (Debian's chromium through Playwright), the seed demo loaded once:

裕民县's finance clerk fills October's 跟踪反馈表 (8号's 39万, 30万 of it paid in October; 82号's 217万 received on
10-31 and unpaid, so behind the time elapsed rate); a submission without the lagging line's reason, and 整改时间
typed wrong twice, are refused in Chinese with what was typed kept; the prefecture's finance checker (not the
county's) returns it with a reason, the clerk sees the reason, corrects and submits again, the checker accepts it
and it is locked. Then 地区社会福利院, the prefecture's budget unit: named by the prefecture's clerk, filled by its
民政 经办, listed under 塔城地区 in the consolidation.
"""

import datetime
import shutil
from decimal import Decimal

import pytest
from playwright.sync_api import expect, sync_playwright

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
YUMIN = "654225"
REASON = "82号资金10月31日到账，尚未拨付"
MEASURES = "11月底前按低保名册拨付"


@pytest.fixture
def browser(live_server, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


def open_as(browser, base, username):
    page = browser.new_context(viewport={"width": 1500, "height": 900}).new_page()
    page.set_default_timeout(15000)
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "Jiuzhu@2022")
    page.click("button[type=submit]")
    expect(page.locator(".who")).to_be_visible()
    return page


def yumin_pays_30_wan_in_october():
    """裕民县 registers 8号's 39万 for 低保 and pays 30万 of it on 2022-10-12 (approved by its checker)."""
    from jiuzhu.accounts.models import User
    from jiuzhu.approvals import review
    from jiuzhu.domain.ledger import RegistrationLine
    from jiuzhu.domain.purposes import Purpose
    from jiuzhu.ledger import services
    from jiuzhu.ledger.models import ImportBatch, Movement

    clerk, checker = User.objects.get(username="ymx_cz_jb"), User.objects.get(username="ymx_cz_sh")
    issue = Movement.objects.get(region__code=YUMIN, sup_bgt_doc_no="塔地财社〔2022〕8号")
    registration, _ = services.do_register_receipt(
        actor=clerk,
        movement=issue,
        cor_bgt_doc_no="裕财社〔2022〕3号",
        lines=[RegistrationLine("2081902", Purpose.SUBSISTENCE, issue.amount)],
        registered_on=datetime.date(2022, 2, 10),
    )
    review.approve(registration, checker)
    header = "pay_cert_no,cor_bgt_doc_no,exp_func_code,pay_amt,xpay_amt,xpay_date,payee\n"
    row = "D012022-V02CTD-10001,裕财社〔2022〕3号,2081902,300000,300000,2022-10-12,裕民县一卡通代发户\n"
    services.do_import_file(
        actor=clerk, kind="payments", region=issue.region, data=(header + row).encode(), filename="pay.csv"
    )
    review.approve(ImportBatch.objects.get(kind="payments", region=issue.region), checker)


def lagging_row(page):
    return page.locator("tr.lagging")


def test_fill_return_fix_and_accept_octobers_report(browser, live_server, demo):
    from jiuzhu.reports.models import UsageReport

    yumin_pays_30_wan_in_october()
    base = live_server.url

    # the county's clerk opens October's report: figures from the ledger, 82号 behind the time elapsed rate
    clerk = open_as(browser, base, "ymx_cz_jb")
    clerk.goto(f"{base}/reports/?month=2022-10")
    clerk.click("button:has-text('填报本月跟踪反馈表')")
    expect(clerk.locator("h1")).to_contain_text("裕民县 2022年10月跟踪反馈表")
    rows = clerk.locator("table.grid tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("塔地财社〔2022〕8号")
    expect(rows.nth(0)).to_contain_text("300,000.00")
    expect(rows.nth(0)).to_contain_text("76.92%")
    expect(rows.nth(0)).not_to_have_class("lagging")
    expect(lagging_row(clerk)).to_have_count(1)
    expect(lagging_row(clerk)).to_contain_text("塔地财社〔2022〕82号")
    expect(lagging_row(clerk)).to_contain_text("滞后")
    report = UsageReport.objects.get(region__code=YUMIN, year=2022, month=10, unit=None)
    line = report.lines.get(lagging=True)

    # submitting without the lagging line's reason is refused
    clerk.click("button:has-text('保存并报送')")
    expect(clerk.locator(".problems")).to_contain_text("须填写原因、整改措施及整改时间：塔地财社〔2022〕82号")
    assert UsageReport.objects.get(pk=report.pk).status == UsageReport.DRAFT

    # a 整改时间 that is no date: refused in Chinese, everything typed stays in the form, nothing is stored
    clerk.fill(f"textarea[name=reason-{line.pk}]", REASON)
    clerk.fill(f"textarea[name=measures-{line.pk}]", MEASURES)
    clerk.fill(f"input[name=due-{line.pk}]", "2022-11-31")
    clerk.click("button:has-text('保存并报送')")
    expect(clerk.locator(".problems")).to_contain_text("整改时间“2022-11-31”不是日期")
    expect(clerk.locator("form.card")).to_contain_text("未保存")
    assert clerk.input_value(f"input[name=due-{line.pk}]") == "2022-11-31"
    assert clerk.input_value(f"textarea[name=reason-{line.pk}]") == REASON
    assert clerk.input_value(f"textarea[name=measures-{line.pk}]") == MEASURES
    clerk.screenshot(path="var/usage-report-bad-date.png", full_page=True)
    line.refresh_from_db()
    assert (line.reason, line.measures, line.measures_due) == ("", "", None)

    # a date before October: refused likewise
    clerk.fill(f"input[name=due-{line.pk}]", "2022-09-30")
    clerk.click("button:has-text('保存并报送')")
    expect(clerk.locator(".problems")).to_contain_text("整改时间2022年9月30日早于本表所属月份")
    assert clerk.input_value(f"input[name=due-{line.pk}]") == "2022-09-30"
    assert clerk.input_value(f"textarea[name=reason-{line.pk}]") == REASON
    assert UsageReport.objects.get(pk=report.pk).status == UsageReport.DRAFT

    clerk.fill(f"input[name=due-{line.pk}]", "2022-11-30")
    clerk.click("button:has-text('保存并报送')")
    expect(clerk.locator(".messages")).to_contain_text("已报送，等待地区财政局审核")
    expect(clerk.locator(".status").first).to_have_text("待审核")
    expect(clerk.locator("textarea")).to_have_count(0)
    expect(lagging_row(clerk)).to_contain_text(REASON)
    expect(lagging_row(clerk)).to_contain_text("2022年11月30日前")

    # the county's own checker may not accept it: the report goes to the prefecture
    county_checker = open_as(browser, base, "ymx_cz_sh")
    county_checker.goto(f"{base}/reports/{report.pk}/")
    expect(county_checker.locator("button:has-text('审核通过')")).to_have_count(0)

    # the prefecture's checker sees it waiting in the consolidation and returns it with a reason
    checker = open_as(browser, base, "dq_cz_sh")
    checker.goto(f"{base}/reports/consolidated/?month=2022-10")
    yumin = checker.locator("table.grid tbody tr", has_text="裕民县")
    expect(yumin).to_contain_text("待审核")
    expect(yumin).to_contain_text("2,560,000.00")
    checker.screenshot(path="var/usage-report-consolidated.png", full_page=True)
    yumin.locator("a").click()
    expect(checker.locator("h1")).to_contain_text("裕民县 2022年10月跟踪反馈表")
    expect(lagging_row(checker)).to_contain_text(REASON)
    expect(checker.locator("body")).not_to_contain_text("{#")  # the review include's comment stays hidden
    checker.fill("input[name=reason]", "请写明82号资金的拨付对象和金额")
    checker.click("button:has-text('退回')")
    expect(checker.locator(".messages")).to_contain_text("已退回")
    assert UsageReport.objects.get(pk=report.pk).status == UsageReport.RETURNED

    # the clerk sees the return and its reason on the reports page and on the report; corrects and resubmits
    clerk.goto(f"{base}/reports/?month=2022-10")
    expect(clerk.locator(".card", has_text="本地区本月跟踪反馈表")).to_contain_text(
        "已退回 退回原因：请写明82号资金的拨付对象和金额"
    )
    clerk.locator("a", has_text="裕民县 2022-10").first.click()
    expect(clerk.locator("p.returned")).to_have_text("退回原因：请写明82号资金的拨付对象和金额")
    assert clerk.input_value(f"textarea[name=reason-{line.pk}]") == REASON
    clerk.screenshot(path="var/usage-report-returned.png", full_page=True)
    clerk.fill(f"textarea[name=measures-{line.pk}]", "11月底前拨付城乡低保对象1,245户217万元")
    clerk.click("button:has-text('保存并报送')")
    expect(clerk.locator(".messages")).to_contain_text("已报送")

    # the prefecture's checker accepts it: locked with its figures
    checker.goto(f"{base}/reports/{report.pk}/")
    expect(lagging_row(checker)).to_contain_text("1,245户217万元")
    checker.click("button:has-text('审核通过')")
    expect(checker.locator(".messages")).to_contain_text("已审核通过，跟踪反馈表数据已锁定")
    expect(checker.locator(".card").first).to_contain_text("审核通过，数据已锁定")
    accepted = UsageReport.objects.get(pk=report.pk)
    assert accepted.status == UsageReport.ACCEPTED
    assert [x["paid_fen"] for x in accepted.accepted_figures["lines"]] == [30_000_000, 0]

    clerk.goto(f"{base}/reports/{report.pk}/")
    expect(clerk.locator(".status").first).to_have_text("已审核")
    expect(clerk.locator("textarea")).to_have_count(0)
    expect(clerk.locator("button:has-text('保存并报送')")).to_have_count(0)
    clerk.screenshot(path="var/usage-report-accepted.png", full_page=True)


def test_the_welfare_home_reports_under_the_prefecture(browser, live_server, demo):
    """地区本级's 8号 (5万) all goes to orphans; the clerk names that appropriation 地区社会福利院's; the prefecture's
    民政 经办 fills the home's report; the consolidation shows the home under 塔城地区."""
    from jiuzhu.accounts.models import User
    from jiuzhu.approvals import review
    from jiuzhu.domain.ledger import RegistrationLine
    from jiuzhu.domain.purposes import Purpose
    from jiuzhu.ledger import services
    from jiuzhu.ledger.models import Movement
    from jiuzhu.reports.models import UnitAppropriation, UsageReport

    movement = Movement.objects.get(region__code="654200", sup_bgt_doc_no="塔地财社〔2022〕8号")
    registration, _ = services.do_register_receipt(
        actor=User.objects.get(username="dq_cz_jb"),
        movement=movement,
        cor_bgt_doc_no="塔地财社〔2022〕18号",
        lines=[RegistrationLine("2081001", Purpose.ORPHAN, Decimal("50000"))],
        registered_on=datetime.date(2022, 1, 25),
    )
    review.approve(registration, User.objects.get(username="dq_cz_sh"))
    base = live_server.url

    clerk = open_as(browser, base, "dq_cz_jb")
    clerk.goto(f"{base}/reports/?month=2022-10")
    clerk.click("a:has-text('预算单位填报的指标')")
    row = clerk.locator("table.grid tbody tr", has_text="孤儿基本生活保障")
    row.locator("select[name=unit]").select_option(label="地区社会福利院")
    row.locator("button:has-text('指定')").click()
    expect(clerk.locator(".messages")).to_contain_text("由地区社会福利院填报")
    clerk.screenshot(path="var/usage-report-units.png", full_page=True)
    assert UnitAppropriation.objects.get().unit.name == "地区社会福利院"

    civil = open_as(browser, base, "dq_mz_jb")
    civil.goto(f"{base}/reports/?month=2022-10")
    civil.click("button:has-text('填报地区社会福利院本月跟踪反馈表')")
    expect(civil.locator("h1")).to_contain_text("塔城地区 地区社会福利院 2022年10月跟踪反馈表")
    expect(civil.locator("table.grid tbody tr")).to_have_count(1)
    expect(lagging_row(civil)).to_contain_text("50,000.00")
    civil.screenshot(path="var/usage-report-unit.png", full_page=True)
    unit_report = UsageReport.objects.get(unit__name="地区社会福利院")

    # the prefecture's own report lists the home's line under its name, explained by the home
    clerk.goto(f"{base}/reports/?month=2022-10")
    expect(clerk.locator(".card", has_text="预算单位本月")).to_contain_text("草稿")
    clerk.screenshot(path="var/usage-report-home-units.png", full_page=True)
    clerk.click("button:has-text('填报本月跟踪反馈表')")
    expect(clerk.locator("tr", has_text="地区社会福利院：")).to_contain_text("由地区社会福利院填报")
    expect(clerk.locator(".card").first).to_contain_text("尚未审核通过，本表暂不能报送：地区社会福利院")
    clerk.screenshot(path="var/usage-report-prefecture-with-unit.png", full_page=True)

    # the home explains its line: the prefecture's draft shows the home's reason at once, read-only
    civil.goto(f"{base}/reports/{unit_report.pk}/")
    home_line = unit_report.lines.get()
    civil.fill(f"textarea[name=reason-{home_line.pk}]", "孤儿基本生活费按季度拨付")
    civil.click("button[name=save]")
    expect(civil.locator(".messages")).to_contain_text("已保存")
    clerk.reload()
    expect(clerk.locator("tr", has_text="地区社会福利院：")).to_contain_text("孤儿基本生活费按季度拨付")
    expect(clerk.locator("textarea")).to_have_count(0)

    checker = open_as(browser, base, "dq_cz_sh")
    checker.goto(f"{base}/reports/consolidated/?month=2022-10&region=654200")
    home_row = checker.locator("tr.sub", has_text="其中：地区社会福利院")
    expect(home_row).to_contain_text("草稿")
    expect(home_row).to_contain_text("50,000.00")
    expect(checker.locator("tr.total")).to_contain_text("4,130,000.00")  # the home is not counted twice
    expect(checker.locator(".card", has_text="未报送")).to_contain_text("地区社会福利院（塔城地区）")
    checker.screenshot(path="var/usage-report-consolidated-units.png", full_page=True)
    assert UsageReport.objects.get(pk=unit_report.pk).status == UsageReport.DRAFT
