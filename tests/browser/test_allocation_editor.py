"""A real browser (Debian's chromium through Playwright) logs in, edits an adjustment and sees 合计 change."""

import shutil

import pytest
from playwright.sync_api import expect, sync_playwright

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def page(live_server, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.set_default_timeout(15000)
        yield page
        browser.close()


def login(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "Jiuzhu@2022")
    page.click("button[type=submit]")
    expect(page.locator(".who")).to_contain_text("经办")


def test_edit_adjustment_and_watch_the_total(page, live_server, demo):
    base = live_server.url
    login(page, base, "dq_cz_jb")
    page.goto(f"{base}/allocation/new/")
    page.fill("input[name=doc_no]", "塔地财社〔2022〕95号")
    page.fill("input[name=title]", "关于再次调整2022年自治区困难群众救助补助资金分配方案的通知")
    page.fill("input[name=doc_date]", "2022-11-20")
    page.click("button.primary")
    expect(page.locator("h1")).to_contain_text("编辑 塔地财社〔2022〕95号")
    expect(page.locator("#total-final")).to_have_text("413")
    expect(page.locator("#editor[data-ready='1']")).to_have_count(1)

    page.fill("#decrease_654201", "10")  # 塔城市 25 → 15
    expect(page.locator("#net_654201")).to_have_text("-10")
    expect(page.locator("#final_654201")).to_have_text("15")
    expect(page.locator("#total-final")).to_have_text("403")
    page.fill("#increase_654225", "10.5")  # 裕民县 256 → 266.5
    expect(page.locator("#total-increase")).to_have_text("10.5")
    expect(page.locator("#total-final")).to_have_text("413.5")

    page.fill("#decrease_654226", "20")  # 和布克赛尔县 has only 12
    expect(page.locator("#problem-decrease_654226")).to_contain_text("超过原额度")
    page.fill("#decrease_654221", "abc")
    expect(page.locator("#problem-decrease_654221")).to_contain_text("不是有效的金额")
    page.click("button[type=submit]")  # saving with problems keeps the page and saves nothing
    expect(page.locator("#problem-decrease_654226")).to_contain_text("超过原额度")
    expect(page.locator("#problem-decrease_654221")).to_contain_text("不是有效的金额")
    page.screenshot(path="var/editor-problems.png", full_page=True)

    page.fill("#decrease_654226", "0")
    page.fill("#decrease_654221", "0")
    page.fill("#increase_654225", "10")
    expect(page.locator("#total-final")).to_have_text("413")
    page.click("button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("已保存")
    expect(page.locator("tr.total")).to_contain_text("413")
    page.screenshot(path="var/editor-saved.png", full_page=True)

    from jiuzhu.allocation.models import Plan

    rows = {
        r.region.code: r
        for r in Plan.objects.get(doc_no="塔地财社〔2022〕95号").rows.select_related("region")
    }
    assert str(rows["654201"].decrease) == "100000.00" and str(rows["654225"].increase) == "100000.00"
    assert str(rows["654226"].decrease) == "0.00"
