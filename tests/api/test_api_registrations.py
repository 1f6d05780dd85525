"""指标登记 through the API: the page's own service, waiting for a checker; idempotency keys; scope; the
service's problems as JSON pointers in Chinese. The seed notice's 8号 receipt: 39万 to 裕民县."""

import pytest
from api_helpers import EMIN, YUMIN, TokenClient, make_token, registration_body

from jiuzhu.approvals import review
from jiuzhu.audit.models import AuditRecord
from jiuzhu.ledger.models import Movement, Registration, RegistrationLine
from jiuzhu.ledger.selectors import ledger_report
from jiuzhu.regions.models import Region

PATH = "/api/v1/registrations"


@pytest.fixture
def receipt(seed):
    return Movement.objects.filter(region__code=YUMIN).order_by("received_on", "id").first()


@pytest.fixture
def yumin_api(seed):
    return TokenClient(make_token(YUMIN))


def stored():
    return (Registration.objects.count(), RegistrationLine.objects.count())


def test_a_county_token_registers_its_receipt_and_it_waits_for_a_checker(yumin_api, receipt, seed):
    assert receipt.amount == 390000
    r = yumin_api.post_json(PATH, registration_body(receipt), key="reg-8")
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["status"], body["amount"], body["mof_div_code"]) == ("submitted", "390000.00", "654225000")
    assert body["cor_bgt_doc_no"] == "裕财社〔2022〕3号"
    assert [(x["exp_func_code"], x["purpose"], x["amount"]) for x in body["lines"]] == [
        ("2081902", "dibao", "300000.00"),
        ("2082001", "linshi", "90000.00"),
    ]
    registration = Registration.objects.get(pk=body["registration_id"])
    assert registration.registered_by.username == f"sys_{YUMIN}_finance_maker"
    # not counted until a checker approves, as on the page
    report = ledger_report(seed["ymx_cz_sh"], fiscal_year=2022)
    assert all(line["registered"] == "0.00" for reg in report["regions"] for line in reg["appropriations"])
    assert (
        AuditRecord.objects.filter(action="ledger.register", actor=f"sys_{YUMIN}_finance_maker").count() == 1
    )
    call = AuditRecord.objects.filter(action="api.call", entity="api:registrations").last()
    assert call is not None and call.after["status"] == 201
    review.approve(registration, seed["ymx_cz_sh"])
    registration.refresh_from_db()
    assert registration.status == Registration.APPROVED


def test_the_same_key_replays_and_a_changed_body_is_refused(yumin_api, receipt):
    body = registration_body(receipt)
    first = yumin_api.post_json(PATH, body, key="reg-8")
    again = yumin_api.post_json(PATH, body, key="reg-8")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert stored() == (1, 2)

    changed = registration_body(receipt, cor_bgt_doc_no="裕财社〔2022〕4号")
    refused = yumin_api.post_json(PATH, changed, key="reg-8")
    assert refused.status_code == 422
    assert refused.json()["type"] == "urn:jiuzhu:problem:idempotency_key_reused"
    assert stored() == (1, 2)
    assert Registration.objects.get().cor_bgt_doc_no == "裕财社〔2022〕3号"


def test_another_countys_movement_is_refused_with_nothing_stored(receipt, seed):
    emin = TokenClient(make_token(EMIN))
    before = stored()
    r = emin.post_json(PATH, registration_body(receipt), key="try")
    assert r.status_code == 403
    assert r.json()["detail"] == "该地区不在您的管辖范围内"
    # a document 裕民县 never received is not found
    missing = emin.post_json(
        PATH,
        registration_body(
            receipt, mof_div_code=Region.objects.get(code=EMIN).mof_div_code, sup_bgt_doc_no="无"
        ),
        key="try-2",
    )
    assert missing.status_code == 404, missing.content
    # the prefecture above may see the receipt but only the receiving county registers it
    above = TokenClient(make_token("654200")).post_json(PATH, registration_body(receipt), key="try-3")
    assert above.status_code == 403
    assert stored() == before


def test_bad_lines_are_problems_with_json_pointers_in_chinese(yumin_api, receipt):
    assert "2010101" not in receipt.fund.expenditure_codes
    wrong_code = registration_body(
        receipt,
        lines=[
            {"exp_func_code": "2081902", "purpose": "dibao", "amount": "300000.00"},
            {"exp_func_code": "2010101", "purpose": "linshi", "amount": "80000.00"},
        ],
    )
    r = yumin_api.post_json(PATH, wrong_code, key="bad-1")
    assert r.status_code == 422
    assert r["Content-Type"] == "application/problem+json"
    errors = {(e["pointer"], e["code"]): e["detail"] for e in r.json()["errors"]}
    assert "不是本资金允许的科目" in errors[("/lines/1/exp_func_code", "CODE_NOT_ALLOWED")]
    assert "登记合计" in errors[("/lines", "SUM_MISMATCH")]
    unreadable = registration_body(
        receipt,
        lines=[
            {"exp_func_code": "2081902", "purpose": "低保", "amount": "300000.00"},
            {"exp_func_code": "2082001", "purpose": "linshi", "amount": "九万"},
        ],
    )
    r = yumin_api.post_json(PATH, unreadable, key="bad-2")
    assert r.status_code == 422
    pointers = {e["pointer"]: e["detail"] for e in r.json()["errors"]}
    assert set(pointers) == {"/lines/0/purpose", "/lines/1/amount"}
    assert "支出方向“低保”不存在" in pointers["/lines/0/purpose"]
    no_docno = yumin_api.post_json(PATH, registration_body(receipt, cor_bgt_doc_no=""), key="bad-3")
    assert no_docno.status_code == 422
    first = no_docno.json()["errors"][0]
    assert (first["pointer"], first["code"], first["detail"]) == (
        "/cor_bgt_doc_no",
        "DOCNO_REQUIRED",
        "请填写本级指标文号",
    )
    assert stored() == (0, 0)
    # a refused body stores no key: corrected, it is registered under the same key
    assert yumin_api.post_json(PATH, registration_body(receipt), key="bad-1").status_code == 201
