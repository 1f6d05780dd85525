"""Maker-checker for registrations and money-moving imports: nothing counts until a second person approved it."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from ledger_helpers import SHORT_HEADER as PAYOUT_HEADER
from ledger_helpers import (
    YUMIN,
    approve_batch,
    approve_registration,
    csv_bytes,
    import_payments,
    movements,
    register_yumin,
    valid_id,
)

from jiuzhu.approvals import review
from jiuzhu.approvals.models import Approval, ApprovalRule
from jiuzhu.audit.models import AuditRecord
from jiuzhu.core.errors import ActionRefused, InvalidInput
from jiuzhu.domain.ledger import RegistrationLine
from jiuzhu.domain.purposes import Purpose
from jiuzhu.ledger.actors import SystemActor
from jiuzhu.ledger.models import Payment, Payout, Registration
from jiuzhu.ledger.selectors import ledger_report
from jiuzhu.ledger.services import (
    do_import_file,
    do_register_receipt,
)


def yumin_line(report=None):
    report = report or ledger_report(SystemActor())
    return next(r for r in report["regions"] if r["mof_div_code"] == "654225000")


def register_issue(people, **changes):
    args = {
        "actor": people["ymx_cz_jb"],
        "movement": movements(YUMIN)[0],
        "cor_bgt_doc_no": "裕财社〔2022〕3号",
        "lines": [RegistrationLine("2081902", Purpose.SUBSISTENCE, Decimal("390000.00"))],
        "registered_on": datetime.date(2022, 2, 10),
    }
    registration, _ = do_register_receipt(**{**args, **changes})
    return registration


def ledger_json(*args):
    out = io.StringIO()
    call_command("ledger", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


# --- registrations --------------------------------------------------------------------------------------------


def test_a_submitted_registration_counts_nowhere_until_a_second_person_approves_it(people):
    registration = register_issue(people)
    assert registration.status == Registration.SUBMITTED
    yumin = yumin_line()
    assert (yumin["registered"], yumin["unregistered"], yumin["appropriations"]) == ("0.00", "2560000.00", [])
    assert (
        yumin["receipts"][0]["registration_status"] == "submitted" and not yumin["receipts"][0]["registered"]
    )
    assert ledger_json("--region", YUMIN)["regions"][0]["registered"] == "0.00"

    state = review.approve(registration, people["ymx_cz_sh"])
    assert state.complete
    registration.refresh_from_db()
    assert registration.status == Registration.APPROVED and registration.approved_at is not None
    yumin = ledger_json("--region", YUMIN)["regions"][0]
    assert (yumin["registered"], yumin["unregistered"]) == ("390000.00", "2170000.00")
    assert [(x["purpose"], x["registered"]) for x in yumin["appropriations"]] == [("dibao", "390000.00")]
    steps = Approval.objects.filter(subject="ledger.registration", object_id=registration.pk)
    assert [(s.decision, s.actor.username) for s in steps] == [
        ("submit", "ymx_cz_jb"),
        ("approve", "ymx_cz_sh"),
    ]
    assert AuditRecord.objects.filter(action="ledger.register_approve", actor="ymx_cz_sh").exists()


def test_the_maker_cannot_approve_their_own_registration_even_as_a_checker(people):
    registration = register_issue(people)
    maker = people["ymx_cz_jb"]
    with pytest.raises(ActionRefused, match="没有执行此操作的权限"):
        review.approve(registration, maker)
    maker.role = "checker"  # the maker moved to the checker's desk: still not for their own registration
    maker.save()
    with pytest.raises(ActionRefused, match="经办人不能审核自己"):
        review.approve(registration, maker)
    registration.refresh_from_db()
    assert registration.status == Registration.SUBMITTED
    review.approve(registration, people["ymx_cz_sh"])


def test_only_a_checker_of_the_same_region_and_department_approves(people):
    from jiuzhu.accounts.models import User

    registration = register_issue(people)
    civil = User.objects.create(
        username="ymx_mz_sh", region=people["ymx_cz_jb"].region, department="civil_affairs", role="checker"
    )
    refusals = {
        "dq_cz_sh": "只有裕民县本级的审核人员可以审核",  # an area above is not the county's own bureau
        "tcs_cz_sh": "只有裕民县本级的审核人员可以审核",
        "dq_sj_ck": "没有执行此操作的权限",
    }
    for username, message in refusals.items():
        with pytest.raises(ActionRefused, match=message):
            review.approve(registration, people[username])
    with pytest.raises(ActionRefused, match="同一部门"):
        review.approve(registration, civil)
    assert review.approve(registration, people["ymx_cz_sh2"]).complete


def test_a_returned_registration_shows_its_reason_and_is_corrected_and_resubmitted(people):
    registration = register_issue(people)
    with pytest.raises(InvalidInput):
        review.return_(registration, people["ymx_cz_sh"], reason="  ")
    review.return_(registration, people["ymx_cz_sh"], reason="应分列临时救助9万元")
    registration.refresh_from_db()
    assert (registration.status, registration.return_reason) == (Registration.RETURNED, "应分列临时救助9万元")
    receipt = yumin_line()["receipts"][0]
    assert (receipt["registration_status"], receipt["return_reason"]) == ("returned", "应分列临时救助9万元")
    with pytest.raises(ActionRefused):
        review.approve(registration, people["ymx_cz_sh2"])

    maker = Client()
    maker.force_login(people["ymx_cz_jb"])
    form = maker.get(reverse("ledger:register", args=[registration.movement_id])).content.decode()
    assert "应分列临时救助9万元" in form and 'value="390000.00"' in form  # prefilled for correction
    response = maker.post(
        reverse("ledger:register", args=[registration.movement_id]),
        {
            "cor_bgt_doc_no": "裕财社〔2022〕3号",
            "code_0": "2081902",
            "purpose_0": "dibao",
            "amount_0": "300000",
            "code_1": "2082001",
            "purpose_1": "linshi",
            "amount_1": "90000",
        },
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert (registration.status, registration.return_reason) == (Registration.SUBMITTED, "")
    assert registration.lines.count() == 2
    assert AuditRecord.objects.filter(action="ledger.register_resubmit").get().before["lines"] == [
        ["2081902", "dibao", "390000.00"]
    ]
    approve_registration(registration, checker=people["ymx_cz_sh"])
    lines = {x["purpose"]: x["registered"] for x in yumin_line()["appropriations"]}
    assert lines == {"dibao": "300000.00", "linshi": "90000.00"}


def test_approval_rule_thresholds_apply_to_registrations(people):
    region = people["ymx_cz_jb"].region
    ApprovalRule.objects.create(
        region=region,
        subject="ledger.registration",
        min_amount=Decimal("2000000"),
        approvals_required=2,
        created_by=people["admin"],
    )
    small = register_issue(people)  # 39万: one checker
    assert approve_registration(small).complete
    increase, _ = do_register_receipt(
        actor=people["ymx_cz_jb"],
        movement=movements(YUMIN)[1],
        cor_bgt_doc_no="裕财社〔2022〕41号",
        lines=[RegistrationLine("2081902", Purpose.SUBSISTENCE, Decimal("2170000.00"))],
        registered_on=datetime.date(2022, 11, 15),
    )
    state = review.approve(increase, people["ymx_cz_sh"])
    assert (state.complete, state.count, state.required) == (False, 1, 2)
    increase.refresh_from_db()
    assert increase.status == Registration.SUBMITTED
    assert yumin_line()["registered"] == "390000.00"
    with pytest.raises(ActionRefused, match="您已审核过"):
        review.approve(increase, people["ymx_cz_sh"])
    assert review.approve(increase, people["ymx_cz_sh2"]).complete
    assert yumin_line()["registered"] == "2560000.00"


def test_the_demo_rule_asks_two_county_checkers_from_ten_million(people):
    from jiuzhu.approvals.services import do_load_default_rules, required_approvals

    do_load_default_rules()
    fund = movements(YUMIN)[0].fund
    region = people["ymx_cz_jb"].region
    assert (
        required_approvals(subject="ledger.registration", region=region, fund=fund, amount=Decimal(9_000_000))
        == 1
    )
    assert (
        required_approvals(subject="ledger.import", region=region, fund=fund, amount=Decimal(10_000_000)) == 2
    )


# --- import batches -------------------------------------------------------------------------------------------

VOUCHER = ["V1", "裕财社〔2022〕3号", "2081902", "5000", "5000", "2022-05-10", "裕民县民政局"]


def test_an_imported_file_counts_only_once_approved_and_says_so_when_imported_again(yumin, people):
    outcome = import_payments(people["ymx_cz_jb"], yumin, [VOUCHER], approve=False)
    batch = outcome.batch
    assert batch.awaiting_approval and batch.amount == Decimal("5000.00")
    assert "审核通过后计入台账" in outcome.message
    dibao = next(x for x in yumin_line()["appropriations"] if x["purpose"] == "dibao")
    assert dibao["paid"] == "0.00"
    again = import_payments(people["ymx_cz_jb"], yumin, [VOUCHER], name="renamed.csv", approve=False)
    assert again.already_imported and again.batch == batch
    assert "正在等待审核，本次未作任何改动" in again.message
    assert Payment.objects.count() == 1
    with pytest.raises(ActionRefused, match="没有执行此操作的权限"):
        review.approve(batch, people["ymx_cz_jb"])
    review.approve(batch, people["ymx_cz_sh"])
    dibao = next(x for x in yumin_line()["appropriations"] if x["purpose"] == "dibao")
    assert dibao["paid"] == "5000.00"
    again = import_payments(people["ymx_cz_jb"], yumin, [VOUCHER], approve=False)
    assert again.already_imported and "等待审核" not in again.message


def test_a_returned_file_has_its_rows_removed_and_may_come_again(yumin, people):
    batch = import_payments(people["ymx_cz_jb"], yumin, [VOUCHER], approve=False).batch
    removed = review.return_(batch, people["ymx_cz_sh"], reason="支付日期有误").facts["rows_removed"]
    assert removed == 1 and not Payment.objects.exists()
    batch.refresh_from_db()
    assert (batch.status, batch.review_status, batch.return_reason, batch.review_label) == (
        "done",
        "returned",
        "支付日期有误",
        "已退回",
    )
    with pytest.raises(ActionRefused):
        review.approve(batch, people["ymx_cz_sh2"])
    # the same voucher number is free again; a corrected (or the same) file is a new submission
    fixed = import_payments(people["ymx_cz_jb"], yumin, [VOUCHER], approve=False)
    assert not fixed.already_imported and fixed.batch.pk != batch.pk and fixed.batch.awaiting_approval
    assert AuditRecord.objects.get(action="ledger.import_return").after["rows_removed"] == 1


def test_nothing_is_approved_before_what_it_depends_on(people):
    register_yumin(people, approve=False)
    yumin = people["ymx_cz_jb"].region
    vouchers = import_payments(people["ymx_cz_jb"], yumin, [VOUCHER], approve=False).batch
    with pytest.raises(ActionRefused, match="请先审核该指标的登记"):
        approve_batch(vouchers)
    payouts = do_import_file(
        actor=people["ymx_cz_jb"],
        kind="payouts",
        region=yumin,
        data=csv_bytes(
            PAYOUT_HEADER, [["甲", "身份证号", valid_id(serial=1), "到人", "600", "600", "5", "V1"]]
        ),
        filename="p.csv",
    ).batch
    with pytest.raises(ActionRefused, match="支付凭证V1尚未审核通过"):
        approve_batch(payouts)
    with pytest.raises(ActionRefused, match="请先退回引用它们的发放批次"):
        review.return_(vouchers, people["ymx_cz_sh"], reason="x")
    for registration in Registration.objects.order_by("id"):
        approve_registration(registration)
    approve_batch(vouchers)
    approve_batch(payouts)
    dibao = next(x for x in yumin_line()["appropriations"] if x["purpose"] == "dibao")
    assert (dibao["paid"], dibao["paid_out"]) == ("5000.00", "600.00")
    assert Payout.objects.count() == 1


def test_a_civil_affairs_import_is_approved_by_a_civil_affairs_checker(yumin, people, voucher):
    from jiuzhu.accounts.models import User

    region = people["ymx_cz_jb"].region
    maker = User.objects.create(username="ymx_mz_jb", region=region, department="civil_affairs", role="maker")
    checker = User.objects.create(
        username="ymx_mz_sh", region=region, department="civil_affairs", role="checker"
    )
    batch = do_import_file(
        actor=maker,
        kind="payouts",
        region=region,
        data=csv_bytes(
            PAYOUT_HEADER,
            [["甲", "身份证号", valid_id(serial=1), "到人", "600", "600", "5", "D012022-V02CTD-08061"]],
        ),
        filename="mz.csv",
    ).batch
    with pytest.raises(ActionRefused, match="同一部门"):
        review.approve(batch, people["ymx_cz_sh"])
    assert review.approve(batch, checker).complete


# --- pages ----------------------------------------------------------------------------------------------------


def _as(user):
    client = Client()
    client.force_login(user)
    return client


def test_checkers_see_pending_registrations_with_buttons_and_others_do_not(people):
    registration = register_issue(people)
    approve_url = reverse("approvals:approve", args=["ledger.registration", registration.pk])
    page = _as(people["ymx_cz_sh"]).get(reverse("ledger:home")).content.decode()
    assert "待审核的指标登记（1）" in page and approve_url in page
    for username in ("ymx_cz_jb", "dq_cz_sh", "dq_sj_ck"):
        page = _as(people[username]).get(reverse("ledger:home")).content.decode()
        assert "待审核的指标登记（1）" in page and approve_url not in page, username
    assert _as(people["dq_cz_sh"]).post(approve_url).status_code == 403
    assert _as(people["tcs_cz_sh"]).post(approve_url).status_code == 404
    response = _as(people["ymx_cz_sh"]).post(
        reverse("approvals:return", args=["ledger.registration", registration.pk]), {"reason": "文号有误"}
    )
    assert response.status_code == 302
    page = _as(people["ymx_cz_jb"]).get(reverse("ledger:home")).content.decode()
    assert "已退回" in page and "文号有误" in page and "更正登记" in page


def test_the_registration_form_is_only_for_the_receiving_regions_maker(people):
    url = reverse("ledger:register", args=[movements(YUMIN)[0].pk])
    assert _as(people["ymx_cz_jb"]).get(url).status_code == 200
    for username in ("ymx_cz_sh", "dq_sj_ck", "dq_cz_jb", "admin"):
        assert _as(people[username]).get(url).status_code == 403, username
    assert _as(people["tcs_cz_jb"]).get(url).status_code == 404
    page = _as(people["ymx_cz_sh"]).get(reverse("ledger:home")).content.decode()
    assert url not in page
