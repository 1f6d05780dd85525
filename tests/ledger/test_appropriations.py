import datetime
from decimal import Decimal

import pytest
from ledger_helpers import YUMIN, approve_registration, movements, register_yumin

from jiuzhu.audit.models import AuditRecord
from jiuzhu.core.errors import ActionRefused, InvalidInput
from jiuzhu.domain.ledger import RegistrationLine
from jiuzhu.domain.purposes import Purpose
from jiuzhu.ledger.actors import SystemActor
from jiuzhu.ledger.models import Appropriation, Movement, Registration
from jiuzhu.ledger.selectors import ledger_report
from jiuzhu.ledger.services import do_register_receipt, refuse_tag_change


def test_approval_books_movements_with_docno_income_code_and_tag(foundation):
    yumin = movements(YUMIN)
    assert [(m.kind, m.amount, m.sup_bgt_doc_no, m.received_on) for m in yumin] == [
        ("issue", Decimal("390000.00"), "塔地财社〔2022〕8号", datetime.date(2022, 1, 20)),
        ("increase", Decimal("2170000.00"), "塔地财社〔2022〕82号", datetime.date(2022, 10, 31)),
    ]
    assert sum(m.amount for m in yumin) == Decimal("2560000.00")  # 裕民县 final 256万元
    tacheng = movements("654201")
    assert [(m.kind, m.amount) for m in tacheng] == [
        ("issue", Decimal("860000.00")),
        ("decrease", Decimal("-610000.00")),
    ]
    all_movements = Movement.objects.all()
    assert {(m.income_code, m.direct_fund_tag) for m in all_movements} == {("1100248", "01")}
    assert sum(m.amount for m in all_movements) == Decimal("4130000.00")  # 合计 413万元
    assert not Movement.objects.filter(region__code="654200", kind="decrease").exists()  # 地区本级: no change


def test_registration_splits_a_receipt_and_balances_come_from_movements(people):
    register_yumin(people)
    report = ledger_report(SystemActor())
    yumin = next(r for r in report["regions"] if r["mof_div_code"] == "654225000")
    assert yumin["received"] == yumin["registered"] == "2560000.00"
    assert yumin["unregistered"] == "0.00"
    lines = {x["purpose"]: x for x in yumin["appropriations"]}
    assert lines["dibao"]["registered"] == "2470000.00"
    assert lines["linshi"]["registered"] == "90000.00"
    assert {x["is_dir"] for x in yumin["appropriations"]} == {"01"}
    tacheng = next(r for r in report["regions"] if r["mof_div_code"] == "654201000")
    assert tacheng["received"] == "250000.00" and tacheng["registered"] == "0.00"


def test_lines_must_sum_to_the_receipt_and_use_allowed_codes(people):
    issue = movements(YUMIN)[0]
    with pytest.raises(InvalidInput) as exc:
        do_register_receipt(
            actor=people["ymx_cz_jb"],
            movement=issue,
            cor_bgt_doc_no="裕财社〔2022〕3号",
            lines=[
                RegistrationLine("2081902", Purpose.SUBSISTENCE, Decimal("300000.00")),
                RegistrationLine("2011301", Purpose.TEMPORARY, Decimal("80000.00")),
                RegistrationLine("2082001", Purpose.ORPHAN, Decimal("5000.00")),
            ],
        )
    codes = {p.code for p in exc.value.problems}
    assert codes == {"SUM_MISMATCH", "CODE_NOT_ALLOWED", "PURPOSE_MISMATCH"}
    assert not Registration.objects.exists() and not Appropriation.objects.exists()


def test_only_the_receiving_county_registers(people):
    issue = movements(YUMIN)[0]
    lines = [RegistrationLine("2081902", Purpose.SUBSISTENCE, Decimal("390000.00"))]
    for user in ("tcs_cz_jb", "dq_cz_sh", "dq_cz_jb"):
        with pytest.raises(ActionRefused):
            do_register_receipt(
                actor=people[user], movement=issue, cor_bgt_doc_no="裕财社〔2022〕3号", lines=lines
            )


def test_late_registration_is_kept_and_flagged(people):
    _, warnings = register_yumin(people, late=True)
    assert [w.code for w in warnings] == ["LATE_REGISTRATION"]
    assert warnings[0].numbers["days"] == 50
    report = ledger_report(SystemActor())
    yumin = next(r for r in report["regions"] if r["mof_div_code"] == "654225000")
    assert [r["late"] for r in yumin["receipts"]] == [False, True]
    assert yumin["receipts"][1]["registered_on"] == "2022-12-20"


def test_a_decrease_is_registered_against_existing_appropriations_and_not_below_paid(people):
    issue, decrease = movements("654201")
    actor = people["tcs_cz_jb"]
    first, _ = do_register_receipt(
        actor=actor,
        movement=issue,
        cor_bgt_doc_no="塔市财社〔2022〕2号",
        lines=[RegistrationLine("2081901", Purpose.SUBSISTENCE, Decimal("860000.00"))],
        registered_on=datetime.date(2022, 1, 25),
    )
    with pytest.raises(InvalidInput) as exc:
        do_register_receipt(
            actor=actor,
            movement=decrease,
            cor_bgt_doc_no="塔市财社〔2022〕50号",
            lines=[RegistrationLine("2082001", Purpose.TEMPORARY, Decimal("-610000.00"))],
        )
    assert [p.code for p in exc.value.problems] == ["DECREASE_WITHOUT_APPROPRIATION"]
    second, _ = do_register_receipt(
        actor=actor,
        movement=decrease,
        cor_bgt_doc_no="塔市财社〔2022〕50号",
        lines=[RegistrationLine("2081901", Purpose.SUBSISTENCE, Decimal("-610000.00"))],
        registered_on=datetime.date(2022, 11, 5),
    )
    # A decrease cannot be approved before the receipt it reduces.
    with pytest.raises(ActionRefused, match="请先审核该指标此前的登记"):
        approve_registration(second, checker=people["tcs_cz_sh"])
    approve_registration(first, checker=people["tcs_cz_sh"])
    approve_registration(second, checker=people["tcs_cz_sh"])
    (line,) = ledger_report(SystemActor(), region=issue.region)["regions"][0]["appropriations"]
    assert line["registered"] == line["balance"] == "250000.00"


def test_a_tag_change_is_refused_and_recorded(people):
    issue = movements(YUMIN)[0]
    with pytest.raises(ActionRefused, match="保持不变"):
        refuse_tag_change(actor=people["ymx_cz_jb"], target=issue, new_tag="09")
    issue.refresh_from_db()
    assert issue.direct_fund_tag == "01"
    audit = AuditRecord.objects.filter(action="ledger.tag_change_refused").get()
    assert audit.before == {"direct_fund_tag": "01"} and audit.after == {"requested": "09"}


def test_registering_twice_is_refused(people):
    register_yumin(people)
    with pytest.raises(ActionRefused):
        register_yumin(people)
