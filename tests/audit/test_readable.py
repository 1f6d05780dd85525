"""The audit trail in an auditor's words, and refused attempts and personal-data exports recorded (issue 11,
point 5)."""

import datetime
from pathlib import Path

import pytest
from django.test import Client

from jiuzhu.audit.actions import AuditAction
from jiuzhu.audit.models import AuditRecord

pytestmark = pytest.mark.django_db
SRC = Path(__file__).resolve().parents[2] / "src" / "jiuzhu"


def _login(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_the_filter_offers_every_action(users, seed_adjustment):
    page = _login(users["dq_sj_ck"]).get("/audit/").content.decode()
    for label in (a.label for a in AuditAction):
        assert f">{label}</option>" in page


def test_an_import_reads_as_its_file_people_and_total(users, seed_adjustment):
    from jiuzhu.approvals import review
    from jiuzhu.domain.ledger import RegistrationLine
    from jiuzhu.domain.purposes import Purpose
    from jiuzhu.ledger import services
    from jiuzhu.ledger.models import Movement

    clerk = users["ymx_cz_jb"]
    movement = Movement.objects.filter(region__code="654225").order_by("id").first()
    registration, _ = services.do_register_receipt(
        actor=clerk,
        movement=movement,
        cor_bgt_doc_no="裕财社〔2022〕3号",
        lines=[RegistrationLine("2081902", Purpose.SUBSISTENCE, movement.amount)],
        registered_on=datetime.date(2022, 2, 10),
    )
    review.approve(registration, users["ymx_cz_sh"])
    data = (
        "pay_cert_no,cor_bgt_doc_no,exp_func_code,pay_amt,xpay_amt,xpay_date,payee\n"
        "D012022-V02CTD-08061,裕财社〔2022〕3号,2081902,5000,5000,2022-05-10,裕民县民政局\n"
    ).encode()
    services.do_import_file(
        actor=clerk, kind="payments", region=movement.region, data=data, filename="五月支付凭证.csv"
    )
    rec = AuditRecord.objects.filter(action="ledger.import_done").latest("id")
    auditor = _login(users["dq_sj_ck"])
    listing = auditor.get("/audit/", {"action": "ledger.import_done"}).content.decode()
    assert "支付凭证文件“五月支付凭证.csv”（1张凭证，合计5,000.00元）" in listing
    assert "payments:" not in listing.split("<table", 1)[1]
    assert f"{clerk.display_name}（裕民县）" in listing
    detail = auditor.get(f"/audit/{rec.pk}/").content.decode()
    assert "导入完成（待审核）" in detail and "文件名" in detail
    visible = detail.split("技术信息")[0]
    assert "ledger.import_done" not in visible and "sha256" not in visible


def test_refused_attempts_are_recorded(users, demo):
    from jiuzhu.allocation import services as allocation
    from jiuzhu.allocation.models import Plan
    from jiuzhu.domain.allocation import AdjustmentLine
    from jiuzhu.regions.models import Region

    seed = Plan.objects.get(doc_no="塔地财社〔2022〕82号")
    before = AuditRecord.objects.count()
    # a county clerk asks for another county's … the prefecture's draft: 404, recorded
    maker = users["dq_cz_jb"]
    plan = allocation.do_create_plan(
        actor=maker,
        fund=seed.fund,
        kind=Plan.ALLOCATION,
        doc_no="塔地财社〔2022〕96号",
        title="x",
        doc_date=datetime.date(2022, 11, 20),
        issuer=Region.objects.get(code="654200"),
    )
    allocation.do_save_rows(actor=maker, plan=plan, lines=[AdjustmentLine("654225", increase=1)])
    assert _login(users["ymx_cz_jb"]).get(f"/allocation/{plan.pk}/").status_code == 404
    # the audit bureau (read-only) tries to submit it: 403, recorded
    assert _login(users["dq_sj_ck"]).post(f"/allocation/{plan.pk}/submit/").status_code == 403
    # the maker submits and then tries to approve their own plan as a checker would: refused, recorded
    allocation.do_submit_plan(actor=maker, plan=plan)
    maker.role = "checker"
    maker.save(update_fields=["role"])
    _login(maker).post(f"/approvals/review/allocation.plan/{plan.pk}/approve/")
    plan.refresh_from_db()
    assert plan.status == Plan.SUBMITTED
    new = AuditRecord.objects.filter(pk__gt=0).order_by("id")[before:]
    actions = [(r.action, r.actor) for r in new if r.action.startswith(("access.", "action."))]
    assert ("access.not_found", "ymx_cz_jb") in actions
    assert ("access.denied", "dq_sj_ck") in actions
    assert ("action.refused", "dq_cz_jb") in actions
    refused = AuditRecord.objects.filter(action="action.refused").latest("id")
    assert "塔地财社〔2022〕96号" in refused.after["reason"] and refused.region_path == "/650000/654200/"


def test_exports_of_personal_data_and_of_the_trail_are_recorded(users, demo):
    clerk = _login(users["ymx_cz_jb"])
    assert clerk.get("/ledger/payouts/export.xlsx", {"month": "2022-05"}).status_code == 200
    rec = AuditRecord.objects.latest("id")
    assert (rec.action, rec.actor, rec.after["month"]) == ("export.payouts", "ymx_cz_jb", "2022-05")
    auditor = _login(users["dq_sj_ck"])
    assert auditor.get("/audit/export.csv").status_code == 200
    rec = AuditRecord.objects.latest("id")
    assert (rec.action, rec.actor) == ("export.audit", "dq_sj_ck") and rec.after["rows"] > 0
