"""The target table's decomposition and the 双监控 report through the one review flow, with refusals that leave
the state unchanged; the counties' confirmation; 民政's actuals. Seed demo (no ledger year)."""

import pytest

from jiuzhu.approvals import review
from jiuzhu.audit.models import AuditRecord
from jiuzhu.core.errors import ActionRefused
from jiuzhu.domain.targets import target_set_for
from jiuzhu.funds.models import Fund
from jiuzhu.performance import monitoring_report, services
from jiuzhu.performance.models import ColumnValue, MonitoringReport, TargetTable
from jiuzhu.performance.selectors import completions
from jiuzhu.regions.models import Region

SOCIAL = "低保资金社会化发放率"


@pytest.fixture
def central(users):
    """The 2022 table made again from the shipped template by the prefecture's 民政 (the demo's removed)."""
    fund = Fund.objects.get(fiscal_year=2022, source_label="自治区")
    MonitoringReport.objects.all().delete()
    TargetTable.objects.all().delete()
    prefecture = Region.objects.get(code="654200")
    template = target_set_for(fund.name, 2022)
    return services.do_create_table(actor=users["dq_mz_jb"], fund=fund, region=prefecture, template=template)


def _cell(table, level3, code):
    ind = table.indicators.get(level3=level3)
    col = table.columns.get(region__code=code)
    return ind, col


def test_the_demo_table_went_through_the_review_flow(users):
    table = TargetTable.objects.get(fund__source_label="自治区")
    assert table.status == "approved"
    assert AuditRecord.objects.filter(
        action="performance.table_approve", entity=f"绩效目标表#{table.pk}"
    ).exists()
    assert table.indicators.count() == 22 and table.columns.count() == 8


def test_decomposition_values_are_checked_all_or_nothing(users, central):
    ind, yumin = _cell(central, SOCIAL, "654225")
    _, emin = _cell(central, SOCIAL, "654221")
    with pytest.raises(ActionRefused, match="无法识别指标值「大约95%」"):
        services.do_set_column_values(
            actor=users["dq_mz_jb"],
            table=central,
            values={(ind.pk, yumin.pk): "≥95%", (ind.pk, emin.pk): "大约95%"},
        )
    assert not ColumnValue.objects.filter(indicator__table=central).exists()
    services.do_set_column_values(
        actor=users["dq_mz_jb"], table=central, values={(ind.pk, yumin.pk): ">= 95 %"}
    )
    assert ColumnValue.objects.get(indicator=ind, column=yumin).value == "≥95%"
    # the county's own value is its target; another county inherits the regional one
    targets = {c.indicator.level3: str(c.target) for c in completions(central, yumin.region, 7)}
    assert targets[SOCIAL] == "≥95%"
    assert {c.indicator.level3: str(c.target) for c in completions(central, emin.region, 7)}[SOCIAL] == "≥90%"


def test_a_county_cannot_decompose_the_prefectures_table(users, central):
    ind, yumin = _cell(central, SOCIAL, "654225")
    with pytest.raises(ActionRefused, match="只有下达目标的地区"):
        services.do_set_column_values(
            actor=users["ymx_cz_jb"], table=central, values={(ind.pk, yumin.pk): "≥99%"}
        )
    assert not ColumnValue.objects.filter(indicator__table=central).exists()


def test_submit_review_return_and_confirm(users, central):
    services.do_submit_table(actor=users["dq_mz_jb"], table=central)
    for refused in ("dq_mz_jb", "ymx_cz_sh"):  # the maker; a county's checker outside the table's region
        with pytest.raises(ActionRefused):
            review.approve(central, users[refused])
        assert TargetTable.objects.get(pk=central.pk).status == "submitted"
    review.return_(central, users["dq_mz_sh"], reason="裕民县的目标值需要再核实")
    central.refresh_from_db()
    assert (central.status, central.return_reason) == ("returned", "裕民县的目标值需要再核实")
    ind, yumin = _cell(central, SOCIAL, "654225")
    with pytest.raises(ActionRefused, match="审核通过后才能确认"):
        services.do_confirm_column(actor=users["ymx_cz_jb"], column=yumin)
    services.do_submit_table(actor=users["dq_mz_jb"], table=central)
    review.approve(central, users["dq_cz_sh"])
    central.refresh_from_db()
    assert central.status == "approved"
    with pytest.raises(ActionRefused, match="只有草稿或已退回"):
        services.do_set_column_values(
            actor=users["dq_mz_jb"], table=central, values={(ind.pk, yumin.pk): "≥99%"}
        )
    with pytest.raises(ActionRefused, match="只能确认本地区"):
        services.do_confirm_column(actor=users["ems_cz_jb"], column=yumin)
    assert central.columns.get(pk=yumin.pk).confirmed_at is None
    services.do_confirm_column(actor=users["ymx_cz_jb"], column=yumin)
    assert central.columns.get(pk=yumin.pk).confirmed_by == users["ymx_cz_jb"]


def test_only_civil_affairs_enters_actuals_with_evidence(users):
    table = TargetTable.objects.get(fund__source_label="自治区")
    ind, yumin = table.indicators.get(level3="政策知晓率"), Region.objects.get(code="654225")
    with pytest.raises(ActionRefused, match="权限"):
        services.do_enter_actual(
            actor=users["ymx_cz_jb"],
            indicator=ind,
            region=yumin,
            through_month=7,
            value="70",
            evidence="问卷",
        )
    with pytest.raises(ActionRefused, match="佐证"):
        services.do_enter_actual(
            actor=users["dq_mz_jb"], indicator=ind, region=yumin, through_month=7, value="70"
        )
    with pytest.raises(ActionRefused, match="应为数字"):
        services.do_enter_actual(
            actor=users["dq_mz_jb"],
            indicator=ind,
            region=yumin,
            through_month=7,
            value="七十",
            evidence="问卷",
        )
    assert ind.actuals.get(region=yumin, through_month=7).value == "88"  # the demo's, unchanged


def test_a_deviation_needs_its_cause_and_measures_then_the_prefecture_approves(users):
    table = TargetTable.objects.get(fund__source_label="自治区")
    ind, yumin = table.indicators.get(level3="政策知晓率"), Region.objects.get(code="654225")
    services.do_enter_actual(
        actor=users["dq_mz_jb"],
        indicator=ind,
        region=yumin,
        through_month=7,
        value="70",
        evidence="7月问卷调查 200 份",
    )
    report = MonitoringReport.objects.get(table=table, region=yumin, through_month=7)
    # without the ledger year nothing is registered: the 8号 receipt of 2022-01-20 waits 192 days by July's end
    deviating = {r.completion.indicator.level3: r for r in monitoring_report.view(report).deviating}
    row = deviating.pop("政策知晓率")
    assert (str(row.completion.target), row.completion.shown, row.completion.source) == (
        "≥82%",
        "70%",
        "填报",
    )
    [(level3, late)] = deviating.items()
    assert (str(late.completion.target), late.completion.shown) == ("收到补助资金后30日内", "192天")
    with pytest.raises(ActionRefused, match="政策知晓率"):
        monitoring_report.do_submit_report(actor=users["ymx_cz_jb"], report=report)
    assert MonitoringReport.objects.get(pk=report.pk).status == "draft"
    line = report.lines.get(indicator=ind)
    late_line = report.lines.get(indicator=late.completion.indicator)
    given = monitoring_report.LineInput(
        expected="85%",
        cause="staff",
        cause_note="村级协理员更换，宣传未到位",
        likelihood="possible",
        needs_fix=True,
        measures="9月底前入户宣传全覆盖",
    )
    with pytest.raises(ActionRefused, match="本地区经办"):
        monitoring_report.do_save_report(actor=users["ems_cz_jb"], report=report, lines={line.pk: given})
    monitoring_report.do_save_report(actor=users["ymx_cz_jb"], report=report, lines={line.pk: given})
    with pytest.raises(ActionRefused, match=level3):  # the other deviation still lacks its cause
        monitoring_report.do_submit_report(actor=users["ymx_cz_jb"], report=report)
    funding = monitoring_report.LineInput(
        cause="funding", likelihood="certain", needs_fix=True, measures="8月登记下达"
    )
    monitoring_report.do_save_report(actor=users["ymx_cz_jb"], report=report, lines={late_line.pk: funding})
    monitoring_report.do_submit_report(actor=users["ymx_cz_jb"], report=report)
    with pytest.raises(ActionRefused, match="下达目标的地区审核"):
        review.approve(report, users["ymx_cz_sh"])
    assert MonitoringReport.objects.get(pk=report.pk).status == "submitted"
    review.approve(report, users["dq_cz_sh"])
    assert MonitoringReport.objects.get(pk=report.pk).status == "approved"
    with pytest.raises(ActionRefused, match="只有草稿或已退回"):
        monitoring_report.do_save_report(actor=users["ymx_cz_jb"], report=report, lines={line.pk: given})
