"""The prefecture's 双监控 overview (page, XLSX) and the PDF exports of 附件2, 双监控 and self-evaluation, over the
seed demo (its 2022 table and the counties' 1—7月 reports), loaded once for the module and rolled back."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from openpyxl import load_workbook

from helpers import logged_in
from jiuzhu.documents.extract import extract_text
from jiuzhu.performance import overview
from jiuzhu.performance.models import MonitoringReport

YUMIN, EMIN, TOLI = "654225", "654221", "654224"


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    from jiuzhu.demo.scenario import load_demo

    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        yield
        transaction.set_rollback(True)


def test_the_overview_lists_every_region_with_its_report_state_budget_and_deviations(table):
    o = overview.overview(table, 7)
    by_code = {x.region.code: x for x in o.lines}
    assert list(by_code) == [c.region.code for c in table.columns.order_by("position")]  # each region once
    reports = MonitoringReport.objects.filter(table=table, through_month=7)
    assert {x.region.code for x in o.lines if x.report} == {r.region.code for r in reports}
    yumin = by_code[YUMIN]
    assert (
        yumin.report is not None and yumin.report.report.status == "draft"
    )  # the demo leaves it for the clerk
    # without the ledger year nothing is registered: the late pass-down deviates, and its line says so
    late = [d for d in yumin.deviating if d.completion.indicator.measure == "pass_down_days"]
    assert late and late[0].summary.startswith(
        late[0].completion.indicator.level3 + "：目标收到补助资金后30日内"
    )
    assert o.elapsed == yumin.report.elapsed
    assert yumin.lagging == (yumin.budget.rate is not None and yumin.budget.rate < o.elapsed)
    # a county's own area: its line only
    mine = overview.overview(table, 7, lambda r: r.code == EMIN)
    assert [x.region.code for x in mine.lines] == [EMIN]


def test_the_overview_page_links_each_report_and_a_county_sees_its_own(table, u):
    page = logged_in(u["dq_cz_sh"]).get(f"/performance/{table.pk}/monitoring/?month=7")
    assert page.status_code == 200
    text = page.content.decode()
    for r in MonitoringReport.objects.filter(table=table, through_month=7):
        assert f'href="/performance/monitoring/{r.pk}/"' in text
    assert "裕民县" in text and "额敏县" in text and "时序进度 58.33%" in text
    county = logged_in(u["ems_cz_jb"]).get(f"/performance/{table.pk}/monitoring/").content.decode()
    assert "额敏县" in county and "裕民县" not in county


def test_the_overview_xlsx_has_a_summary_then_each_report(table, u):
    response = logged_in(u["dq_cz_sh"]).get(f"/performance/{table.pk}/export/?part=monitoring&month=7")
    wb = load_workbook(io.BytesIO(response.content))
    reports = MonitoringReport.objects.filter(table=table, through_month=7).count()
    assert wb.sheetnames[0] == "汇总" and len(wb.sheetnames) == 1 + reports
    rows = [[c.value for c in row] for row in wb["汇总"].iter_rows()]
    head = next(i for i, r in enumerate(rows) if r[0] == "序号")
    body = {r[1]: r for r in rows[head + 1 :]}
    assert len(body) == table.columns.count()
    assert body["裕民县"][2] == "草稿" and int(body["裕民县"][6]) >= 1
    assert "向本行政区域" in body["裕民县"][7]


def _pdf_text(response):
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    return "".join(extract_text(response.content).split())  # a cell's text wraps over lines


def test_attachment_2_as_pdf_pairs_the_values_and_a_county_sees_its_column(table, u):
    text = _pdf_text(logged_in(u["dq_cz_sh"]).get(f"/performance/{table.pk}/export/?format=pdf"))
    for words in (
        "附件2",
        "自治区对地方转移支付区域绩效目标表",
        "单位：万元",
        "稳步提高",
        "低保资金社会化发放率",
        "≥90%",
    ):
        assert words in text
    assert "塔城市" in text and "托里县" in text and "裕民县" in text
    county = _pdf_text(logged_in(u["ems_cz_jb"]).get(f"/performance/{table.pk}/export/?format=pdf"))
    assert "额敏县" in county and "裕民县" not in county


def test_monitoring_and_evaluation_as_pdf(table, u):
    client = logged_in(u["dq_cz_sh"])
    text = _pdf_text(client.get(f"/performance/{table.pk}/export/?part=monitoring&month=7&format=pdf"))
    assert "绩效运行监控汇总表" in text and "裕民县" in text and "偏差原因" in text
    text = _pdf_text(client.get(f"/performance/{table.pk}/export/?part=evaluation&region={TOLI}&format=pdf"))
    assert "项目支出绩效自评表" in text and "托里县" in text and "自评等级" in text
    assert client.get(f"/performance/{table.pk}/export/?format=docx").status_code == 404


def test_the_command_writes_pdf(table, tmp_path):
    for part in ("targets", "monitoring", "evaluation"):
        out = tmp_path / f"{part}.pdf"
        args = f"--year 2022 --region 654200 --part {part} --out {out}".split()
        call_command("export_performance", *args, stdout=io.StringIO())
        assert out.read_bytes().startswith(b"%PDF")


@pytest.fixture
def next_year(table, u):
    """A draft 2023 allocation of the same fund by the prefecture's finance clerk."""
    from helpers import draft_plan
    from jiuzhu.funds.models import Fund

    fund = Fund.objects.get(pk=table.fund_id)
    fund.pk, fund.fiscal_year = None, 2023
    fund.save()
    return draft_plan(
        u["dq_cz_jb"], doc_no="塔地财社〔2023〕1号", kind="allocation", title="2023年分配方案", fund=fund
    )


def test_the_allocation_editor_offers_the_self_evaluation_as_the_work_performance_factor(table, u, next_year):
    from jiuzhu.performance.evaluation import all_evaluations

    client = logged_in(u["dq_cz_jb"])
    page = client.get(f"/allocation/{next_year.pk}/edit/").content.decode()
    assert (
        "加入工作绩效因素" in page
        and "2022年度绩效自评总分（塔城地区《自治区对地方转移支付区域绩效目标表》" in page
    )
    scores = {e.region.code: e.evaluation.total for e in all_evaluations(table)}
    assert f"{scores[TOLI]}" in page
    response = client.post(
        f"/allocation/{next_year.pk}/factors/",
        {"total": "100万元", "unit": "1", "work": "1", "work_weight": "1"},
    )
    assert response.status_code == 302
    amounts = {r.region.code: r.increase for r in next_year.rows.select_related("region")}
    assert sum(amounts.values()) == 1000000 and set(amounts) <= set(scores)
    # in proportion to the scores, each within one 元 of its exact share
    whole = sum(scores[c] for c in amounts)
    for code, amount in amounts.items():
        assert abs(amount - 1000000 * scores[code] / whole) < 1


def test_without_a_self_evaluation_the_factor_is_refused_and_nothing_saved(table, u):
    from helpers import draft_plan
    from jiuzhu.allocation.models import PlanRow

    client = logged_in(u["dq_cz_jb"])
    plan = draft_plan(u["dq_cz_jb"], doc_no="塔地财社〔2022〕991号", kind="allocation", title="分配方案")
    assert "没有上一年度本地区的绩效自评" in client.get(f"/allocation/{plan.pk}/edit/").content.decode()
    response = client.post(f"/allocation/{plan.pk}/factors/", {"total": "100万元", "work": "1"}, follow=True)
    assert "没有上一年度的绩效自评，不能选用工作绩效因素" in response.content.decode()
    assert not PlanRow.objects.filter(plan=plan).exists()


def test_a_wrong_total_is_refused_and_the_factor_form_keeps_what_was_typed(table, u, next_year):
    client = logged_in(u["dq_cz_jb"])
    typed = {"total": "一百万", "unit": "10000", "work": "1", "work_weight": "2.5"}
    page = client.post(f"/allocation/{next_year.pk}/factors/", typed, follow=True).content.decode()
    assert "分配总额或分配单位" in page
    assert 'name="total" value="一百万"' in page and 'value="2.5"' in page
    assert '<option value="10000" selected>' in page
    assert not next_year.rows.exclude(increase=0).exists()
    # once shown, the typed values are gone: the editor opens as before
    again = client.get(f"/allocation/{next_year.pk}/edit/").content.decode()
    assert 'value="一百万"' not in again
