"""Budget units (预算单位) report beside the regions (issue 15): 地区社会福利院 spends 地区本级's orphan money.

The prefecture's 本级 registers its 50,000元 of 8号 as 30,000 for orphans (2081001) and 20,000 for 特困 (2082102),
and pays 6,000 and 15,000 of them in October; its finance clerk names the orphan appropriation as the home's.
The home's report (filled by the prefecture's 民政 经办, accepted by its finance 审核) has 30,000 / 6,000; 地区本级's
report has its own 20,000 / 15,000 and then the home's line with the home's reason; the two add up to the
ledger. The prefecture's report waits for the home's to be accepted."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from jiuzhu.approvals import review
from jiuzhu.core.errors import ActionRefused
from jiuzhu.reports import services
from jiuzhu.reports.models import UnitAppropriation, UsageReport
from jiuzhu.reports.selectors import consolidated

pytestmark = pytest.mark.django_db
PREFECTURE = "654200"


@pytest.fixture
def home_world(users):
    """地区本级's 8号 registered and paid in October; the orphan appropriation named as 地区社会福利院's."""
    from jiuzhu.domain.ledger import RegistrationLine
    from jiuzhu.domain.purposes import Purpose
    from jiuzhu.ledger import services as ledger
    from jiuzhu.ledger.models import Appropriation, ImportBatch, Movement
    from jiuzhu.regions.models import BudgetUnit

    clerk, checker = users["dq_cz_jb"], users["dq_cz_sh"]
    movement = Movement.objects.get(region__code=PREFECTURE, sup_bgt_doc_no="塔地财社〔2022〕8号")
    registration, _ = ledger.do_register_receipt(
        actor=clerk,
        movement=movement,
        cor_bgt_doc_no="塔地财社〔2022〕18号",
        lines=[
            RegistrationLine("2081001", Purpose.ORPHAN, Decimal("30000")),
            RegistrationLine("2082102", Purpose.EXTREME_POVERTY, Decimal("20000")),
        ],
        registered_on=datetime.date(2022, 1, 25),
    )
    review.approve(registration, checker)
    header = "pay_cert_no,cor_bgt_doc_no,exp_func_code,pay_amt,xpay_amt,xpay_date,payee\n"
    rows = (
        "D012022-BJ-10001,塔地财社〔2022〕18号,2081001,6000,6000,2022-10-12,地区社会福利院\n"
        "D012022-BJ-10002,塔地财社〔2022〕18号,2082102,15000,15000,2022-10-14,塔城地区一卡通代发户\n"
    )
    ledger.do_import_file(
        actor=clerk, kind="payments", region=movement.region, data=(header + rows).encode(), filename="p.csv"
    )
    review.approve(ImportBatch.objects.get(kind="payments", region=movement.region), checker)
    home = BudgetUnit.objects.get(name="地区社会福利院")
    orphans = Appropriation.objects.get(region=movement.region, purpose=Purpose.ORPHAN)
    services.do_assign_appropriation(actor=clerk, appropriation=orphans, unit=home)
    return {"region": movement.region, "home": home, "orphans": orphans, **users}


def _figures(report):
    return [(x.unit, x.doc_no, x.amount, x.paid, x.purposes) for x in report.lines.all()]


def _explain(actor, report, reason="孤儿基本生活费按季度拨付"):
    explanations = {
        x.pk: services.Explanation(reason, "按月拨付", datetime.date(2022, 12, 31))
        for x in report.lines.all()
    }
    services.do_save_explanations(actor=actor, report=report, explanations=explanations)


def test_the_home_reports_its_appropriation_and_the_prefecture_consolidates_it(home_world):
    w = home_world
    unit_report = services.do_open_report(
        actor=w["dq_mz_jb"], region=w["region"], year=2022, month=10, unit=w["home"]
    )
    assert _figures(unit_report) == [
        ("地区社会福利院", "塔地财社〔2022〕8号", Decimal("30000.00"), Decimal("6000.00"), "孤儿基本生活保障")
    ]
    assert unit_report.lines.get().lagging  # 20% paid against 83.33% of the year

    own = services.do_open_report(actor=w["dq_cz_jb"], region=w["region"], year=2022, month=10)
    assert _figures(own) == [
        ("", "塔地财社〔2022〕8号", Decimal("20000.00"), Decimal("15000.00"), "特困人员救助供养"),
        (
            "地区社会福利院",
            "塔地财社〔2022〕8号",
            Decimal("30000.00"),
            Decimal("6000.00"),
            "孤儿基本生活保障",
        ),
    ]
    assert sum(x.amount for x in own.lines.all()) == Decimal("50000.00")  # the region's whole ledger
    assert sum(x.paid for x in own.lines.all()) == Decimal("21000.00")

    # the region's report waits for the home's, which needs its reason first
    with pytest.raises(ActionRefused, match="地区社会福利院"):
        services.do_submit_report(actor=w["dq_cz_jb"], report=own)
    assert UsageReport.objects.get(pk=own.pk).status == UsageReport.DRAFT
    with pytest.raises(ActionRefused, match="原因"):
        services.do_submit_report(actor=w["dq_mz_jb"], report=unit_report)
    _explain(w["dq_mz_jb"], unit_report)
    services.do_submit_report(actor=w["dq_mz_jb"], report=unit_report)
    review.approve(UsageReport.objects.get(pk=unit_report.pk), w["dq_cz_sh"])
    assert UsageReport.objects.get(pk=unit_report.pk).status == UsageReport.ACCEPTED

    # now the region's report takes the home's reason and may go to its checker
    _explain(w["dq_cz_jb"], own, reason="特困供养金按月发放")
    services.do_submit_report(actor=w["dq_cz_jb"], report=own)
    own.refresh_from_db()
    home_line = own.lines.get(unit="地区社会福利院")
    assert (own.status, home_line.reason) == (UsageReport.SUBMITTED, "孤儿基本生活费按季度拨付")
    assert own.lines.get(unit="").reason == "特困供养金按月发放"

    c = consolidated(w["dq_cz_sh"], region=w["region"], year=2022, month=10)
    row = next(r for r in c.rows if r["region"].code == PREFECTURE)
    assert row["amount"] == Decimal("50000.00") and [u.name for u, _ in row["units"]] == ["地区社会福利院"]
    assert "地区社会福利院（塔城地区）" not in c.not_filed and "塔城地区" not in c.not_filed


def test_who_fills_and_who_accepts_a_units_report(home_world):
    w = home_world
    for name in ("dq_cz_jb", "ymx_cz_jb", "dq_mz_sh"):
        with pytest.raises(ActionRefused):
            services.do_open_report(actor=w[name], region=w["region"], year=2022, month=10, unit=w["home"])
    assert not UsageReport.objects.filter(unit=w["home"]).exists()
    report = services.do_open_report(
        actor=w["dq_mz_jb"], region=w["region"], year=2022, month=10, unit=w["home"]
    )
    _explain(w["dq_mz_jb"], report)
    services.do_submit_report(actor=w["dq_mz_jb"], report=report)
    for name in ("dq_mz_sh", "ymx_cz_sh"):  # civil affairs' checker; a county's finance checker
        with pytest.raises(ActionRefused):
            review.approve(UsageReport.objects.get(pk=report.pk), w[name])
    assert UsageReport.objects.get(pk=report.pk).status == UsageReport.SUBMITTED
    review.return_(UsageReport.objects.get(pk=report.pk), w["dq_cz_sh"], reason="请说明拨付计划")
    report.refresh_from_db()
    assert (report.status, report.return_reason) == (UsageReport.RETURNED, "请说明拨付计划")


def test_only_the_regions_finance_clerk_names_a_units_appropriations(home_world):
    w = home_world
    for name in ("dq_mz_jb", "dq_cz_sh", "ymx_cz_jb"):
        with pytest.raises(ActionRefused):
            services.do_assign_appropriation(actor=w[name], appropriation=w["orphans"], unit=None)
    assert UnitAppropriation.objects.get(appropriation=w["orphans"]).unit == w["home"]
    services.do_assign_appropriation(actor=w["dq_cz_jb"], appropriation=w["orphans"], unit=None)
    own = services.do_open_report(actor=w["dq_cz_jb"], region=w["region"], year=2022, month=10)
    assert [(x.unit, x.amount, x.paid) for x in own.lines.all()] == [
        ("", Decimal("50000.00"), Decimal("21000.00"))
    ]


def test_a_measures_date_before_the_reports_month_is_refused(home_world):
    w = home_world
    report = services.do_open_report(actor=w["dq_cz_jb"], region=w["region"], year=2022, month=10)
    line = report.lines.get(unit="")
    with pytest.raises(ActionRefused, match="整改时间2022年9月30日早于本表所属月份"):
        services.do_save_explanations(
            actor=w["dq_cz_jb"],
            report=report,
            explanations={line.pk: services.Explanation("原因", "措施", datetime.date(2022, 9, 30))},
        )
    line.refresh_from_db()
    assert (line.reason, line.measures_due) == ("", None)


def test_a_regions_finance_clerk_adds_a_unit_with_a_code_of_the_region(users):
    from jiuzhu.regions.models import BudgetUnit

    clerk, yumin = users["ymx_cz_jb"], users["ymx_cz_jb"].region
    for code, name, why in (
        ("654200102", "裕民县社会福利院", "本地区代码654225加三位数字"),
        ("654225101", " ", "请填写单位名称"),
        ("654200101", "裕民县社会福利院", "本地区代码654225"),  # the prefecture's home's code
    ):
        with pytest.raises(ActionRefused, match=why):
            services.do_add_budget_unit(actor=clerk, region=yumin, code=code, name=name)
    services.do_add_budget_unit(actor=clerk, region=yumin, code="654225101", name="裕民县社会福利院")
    with pytest.raises(ActionRefused, match="已被使用"):
        services.do_add_budget_unit(actor=clerk, region=yumin, code="654225101", name="裕民县民政局")
    with pytest.raises(ActionRefused, match="本地区已有"):
        services.do_add_budget_unit(actor=clerk, region=yumin, code="654225102", name="裕民县社会福利院")
    for name in ("ymx_cz_sh", "ems_cz_jb", "dq_mz_jb"):  # the county's checker, another county, civil affairs
        with pytest.raises(ActionRefused):
            services.do_add_budget_unit(
                actor=users[name], region=yumin, code="654225103", name="裕民县民政局"
            )
    assert list(BudgetUnit.objects.filter(region=yumin).values_list("code", "name")) == [
        ("654225101", "裕民县社会福利院")
    ]


def test_the_civil_affairs_clerk_is_shown_the_homes_reports_due(home_world, settings):
    from jiuzhu.desk.waiting import waiting
    from jiuzhu.reports.due import due_reports

    settings.JIUZHU_USAGE_REPORT_DUE_DAYS = 5
    w, today = home_world, datetime.date(2022, 11, 3)
    due = due_reports(w["dq_mz_jb"], today)
    assert [(r.title, r.state, r.sent_to) for r in due] == [
        ("地区社会福利院2022年10月资金使用情况跟踪反馈表", "未填报", "本地区财政局"),
        ("地区社会福利院2022年11月资金使用情况跟踪反馈表", "未填报", "本地区财政局"),
    ]
    report = services.do_open_report(
        actor=w["dq_mz_jb"], region=w["region"], year=2022, month=10, unit=w["home"]
    )
    assert due_reports(w["dq_mz_jb"], today)[0].url == f"/reports/{report.pk}/"
    _explain(w["dq_mz_jb"], report)
    services.do_submit_report(actor=w["dq_mz_jb"], report=report)
    assert [r.month for r in waiting(w["dq_mz_jb"], today).reports] == [11]
    for name in ("dq_cz_jb", "dq_mz_sh", "ymx_cz_sh"):  # the unit's reports are not theirs to file
        assert all(r.unit == "" for r in due_reports(w[name], today)), name


def test_the_homes_export_and_the_prefectures_name_the_home_on_its_lines(home_world, tmp_path):
    import io

    from django.core.management import call_command
    from openpyxl import load_workbook

    from jiuzhu.domain.usage_report import HEADER_ROW
    from jiuzhu.reports.exports import export

    w = home_world
    out = tmp_path / "home.xlsx"
    call_command(
        "export_usage_report",
        "--region",
        "654200101",
        "--month",
        "2022-10",
        "--out",
        str(out),
        stdout=io.StringIO(),
    )
    rows = [list(r) for r in load_workbook(out).active.iter_rows(values_only=True)]
    assert rows[1][0] == "县市（单位）名称：地区社会福利院" and tuple(rows[2]) == HEADER_ROW
    assert rows[3][1] == "合计" and (rows[3][3], rows[3][4]) == (3, 0.6)  # 万元
    assert rows[4][:3] == ["地区社会福利院", "1．困难群众救助补助资金（自治区）", "塔地财社〔2022〕8号"]

    data = export(w["region"], 2022, 10, ".xlsx", w["dq_cz_sh"])
    sheet = [list(r) for r in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)]
    prefecture = [
        r for r in sheet if r[2] == "塔地财社〔2022〕8号" and r[0] in ("地区本级", "地区社会福利院")
    ]
    assert [(r[0], r[3], r[4]) for r in prefecture] == [("地区本级", 2, 1.5), ("地区社会福利院", 3, 0.6)]
    pdf = export(w["region"], 2022, 10, ".pdf", w["dq_cz_sh"], unit=w["home"])
    assert pdf.startswith(b"%PDF")
    Path("var/usage-report-home.pdf").write_bytes(pdf)  # for a look with pdftoppm


def test_the_api_names_the_unit_of_a_report_and_of_a_regions_line(home_world):
    from django.test import Client

    from jiuzhu.api.tokens import do_create_account, do_issue_token

    w = home_world
    account = do_create_account(
        actor=w["admin"],
        username="sys_dq",
        system_name="一体化系统（塔城地区）",
        region=w["region"],
        department="finance",
        role="checker",
    )
    token = do_issue_token(actor=w["admin"], account=account, name="测试").token
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    services.do_open_report(actor=w["dq_mz_jb"], region=w["region"], year=2022, month=10, unit=w["home"])
    services.do_open_report(actor=w["dq_cz_jb"], region=w["region"], year=2022, month=10)
    items = client.get("/api/v1/usage-reports?fiscal_year=2022").json()["items"]
    shown = sorted(
        (r["agency_code"], r["agency_name"], [x["agency_name"] for x in r["lines"]]) for r in items
    )
    assert shown == [
        ("", "", ["", "地区社会福利院"]),
        ("654200101", "地区社会福利院", ["地区社会福利院"]),
    ]
