"""A real browser opens 监控预警 as the prefecture and as a county: the ECharts canvases are drawn, the county
sees only its own findings, and the rows behind a finding show 证件号码 masked."""

import shutil
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "ledger"))

from ledger_helpers import (
    YUMIN,
    csv_bytes,
    foundation,  # noqa: F401  (fixture)
    import_voucher,
    people,  # noqa: F401  (fixture)
    register_yumin,
    valid_id,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PAINTED = """id => {
  const canvas = document.querySelector(id + ' canvas');
  if (!canvas || !canvas.width) return 0;
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i]) n++;
  return n;
}"""


@pytest.fixture
def page(live_server, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.set_default_timeout(15000)
        yield page
        browser.close()


@pytest.fixture
def findings(people):  # noqa: F811
    """裕民县 pays and pays out (one person twice); 额敏县 has registered nothing (late registrations)."""
    from jiuzhu.ledger.actors import SystemActor
    from jiuzhu.ledger.models import Payout
    from jiuzhu.ledger.services import do_import_file
    from jiuzhu.monitoring.services import do_run
    from jiuzhu.regions.models import Region

    register_yumin(people)
    region = Region.objects.get(code=YUMIN)
    import_voucher(region, people)
    rows = [["甲", "01-身份证号", valid_id(serial=1), "1-到人", "600", "600", "05", "D012022-V02CTD-08061"]]
    header = [
        "姓名",
        "证件类型",
        "证件号码",
        "按户或按人补助",
        "应发金额",
        "实发金额",
        "发放月份",
        "支付凭证号",
    ]
    batch = do_import_file(
        actor=people["ymx_cz_jb"],
        kind="payouts",
        region=region,
        data=csv_bytes(header, rows),
        filename="a.csv",
    ).batch
    twice = Payout.objects.get(batch=batch)
    twice.pk, twice.row_no = None, 2
    twice.save()
    do_run(actor=SystemActor(), fiscal_year=2022)


def login(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "Jiuzhu@2022")
    page.click("button[type=submit]")
    expect(page.locator(".who")).to_be_visible()


def test_prefecture_sees_charts_and_every_county(page, live_server, findings):
    base = live_server.url
    login(page, base, "dq_cz_jb")
    page.goto(f"{base}/monitoring/?year=2022")
    for chart in ("#chart-monthly", "#chart-execution"):
        page.wait_for_function(f"() => document.querySelector('{chart} canvas')")
        assert page.evaluate(PAINTED, chart) > 500, chart
    expect(page.locator("#counties")).to_contain_text("裕民县")
    page.screenshot(path="var/monitoring-dashboard.png", full_page=True)
    page.goto(f"{base}/monitoring/findings/?year=2022")
    expect(page.locator("#findings")).to_contain_text("裕民县")
    expect(page.locator("#findings")).to_contain_text("额敏县")


def test_county_sees_its_own_findings_and_masked_ids(page, live_server, findings):
    base = live_server.url
    login(page, base, "ymx_cz_jb")
    page.goto(f"{base}/monitoring/?year=2022")
    page.wait_for_function("() => document.querySelector('#chart-monthly canvas')")
    assert page.evaluate(PAINTED, "#chart-monthly") > 500
    page.goto(f"{base}/monitoring/findings/?year=2022")
    table = page.locator("#findings")
    expect(table).to_contain_text("裕民县")
    assert "额敏县" not in table.inner_text()
    table.locator("tr", has_text="重复发放（县内）").locator("td.left a").click()
    expect(page.locator("#rows")).to_contain_text(valid_id(serial=1)[:6] + "********")
    body = page.content()
    assert valid_id(serial=1) not in body
    page.screenshot(path="var/monitoring-finding.png", full_page=True)
