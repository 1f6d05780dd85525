"""Issue 11 in a real browser (Debian's chromium through Playwright), the seed demo loaded once:

1. every form keeps what was typed after an error (user form, plan header, registration, template);
2. the editor shows each county's paid and unspent amounts, warns on a too-large decrease, and the submission
   is refused with the county's figures;
7. the live totals are unknown ("？") while a cell is invalid, and a failed save says 未保存;
11. a county cannot issue more of a fund than it received.
"""

import datetime
from decimal import Decimal

import pytest
from browser_helpers import open_as
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YUMIN = "654225"


def selected(page, name):
    return page.eval_on_selector(f"select[name={name}]", "e => e.options[e.selectedIndex].text")


def yumin_pays_240_wan():
    """裕民县 registers what it received and pays 240万 of its 256万 (the import waits for its checker)."""
    from jiuzhu.accounts.models import User
    from jiuzhu.approvals import review
    from jiuzhu.domain.ledger import RegistrationLine
    from jiuzhu.domain.purposes import Purpose
    from jiuzhu.ledger import services
    from jiuzhu.ledger.models import Movement

    clerk, checker = User.objects.get(username="ymx_cz_jb"), User.objects.get(username="ymx_cz_sh")
    issue, increase = Movement.objects.filter(region__code=YUMIN, fund__source_label="自治区").order_by("id")
    for movement, doc in ((issue, "裕财社〔2022〕3号"), (increase, "裕财社〔2022〕41号")):
        registration, _ = services.do_register_receipt(
            actor=clerk,
            movement=movement,
            cor_bgt_doc_no=doc,
            lines=[RegistrationLine("2081902", Purpose.SUBSISTENCE, movement.amount)],
            registered_on=datetime.date(2022, 11, 15),
        )
        review.approve(registration, checker)
    header = "pay_cert_no,cor_bgt_doc_no,exp_func_code,pay_amt,xpay_amt,xpay_date,payee\n"
    row = "D012022-V02CTD-09001,裕财社〔2022〕3号,2081902,2400000,2400000,2022-11-10,裕民县民政局\n"
    services.do_import_file(
        actor=clerk, kind="payments", region=issue.region, data=(header + row).encode(), filename="pay.csv"
    )


def test_forms_keep_what_was_typed_and_plans_fit_what_is_held(browser, live_server, demo):
    from jiuzhu.accounts.models import User
    from jiuzhu.allocation.models import Plan
    from jiuzhu.ledger.models import Movement

    base = live_server.url

    # 1. user form: a weak password keeps region, department and role (and says why in Chinese)
    admin = open_as(browser, base, "admin")
    admin.goto(f"{base}/accounts/users/new/")
    admin.fill("input[name=username]", "ems_mz_sh")
    admin.fill("input[name=display_name]", "额敏县民政审核")
    admin.select_option("select[name=region]", label="额敏县")
    admin.select_option("select[name=department]", label="民政")
    admin.select_option("select[name=role]", label="审核")
    admin.fill("input[name=password]", "123")
    admin.click("button.primary")
    expect(admin.locator(".messages")).to_contain_text("密码")
    admin.screenshot(path="docs/user-form-after-error.png", full_page=True)
    assert (selected(admin, "region"), selected(admin, "department"), selected(admin, "role")) == (
        "额敏县",
        "民政",
        "审核",
    )
    assert admin.input_value("input[name=display_name]") == "额敏县民政审核"
    assert not User.objects.filter(username="ems_mz_sh").exists()
    admin.fill("input[name=password]", "Emin@2022x")
    admin.click("button.primary")
    expect(admin.locator(".messages")).to_contain_text("已创建用户")
    created = User.objects.get(username="ems_mz_sh")
    assert (created.region.code, created.department, created.role) == ("654221", "civil_affairs", "checker")

    # 1. template form: a broken body keeps every other field as typed
    admin.goto(f"{base}/documents/")
    admin.locator("a", has_text="编辑").first.click()
    admin.fill("input[name=copy_to]", "自治区财政厅，自治区民政厅。")
    admin.fill("textarea[name=body]", "{% bad %}")
    admin.click("button[value=save]")
    expect(admin.locator(".problems")).to_be_visible()
    assert admin.input_value("input[name=copy_to]") == "自治区财政厅，自治区民政厅。"
    assert admin.input_value("textarea[name=body]") == "{% bad %}"

    # 1. plan header: a bad 文号 keeps the fund, kind, title and date
    clerk = open_as(browser, base, "dq_cz_jb")
    clerk.goto(f"{base}/allocation/new/")
    clerk.select_option("select[name=kind]", label="分配下达")
    clerk.fill("input[name=doc_no]", "95号")
    clerk.fill("input[name=title]", "关于下达2023年困难群众救助补助资金的通知")
    clerk.fill("input[name=doc_date]", "2022-11-20")
    clerk.click("button.primary")
    expect(clerk.locator(".problems")).to_contain_text("文号")
    assert selected(clerk, "kind") == "分配下达"
    assert clerk.input_value("input[name=doc_no]") == "95号"
    assert clerk.input_value("input[name=title]") == "关于下达2023年困难群众救助补助资金的通知"
    assert clerk.input_value("input[name=doc_date]") == "2022-11-20"
    clerk.screenshot(path="var/plan-header-after-error.png", full_page=True)

    # 1. registration: a wrong sum keeps the 文号 and every line
    county = open_as(browser, base, "ymx_cz_jb")
    movement = Movement.objects.filter(region__code=YUMIN, fund__source_label="自治区").order_by("id").first()
    county.goto(f"{base}/ledger/receipts/{movement.pk}/register/")
    county.fill("input[name=cor_bgt_doc_no]", "裕财社〔2022〕3号")
    county.select_option("select[name=code_0]", value="2081902")
    county.select_option("select[name=purpose_0]", value="dibao")
    county.fill("input[name=amount_0]", "100")
    county.click("button.primary")
    expect(county.locator(".problems")).to_contain_text("不等")
    assert county.input_value("input[name=cor_bgt_doc_no]") == "裕财社〔2022〕3号"
    assert county.input_value("select[name=code_0]") == "2081902"
    assert county.input_value("select[name=purpose_0]") == "dibao"
    assert county.input_value("input[name=amount_0]") == "100"

    # 11. the county cannot give itself 1000万 of the 自治区 fund it received 256万 of
    county.goto(f"{base}/allocation/new/")
    county.select_option("select[name=kind]", label="分配下达")
    county.fill("input[name=doc_no]", "塔地财社〔2022〕99号")
    county.fill("input[name=title]", "关于下达困难群众救助补助资金的通知")
    county.fill("input[name=doc_date]", "2022-11-20")
    county.click("button.primary")
    expect(county.locator("#editor[data-ready='1']")).to_have_count(1)
    county.fill(f"#increase_{YUMIN}", "1000")
    expect(county.locator("#plan-problems")).to_contain_text("超过裕民县尚可分配")
    county.click("button.primary")
    expect(county.locator("#save-state")).to_contain_text("未保存")
    expect(county.locator("#plan-problems")).to_contain_text("尚可分配的2,560,000.00元")
    county.screenshot(path="docs/county-plan-above-held.png", full_page=True)
    assert not Plan.objects.get(doc_no="塔地财社〔2022〕99号").rows.exists()

    # 7. an invalid cell makes the totals unknown; the failed save says 未保存
    clerk.goto(f"{base}/allocation/new/")
    clerk.fill("input[name=doc_no]", "塔地财社〔2022〕95号")
    clerk.fill("input[name=title]", "关于再次调整2022年自治区困难群众救助补助资金分配方案的通知")
    clerk.fill("input[name=doc_date]", "2022-11-20")
    clerk.click("button.primary")
    expect(clerk.locator("#editor[data-ready='1']")).to_have_count(1)
    expect(clerk.locator("#total-final")).to_have_text("413")
    clerk.fill("#decrease_654221", "abc")
    expect(clerk.locator("#total-final")).to_have_text("？")
    expect(clerk.locator("#total-decrease")).to_have_text("？")
    expect(clerk.locator("#total-base")).to_have_text("？")  # its row is unreadable: no sum is true
    expect(clerk.locator("#final_654221")).to_have_text("？")
    clerk.click("button.primary")
    expect(clerk.locator("#save-state")).to_contain_text("未保存")
    expect(clerk.locator("#total-final")).to_have_text("？")
    clerk.screenshot(path="docs/editor-unknown-total.png", full_page=True)
    clerk.fill("#decrease_654221", "0")
    expect(clerk.locator("#total-final")).to_have_text("413")

    # 2. 裕民县 paid 240万 of 256万: the row shows it, a 20万 decrease warns, the submission is refused
    yumin_pays_240_wan()
    clerk.goto(clerk.url)
    expect(clerk.locator("#editor[data-ready='1']")).to_have_count(1)
    expect(clerk.locator(f"#paid_{YUMIN}")).to_have_text("240")
    expect(clerk.locator(f"#unspent_{YUMIN}")).to_have_text("16")
    clerk.fill(f"#decrease_{YUMIN}", "20")
    clerk.fill("#increase_654201", "20")
    expect(clerk.locator(f"#problem-decrease_{YUMIN}")).to_contain_text("未支付余额160,000.00元")
    clerk.screenshot(path="docs/editor-decrease-above-unspent.png", full_page=True)
    clerk.click("button.primary")
    expect(clerk.locator(".messages")).to_contain_text("已保存")
    clerk.click("button:has-text('提交审核')")
    expect(clerk.locator(".messages")).to_contain_text("已支付2,400,000.00元")
    assert Plan.objects.get(doc_no="塔地财社〔2022〕95号").status == Plan.DRAFT
    assert (
        Decimal(Plan.objects.get(doc_no="塔地财社〔2022〕95号").rows.get(region__code=YUMIN).decrease)
        == 200000
    )
