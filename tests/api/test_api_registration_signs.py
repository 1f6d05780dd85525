"""The sign of a 调减 (decision): in the API it is negative, as the API's reads, the exchange files and the movement
show it; the page takes the positive figure a person reads in the notice's 调减 column. Both book the same lines;
a positive amount on a 调减 through the API is refused, saying which convention the API keeps.

额敏县 receives 111万 under 8号 and a 调减 of 79万 under 82号."""

import datetime
from decimal import Decimal

import pytest
from api_helpers import EMIN, TokenClient, make_token
from django.test import Client
from django.urls import reverse

from jiuzhu.approvals import review
from jiuzhu.domain.ledger import RegistrationLine as Line
from jiuzhu.domain.purposes import Purpose
from jiuzhu.ledger.models import Movement, Registration, RegistrationLine
from jiuzhu.ledger.services import do_register_receipt

PATH = "/api/v1/registrations"
#: 79万 taken back: 60万 from 低保, 19万 from 临时救助.
CUT = [("2081902", "dibao", "600000.00"), ("2082001", "linshi", "190000.00")]


@pytest.fixture
def decrease(seed):
    """额敏县 has registered its 8号 receipt (approved); the 82号 调减 waits to be registered."""
    issue, cut = Movement.objects.filter(region__code=EMIN, fund__source_label="自治区").order_by(
        "received_on", "id"
    )
    assert (issue.kind, cut.kind, cut.amount) == ("issue", "decrease", Decimal("-790000.00"))
    first, _ = do_register_receipt(
        actor=seed["ems_cz_jb"],
        movement=issue,
        cor_bgt_doc_no="额财社〔2022〕3号",
        lines=[
            Line("2081902", Purpose.SUBSISTENCE, Decimal("800000.00")),
            Line("2082001", Purpose.TEMPORARY, Decimal("310000.00")),
        ],
        registered_on=datetime.date(2022, 2, 10),
    )
    review.approve(first, seed["ems_cz_sh"])
    return cut


def body(movement, sign: str) -> dict[str, object]:
    return {
        "mof_div_code": movement.region.mof_div_code,
        "sup_bgt_doc_no": movement.sup_bgt_doc_no,
        "kind": "decrease",
        "cor_bgt_doc_no": "额财社〔2022〕41号",
        "lines": [{"exp_func_code": c, "purpose": p, "amount": sign + a} for c, p, a in CUT],
    }


def booked(movement) -> list[tuple[str, str, Decimal]]:
    lines = RegistrationLine.objects.filter(registration__movement=movement).select_related("appropriation")
    return sorted((x.appropriation.exp_func_code, x.appropriation.purpose, x.amount) for x in lines)


EXPECTED = [("2081902", "dibao", Decimal("-600000.00")), ("2082001", "linshi", Decimal("-190000.00"))]


def test_the_api_takes_a_decrease_negative_and_reads_it_back_the_same(decrease, seed):
    api = TokenClient(make_token(EMIN))
    r = api.post_json(PATH, body(decrease, "-"), key="cut")
    assert r.status_code == 201, r.content
    assert r.json()["amount"] == "-790000.00"
    assert booked(decrease) == EXPECTED
    review.approve(Registration.objects.get(pk=r.json()["registration_id"]), seed["ems_cz_sh"])
    read = [x for x in api.get(PATH).json()["items"] if x["sup_bgt_doc_no"] == "塔地财社〔2022〕82号"]
    assert [(x["exp_func_code"], x["amount"]) for x in read[0]["lines"]] == [
        ("2081902", "-600000.00"),
        ("2082001", "-190000.00"),
    ]  # what a system reads is what it may write


def test_a_positive_decrease_through_the_api_is_refused_saying_why(decrease):
    r = TokenClient(make_token(EMIN)).post_json(PATH, body(decrease, ""), key="cut+")
    assert r.status_code == 422
    errors = {(e["pointer"], e["code"]): e["detail"] for e in r.json()["errors"]}
    detail = errors[("/lines/0/amount", "LINE_SIGN")]
    assert detail.startswith("登记金额应为负数（调减）且不为零")
    assert "接口中调减的金额按负数填写（如 -600000.00）" in detail and "登记页面按正数填写调减额" in detail
    assert ("/lines/1/amount", "LINE_SIGN") in errors
    assert booked(decrease) == [] and not Registration.objects.filter(movement=decrease).exists()


def test_the_page_takes_the_decrease_positive_and_books_the_same_lines(decrease, seed):
    page = Client()
    page.force_login(seed["ems_cz_jb"])
    form = {"cor_bgt_doc_no": "额财社〔2022〕41号"}
    for i, (code, purpose, amount) in enumerate(CUT):
        form |= {f"code_{i}": code, f"purpose_{i}": purpose, f"amount_{i}": amount}
    r = page.post(reverse("ledger:register", args=[decrease.pk]), form)
    assert r.status_code == 302, r.content.decode()[:2000]
    assert booked(decrease) == EXPECTED
