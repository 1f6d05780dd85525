"""Performance management over the demo year: Attachment 2 exported from the stored table, the notice's 附件2
printed from it, 裕民县's late pass-down deviating with its numbers, and every county's self-evaluation scored,
graded and explained. The demo year is loaded once for the module."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from openpyxl import load_workbook

from jiuzhu.core.errors import ActionRefused
from jiuzhu.performance import evaluation, monitoring_report
from jiuzhu.performance.actuals import computed
from jiuzhu.performance.models import MonitoringReport, TargetIndicator
from jiuzhu.regions.models import Region

YUMIN = "654225"


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    from django.conf import settings

    with django_db_blocker.unblock(), transaction.atomic():
        settings.JIUZHU_DEMO_LEDGER_YEAR = True
        try:
            call_command("demo", stdout=io.StringIO())
        finally:
            settings.JIUZHU_DEMO_LEDGER_YEAR = False
        yield
        transaction.set_rollback(True)


def _export(tmp_path, *args):
    out = tmp_path / "out.xlsx"
    call_command(
        "export_performance",
        "--year",
        "2022",
        "--region",
        "654200",
        "--out",
        str(out),
        *args,
        stdout=io.StringIO(),
    )
    return load_workbook(out).active if not args else load_workbook(out)


def test_exported_attachment_2_pairs_each_indicator_with_its_value_in_its_group(table, tmp_path):
    ws = _export(tmp_path)
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    assert cells[0][0] == "附件2" and cells[1][0] == "自治区对地方转移支付区域绩效目标表"
    assert cells[2][0] == "（2022年度）" and cells[3][0] == "单位：万元"
    head = next(i for i, r in enumerate(cells) if r[0] == "一级指标")
    assert cells[head][4:] == [
        "地区社会福利院",
        "塔城市",
        "额敏县",
        "乌苏市",
        "沙湾市",
        "托里县",
        "裕民县",
        "和布克赛尔县",
    ]  # the tree's short names, as the notice prints them
    funds = next(i for i, r in enumerate(cells) if r[0] == "资金情况（万元）")
    assert (cells[funds][1], cells[funds][4], cells[funds][6]) == (
        "年度金额",
        "其中：自治区财政下达",
        "地方补助",
    )
    assert (cells[funds + 1][1], cells[funds + 1][4]) == ("413", "413")  # from the allocation, not typed

    # the merged 一级/二级 labels: each indicator row reads its group from the merge that covers it
    def group(row, col):
        for m in ws.merged_cells.ranges:
            if m.min_col == col and m.min_row <= row <= m.max_row:
                return ws.cell(m.min_row, col).value
        return ws.cell(row, col).value

    pairs = {
        ws.cell(r, 3).value: (group(r, 1), group(r, 2), ws.cell(r, 4).value)
        for r in range(head + 2, ws.max_row + 1)
    }
    assert len(pairs) == 22
    assert pairs["城乡低保标准"] == ("产出指标", "质量指标", "稳步提高")
    assert pairs["向本行政区域县级以上各级财政部门下达中央财政困难群众救助补助资金"] == (
        "产出指标",
        "时效指标",
        "收到补助资金后30日内",
    )
    assert pairs["低保资金社会化发放率"] == ("产出指标", "成本指标", "≥90%")
    assert pairs["低保对象人数"] == ("产出指标", "数量指标", "应保尽保")
    assert pairs["困难群众生活水平情况"] == ("效益指标", "社会效益指标", "有所提升")
    assert pairs["帮助查明身份滞留流浪乞讨人员返乡情况"][2] == "及时返乡"
    assert pairs["救助对象对社会救助实施的满意度"] == ("满意度指标", "服务对象满意度指标", None)


def test_the_notices_attachment_2_prints_from_the_stored_table(table, tmp_path):
    from docx import Document

    def printed():
        out = tmp_path / "notice.docx"
        call_command(
            "export_notice", "--doc", "塔地财社〔2022〕82号", "--out", str(out), stdout=io.StringIO()
        )
        found = {}
        for t in Document(str(out)).tables:
            for row in t.rows:
                cells = [c.text for c in row.cells]
                if len(cells) > 4 and cells[0] in ("产出指标", "效益指标", "满意度指标"):
                    found[cells[2]] = cells[3]
        return found

    assert printed()["城乡低保标准"] == "稳步提高"
    assert printed()["低保资金社会化发放率"] == "≥90%"
    # a stored value changed (as a corrected table would be) shows in the notice: it is not the shipped file
    TargetIndicator.objects.filter(table=table, level3="城乡低保标准").update(value="≥600元/人·月")
    assert printed()["城乡低保标准"] == "≥600元/人·月"


def test_yumins_late_pass_down_deviates_with_its_numbers(table, u):
    yumin = Region.objects.get(code=YUMIN)
    measured = computed(table.fund_id, 2022, 12)[yumin.pk]["pass_down_days"]
    assert measured.value == 45
    assert "塔地财社〔2022〕82号" in measured.detail and "45天" in measured.detail
    report = monitoring_report.do_open_report(
        actor=u["ymx_cz_jb"], table=table, region=yumin, through_month=12
    )
    v = monitoring_report.view(report)
    [late] = v.deviating
    assert late.completion.indicator.measure == "pass_down_days"
    assert (str(late.completion.target), late.completion.shown) == ("收到补助资金后30日内", "45天")
    with pytest.raises(ActionRefused, match="偏差原因"):
        monitoring_report.do_submit_report(actor=u["ymx_cz_jb"], report=report)
    assert MonitoringReport.objects.get(pk=report.pk).status == "draft"


def test_each_countys_self_evaluation_is_scored_graded_and_explained(table):
    evaluations = {e.region.code: e for e in evaluation.all_evaluations(table)}
    assert len(evaluations) == 8
    for e in evaluations.values():
        assert e.evaluation.grade in {"优秀", "良好", "合格", "不合格"}
        assert all(r.scored.how for r in e.rows)
        assert e.evaluation.budget.points + sum(r.scored.points for r in e.rows) == 100
        print(e.column, e.evaluation.total, e.evaluation.grade, e.rate)
    yumin = evaluations[YUMIN]
    late = next(r for r in yumin.rows if r.completion.indicator.measure == "pass_down_days")
    assert late.scored.score < late.scored.points and "实际45天" in late.scored.how
    assert evaluations["654201"].evaluation.total > yumin.evaluation.total


def test_the_self_evaluation_scores_are_the_work_performance_factor_of_next_years_allocation(table):
    from jiuzhu.domain.factor import split_by_factors

    factor = evaluation.work_performance_factor(fund_name=table.fund.name, year=2023, weight=Decimal(1))
    totals = {e.region.code: e.evaluation.total for e in evaluation.all_evaluations(table)}
    assert factor is not None and factor.name == "工作绩效" and dict(factor.values) == totals
    assert evaluation.work_performance_factor(fund_name=table.fund.name, year=2022, weight=Decimal(1)) is None
    counties = [c for c in totals if c != "654200"]
    parts = split_by_factors(Decimal(1000000), [factor], counties)
    assert sum(parts.values()) == Decimal(1000000)
    assert parts[YUMIN] < parts["654201"]  # 裕民县's late pass-down cost it points, so money
