"""The usage report over the demo year's October 2022: figures match the ledger to the fen, the workflow, the
frozen acceptance and the Attachment 3 export read back. The demo year is loaded once for the module."""

import datetime
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum
from openpyxl import load_workbook

from jiuzhu.accounts.models import User
from jiuzhu.approvals import review
from jiuzhu.cli import resolve_argv
from jiuzhu.core.errors import ActionRefused
from jiuzhu.domain.usage_report import HEADER_ROW
from jiuzhu.funds.models import Fund
from jiuzhu.ledger.models import ImportBatch, Movement, Payment
from jiuzhu.regions.models import Region
from jiuzhu.reports import services
from jiuzhu.reports.exports import export
from jiuzhu.reports.figures import fund_label, ledger_lines
from jiuzhu.reports.models import UsageReport
from jiuzhu.reports.selectors import consolidated, visible_reports

NOTICE = Path("/work/shared/seed/notice-2022-82.txt")
OCT_END = datetime.date(2022, 10, 31)


@pytest.fixture(scope="module")
def year(django_db_setup, django_db_blocker):
    from django.conf import settings

    with django_db_blocker.unblock(), transaction.atomic():
        settings.JIUZHU_DEMO_LEDGER_YEAR = True
        try:
            call_command("demo", stdout=io.StringIO())
        finally:
            settings.JIUZHU_DEMO_LEDGER_YEAR = False
        yield
        transaction.set_rollback(True)


@pytest.fixture
def u(year, db):
    return {x.username: x for x in User.objects.all()}


def _ledger_totals(region):
    received = Movement.objects.filter(region=region, fiscal_year=2022, received_on__lte=OCT_END).aggregate(
        t=Sum("amount")
    )["t"]
    paid = Payment.objects.filter(
        region=region, fiscal_year=2022, xpay_date__lte=OCT_END, batch__approved_at__isnull=False
    ).aggregate(t=Sum("xpay_amt"))["t"] or Decimal(0)
    return received, paid


def test_each_countys_october_report_matches_the_ledger_to_the_fen(u):
    out = io.StringIO()
    call_command("ledger", "--json", stdout=out)
    ledger = {r["mof_div_code"]: r for r in json.loads(out.getvalue())["regions"]}
    prefecture = Region.objects.get(code="654200")
    c = consolidated(u["dq_cz_sh"], region=prefecture, year=2022, month=10)
    assert len(c.rows) == 8
    for row in c.rows:
        received, paid = _ledger_totals(row["region"])
        assert (row["amount"], row["paid"]) == (received, paid), row["region"].name
        # the year's figures to date agree with `jiuzhu ledger` where nothing came after October
        assert paid <= Decimal(ledger[row["region"].mof_div_code]["paid"])
        for fund in Fund.objects.all():  # per fund as well: the central and the regional fund share a name
            label = fund_label(fund.name, fund.source_label)
            fund_paid = Payment.objects.filter(
                region=row["region"],
                appropriation__fund=fund,
                xpay_date__lte=OCT_END,
                batch__approved_at__isnull=False,
            ).aggregate(t=Sum("xpay_amt"))["t"] or Decimal(0)
            assert sum((x.paid for x in row["lines"] if x.fund == label), Decimal(0)) == fund_paid
        assert {x.doc_no for x in row["lines"]} == set(
            Movement.objects.filter(region=row["region"], received_on__lte=OCT_END).values_list(
                "sup_bgt_doc_no", flat=True
            )
        )
    # 地区本级 spends only on orphans, through appropriations the demo names as 地区社会福利院's: the home's lines
    # carry all that 本级 paid (what is not yet registered into them stays on 本级's own lines)
    own = next(r for r in c.rows if r["region"].code == "654200")
    home_lines = [x for x in own["lines"] if x.unit == "地区社会福利院"]
    assert home_lines and sum(x.paid for x in home_lines) == own["paid"] > 0
    assert [unit.name for unit, _ in own["units"]] == ["地区社会福利院"]
    total_amount = sum(x.amount for _, x in c.lines())
    total_paid = sum(x.paid for _, x in c.lines())
    assert total_amount == sum(r["amount"] for r in c.rows)
    all_received = Movement.objects.filter(
        region__path__startswith=prefecture.path, fiscal_year=2022, received_on__lte=OCT_END
    ).aggregate(t=Sum("amount"))["t"]
    all_paid = Payment.objects.filter(
        region__path__startswith=prefecture.path, xpay_date__lte=OCT_END, batch__approved_at__isnull=False
    ).aggregate(t=Sum("xpay_amt"))["t"]
    assert (total_amount, total_paid) == (all_received, all_paid)
    assert total_paid > 0
    # the seed: 裕民县 received 256万元 of the regional fund under 8号 and 82号 (both before October's end)
    yumin = ledger_lines(Region.objects.get(code="654225"), 2022, 10)
    seed = [x for x in yumin if x.doc_no in ("塔地财社〔2022〕8号", "塔地财社〔2022〕82号")]
    assert len(seed) == 2 and sum(x.amount for x in seed) == Decimal("2560000.00")


def test_a_lagging_line_needs_its_reason_and_a_foreign_county_sees_nothing(u, settings):
    yumin = Region.objects.get(code="654225")
    # October: time elapsed 83.33%; the demo's 裕民县 has spent 74.30% of its 82号 money, 9.03 points behind:
    # within the default 10 points, lagging at a threshold of 5 (the setting)
    report = services.do_open_report(actor=u["ymx_cz_jb"], region=yumin, year=2022, month=10)
    assert not report.lines.filter(lagging=True).exists()
    settings.JIUZHU_LAG_THRESHOLD_POINTS = 5
    report = services.do_open_report(actor=u["ymx_cz_jb"], region=yumin, year=2022, month=10)
    lagging = list(report.lines.filter(lagging=True).values_list("doc_no", "paid"))
    assert {doc for doc, _ in lagging} >= {"塔地财社〔2022〕82号"}
    for line in report.lines.filter(lagging=True):
        assert Decimal("83.33") - line.paid * 100 / line.amount > 5
    with pytest.raises(ActionRefused, match="须填写原因"):
        services.do_submit_report(actor=u["ymx_cz_jb"], report=report)
    report.refresh_from_db()
    assert report.status == "draft" and not report.submitted_at
    assert list(report.lines.filter(lagging=True).values_list("doc_no", "paid")) == lagging
    # a stricter threshold from the settings makes fewer lines lag
    settings.JIUZHU_LAG_THRESHOLD_POINTS = 100
    services.do_open_report(actor=u["ymx_cz_jb"], region=yumin, year=2022, month=10)
    assert not report.lines.filter(lagging=True).exists()
    settings.JIUZHU_LAG_THRESHOLD_POINTS = 5
    report = services.do_open_report(actor=u["ymx_cz_jb"], region=yumin, year=2022, month=10)
    # another county's clerk: neither sees it nor may submit it
    assert not visible_reports(u["ems_cz_jb"]).filter(pk=report.pk).exists()
    with pytest.raises(ActionRefused):
        services.do_submit_report(actor=u["ems_cz_jb"], report=report)
    report.refresh_from_db()
    assert report.status == "draft"
    explanations = {
        x.pk: services.Explanation(
            "低保对象动态调整，资金拨付滞后", "加快审核发放", datetime.date(2022, 11, 30)
        )
        for x in report.lines.filter(lagging=True)
    }
    half = dict(list(explanations.items())[:1])
    half = {k: services.Explanation(v.reason, "", None) for k, v in half.items()}
    services.do_save_explanations(actor=u["ymx_cz_jb"], report=report, explanations=half)
    with pytest.raises(ActionRefused, match="须填写原因"):  # a reason alone is not enough
        services.do_submit_report(actor=u["ymx_cz_jb"], report=report)
    services.do_save_explanations(actor=u["ymx_cz_jb"], report=report, explanations=explanations)
    report = services.do_submit_report(actor=u["ymx_cz_jb"], report=report)
    assert report.status == "submitted"


def _explain(actor, report):
    explanations = {
        x.pk: services.Explanation("项目实施进度滞后", "督促乡镇加快发放", datetime.date(2022, 11, 30))
        for x in report.lines.all()
    }
    services.do_save_explanations(actor=actor, report=report, explanations=explanations)


def test_returned_shows_the_reason_and_accepted_stays_frozen(u):
    emin = Region.objects.get(code="654221")
    report = services.do_open_report(actor=u["ems_cz_jb"], region=emin, year=2022, month=10)
    _explain(u["ems_cz_jb"], report)
    report = services.do_submit_report(actor=u["ems_cz_jb"], report=report)
    # the county's own checker may not accept it: the prefecture's finance checks
    with pytest.raises(ActionRefused, match="地区财政局审核"):
        review.approve(report, u["ems_cz_sh"])
    review.return_(report, u["dq_cz_sh"], reason="82号调减资金未单列，请核实后重报")
    report.refresh_from_db()
    assert report.status == "returned" and "82号" in report.return_reason
    report = services.do_submit_report(actor=u["ems_cz_jb"], report=report)
    state = review.approve(report, u["dq_cz_sh"])
    if not state.complete:  # a large report needs the second checker of the default rules
        report.refresh_from_db()
        assert report.status == "submitted" and report.accepted_figures is None
        assert review.approve(report, u["dq_cz_sh2"]).complete
    report.refresh_from_db()
    assert report.status == "approved"
    before = [(x.doc_no, x.amount, x.paid) for x in report.lines.all()]
    frozen = report.accepted_figures
    # a later import books another October payment
    old = Payment.objects.filter(region=emin, batch__approved_at__isnull=False).first()
    batch = ImportBatch.objects.create(
        kind=ImportBatch.PAYMENTS,
        region=emin,
        filename="补录.xlsx",
        sha256="f" * 64,
        size=1,
        stored_path="x",
        status="done",
        review_status="approved",
        created_by="t",
        approved_at=old.batch.approved_at,
    )
    Payment.objects.create(
        region=emin,
        appropriation=old.appropriation,
        batch=batch,
        fiscal_year=2022,
        pay_cert_no="补录0001",
        exp_func_code=old.exp_func_code,
        pay_amt=Decimal("1234.56"),
        xpay_amt=Decimal("1234.56"),
        xpay_date=datetime.date(2022, 10, 20),
        payee_acct_name="补录",
        direct_fund_tag=old.direct_fund_tag,
        row_no=1,
    )
    report = UsageReport.objects.get(pk=report.pk)
    assert [(x.doc_no, x.amount, x.paid) for x in report.lines.all()] == before
    assert report.accepted_figures == frozen
    with pytest.raises(ActionRefused):
        services.refresh(report)
    # November's report shows the difference
    from jiuzhu.reports.selectors import changes_since_accepted

    november = services.do_open_report(actor=u["ems_cz_jb"], region=emin, year=2022, month=11)
    changes = changes_since_accepted(november)
    assert sum(ch.paid for ch in changes) == Decimal("1234.56")


def test_the_consolidated_xlsx_has_the_notices_header_and_adds_up(u, tmp_path):
    header = next(line for line in NOTICE.read_text().splitlines() if line.startswith("县市（单位）名称"))
    assert tuple(header.split("\t")) == HEADER_ROW
    assert resolve_argv(["jiuzhu", "export", "usage-report"], {"export_usage_report"}) == [
        "jiuzhu",
        "export_usage_report",
    ]
    out = tmp_path / "dq.xlsx"
    call_command(
        "export_usage_report",
        "--region",
        "654200",
        "--month",
        "2022-10",
        "--out",
        str(out),
        stdout=io.StringIO(),
    )
    ws = load_workbook(out).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert tuple(rows[2]) == HEADER_ROW
    assert rows[3][1] == "合计"
    lines = [r for r in rows[4:] if r[1] and str(r[1])[0].isdigit()]
    assert [str(r[1]).split("．")[0] for r in lines] == [str(i) for i in range(1, len(lines) + 1)]
    for col in (3, 4, 6):
        total = Decimal(str(rows[3][col])).quantize(Decimal("0.01"))
        assert sum(Decimal(str(r[col])).quantize(Decimal("0.01")) for r in lines) == total
    prefecture = Region.objects.get(code="654200")
    exact = sum(
        x.amount for _, x in consolidated(u["dq_cz_sh"], region=prefecture, year=2022, month=10).lines()
    )
    assert abs(Decimal(str(rows[3][3])) * 10000 - exact) <= 50
    assert rows[-4][0].startswith("说明：1、")
    pdf = export(prefecture, 2022, 10, ".pdf", u["dq_cz_sh"])
    assert pdf.startswith(b"%PDF")
    Path("var/usage-report-654200.pdf").write_bytes(pdf)  # for a look with pdftoppm
