"""Issue 11 in a real browser, the seed demo and the synthetic 中央 fund loaded once:

4/10. the 中央 fund's 塔地财社〔2022〕5号 downloads (standard wording, no template stored) and its 附件1 is a
      plain allocation table (read back from the DOCX text); the template editor inserts variables by buttons;
5.    an audit record reads in Chinese;
6.    a search by the full 证件号码 finds a person's months, shown with their year;
8/12. the export month in Chinese, a bad one answered with a message.
"""

import datetime

import pytest
from browser_helpers import open_as
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YUMIN = "654225"


def yumin_pays_two_people():
    """裕民县 registers its 39万, pays the voucher, and imports May's and June's payouts (both approved)."""
    from jiuzhu.accounts.models import User
    from jiuzhu.approvals import review
    from jiuzhu.domain.identity import with_check_digit
    from jiuzhu.domain.ledger import RegistrationLine
    from jiuzhu.domain.purposes import Purpose
    from jiuzhu.ledger import services
    from jiuzhu.ledger.models import Movement

    clerk, checker = User.objects.get(username="ymx_cz_jb"), User.objects.get(username="ymx_cz_sh")
    movement = Movement.objects.filter(region__code=YUMIN, fund__source_label="自治区").order_by("id").first()
    registration, _ = services.do_register_receipt(
        actor=clerk,
        movement=movement,
        cor_bgt_doc_no="裕财社〔2022〕3号",
        lines=[RegistrationLine("2081902", Purpose.SUBSISTENCE, movement.amount)],
        registered_on=datetime.date(2022, 2, 10),
    )
    review.approve(registration, checker)
    vouchers = "pay_cert_no,cor_bgt_doc_no,exp_func_code,pay_amt,xpay_amt,xpay_date,payee\n"
    vouchers += "D012022-V02CTD-08061,裕财社〔2022〕3号,2081902,5000,5000,2022-05-10,裕民县民政局\n"
    done = services.do_import_file(
        actor=clerk, kind="payments", region=movement.region, data=vouchers.encode(), filename="凭证.csv"
    )
    review.approve(done.batch, checker)
    wang, li = with_check_digit("65422519800101011"), with_check_digit("65422519800101012")
    head = "姓名,证件类型,证件号码,按户或按人补助,应发金额,实发金额,发放月份,支付凭证号\n"
    for month, people in (("05", [("王老师", wang), ("李大姐", li)]), ("06", [("王老师", wang)])):
        rows = "".join(f"{n},身份证号,{i},到人,40,40,{month},D012022-V02CTD-08061\n" for n, i in people)
        done = services.do_import_file(
            actor=clerk,
            kind="payouts",
            region=movement.region,
            data=(head + rows).encode(),
            filename=f"{month}月发放.csv",
        )
        review.approve(done.batch, checker)
    return wang


def test_notices_audit_and_search_read_as_a_clerk_reads(browser, live_server, demo, tmp_path):
    from jiuzhu.demo.seed import load_central_plan
    from jiuzhu.documents.extract import docx_text

    load_central_plan()
    wang = yumin_pays_two_people()
    base = live_server.url

    # 10 + 4. the 中央 fund's notice downloads; its 附件1 is 序号 / 地区 / 金额 only
    clerk = open_as(browser, base, "dq_cz_jb", accept_downloads=True)
    clerk.goto(f"{base}/documents/")
    row = clerk.locator("tr", has_text="塔地财社〔2022〕5号")
    with clerk.expect_download() as download:
        row.locator("a", has_text="DOCX").click()
    path = tmp_path / "5号.docx"
    download.value.save_as(path)
    text = docx_text(path.read_bytes())
    annex = text[text.index("附件1", text.index("附件：") + 3) :]
    annex = annex[: annex.find("附件2")] if "附件2" in annex else annex
    assert "中央直达资金" in text and "金额" in annex
    assert "调减资金情况" not in annex and "调整数小计" not in annex

    # 10. the template editor's variable buttons insert {{ … }} at the cursor
    admin = open_as(browser, base, "admin", accept_downloads=True)
    admin.goto(f"{base}/documents/")
    admin.locator("#templates ~ table tr, #templates + * tr", has_text="中央").first.locator("a").click()
    expect(admin.locator("#var-buttons[data-ready='1']")).to_have_count(1)
    admin.fill("#template-body", "合计")
    admin.locator("#var-buttons button[data-var=total]").click()
    assert admin.input_value("#template-body") == "合计{{ total }}"
    admin.screenshot(path="docs/template-variable-buttons.png", full_page=True)

    # 6. the full number finds 王老师's months, each with its year; the number is shown masked
    county = open_as(browser, base, "ymx_cz_jb", accept_downloads=True)
    county.goto(f"{base}/ledger/search/")
    county.fill("input[name=q]", wang)
    county.click("button.primary")
    table = county.locator("#search-payouts")
    expect(table).to_contain_text("2022年5月")
    expect(table).to_contain_text("2022年6月")
    expect(table).not_to_contain_text("李大姐")
    expect(table).to_contain_text(wang[:6] + "********" + wang[-4:])
    assert wang not in county.url
    county.screenshot(path="docs/search-by-id-number.png", full_page=True)

    # 12. the export month as clerks write it; a bad one comes back with a message
    county.goto(f"{base}/ledger/payouts/")
    county.fill("input[name=month]", "二〇二二年五月")
    county.locator("form[action$='export.xlsx'] button").click()
    expect(county.locator(".messages")).to_contain_text("请填写要导出的年月")
    expect(county.locator("#imports-pager")).to_contain_text("共 3 个文件")
    with county.expect_download() as download:
        county.fill("input[name=month]", "2022年5月")
        county.locator("form[action$='export.xlsx'] button").click()
    assert "2022-05" in download.value.suggested_filename

    # 5. the audit bureau reads who did what to which file, in Chinese, and sees the export recorded
    auditor = open_as(browser, base, "dq_sj_ck", accept_downloads=True)
    auditor.goto(f"{base}/audit/")
    listing = auditor.locator("table.grid")
    expect(listing).to_contain_text("导出到人到户发放明细（含个人信息）")
    expect(listing).to_contain_text("到人到户发放明细文件“05月发放.csv”（2人次，合计80.00元）")
    expect(listing).not_to_contain_text("payouts:")
    auditor.locator("tr", has_text="审核通过导入").first.locator("a").first.click()
    expect(auditor.locator("#audit-action")).to_have_text("审核通过导入")
    expect(auditor.get_by_text("ledger.import_approve")).to_be_hidden()  # the code only behind 技术信息
    auditor.get_by_text("技术信息").click()
    expect(auditor.get_by_text("ledger.import_approve")).to_be_visible()
    auditor.screenshot(path="docs/audit-record-in-chinese.png", full_page=True)
