"""A 下达 notice prints a plain allocation table, and a fund without a template of its own (the synthetic 中央
fund) is worded by the issuer's standard wording adapted to the fund. Rendered once per module, read back as
text from the PDF and the DOCX."""

import pytest
from django.db import transaction

from jiuzhu.documents.extract import docx_text, pdf_text

pytestmark = pytest.mark.django_db
ADJUSTMENT_HEADS = ("调减资金情况", "调增资金情况", "调整数小计", "5=1+4", "补助资金额度")


@pytest.fixture(scope="module")
def texts(django_db_setup, django_db_blocker):
    from jiuzhu.accounts.models import User
    from jiuzhu.allocation.models import Plan
    from jiuzhu.demo.scenario import load_demo
    from jiuzhu.demo.seed import load_central_plan
    from jiuzhu.documents.render import render_notice
    from jiuzhu.documents.selectors import notice_lines, stored_template, template_for

    out = {}
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        load_central_plan()
        clerk = User.objects.get(username="dq_cz_jb")
        for doc in ("塔地财社〔2022〕8号", "塔地财社〔2022〕5号", "塔地财社〔2022〕82号"):
            plan = Plan.objects.get(doc_no=doc)
            lines = notice_lines(clerk, plan)
            out[doc] = {
                "pdf": pdf_text(render_notice(plan, lines, ".pdf")),
                "docx": docx_text(render_notice(plan, lines, ".docx")),
            }
        central = Plan.objects.get(doc_no="塔地财社〔2022〕5号")
        out["central_stored"] = stored_template(central.issuer, central.fund, central.kind)
        out["central_template"] = template_for(central)
        transaction.set_rollback(True)
    return out


def attachment1(text: str) -> str:
    """From the attachment's own label "附件1" (not the 附件说明 of the main text) to the next attachment."""
    start = text.index("附件1", text.index("附件：") + 3)
    end = text.find("附件2", start)
    return text[start : end if end > 0 else None]


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
@pytest.mark.parametrize("doc", ["塔地财社〔2022〕8号", "塔地财社〔2022〕5号"])
def test_an_issue_notice_prints_a_plain_allocation_table(texts, doc, fmt):
    table = attachment1(texts[doc][fmt])
    assert "分配表" in table and "调整分配表" not in table
    for head in ("序号", "地区", "金额", "合计"):
        assert head in table
    for head in ADJUSTMENT_HEADS:
        assert head not in table, head


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_the_seed_issue_table_reads_its_figures(texts, fmt):
    flat = "".join(attachment1(texts["塔地财社〔2022〕8号"][fmt]).split())
    assert "合计" in flat and "裕民县39" in flat  # 裕民县's 39万 of the original allocation


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_the_adjustment_notice_keeps_its_five_columns(texts, fmt):
    table = attachment1(texts["塔地财社〔2022〕82号"][fmt])
    for head in ("调减资金情况", "调增资金情况", "调整数小计"):
        assert head in table


def test_the_central_fund_gets_the_standard_wording_for_its_level(texts):
    assert texts["central_stored"] is None  # nothing stored for it: the standard wording by default
    template = texts["central_template"]
    assert template.feedback_title == "中央财政资金使用情况跟踪反馈表"
    assert template.issuer_list == ("塔城地区财政局", "塔城地区民政局")
    text = "".join(texts["塔地财社〔2022〕5号"]["pdf"].split())
    assert "中央财政困难群众救助补助资金25000万元" in text
    assert "01中央直达资金" in text and "自治区直达资金" not in text
    assert "中央财政资金使用情况跟踪反馈表" in text
