"""Fixtures of the API tests: the seed, system accounts with tokens, and a client that sends them."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client

from jiuzhu.domain.identity import with_check_digit
from jiuzhu.domain.ledger import RegistrationLine
from jiuzhu.domain.purposes import Purpose

YUMIN, EMIN = "654225", "654221"
VOUCHER = "D012022-V02CTD-08061"


@pytest.fixture
def seed(db):
    """Regions, codes, users and both approved plans of the seed notice (no demo year)."""
    from jiuzhu.demo import seed as demo

    demo.load_seed()
    from jiuzhu.accounts.models import User

    return {u.username: u for u in User.objects.all()}


def make_token(code: str, department: str = "finance", role: str = "maker", name: str | None = None) -> str:
    """A system account of that region, department and role, and a token for it (the admin issues both)."""
    from jiuzhu.accounts.models import User
    from jiuzhu.api.tokens import do_create_account, do_issue_token
    from jiuzhu.regions.models import Region

    admin = User.objects.get(username="admin")
    username = name or f"sys_{code}_{department}_{role}"
    account = do_create_account(
        actor=admin,
        username=username,
        system_name=f"一体化系统（{code}）",
        region=Region.objects.get(code=code),
        department=department,
        role=role,
    )
    return do_issue_token(actor=admin, account=account, name="测试").token


class TokenClient(Client):
    def __init__(self, token: str) -> None:
        super().__init__(HTTP_AUTHORIZATION=f"Bearer {token}")

    def post_json(self, path: str, body: object, key: str | None = None) -> object:
        headers = {"Idempotency-Key": key} if key else {}
        return self.post(path, body, content_type="application/json", headers=headers)


def register_yumin(users, *, approve: bool = True) -> None:
    """裕民县 registers its 8号 receipt (30万 低保 + 9万 临时救助) and the 82号 increase (217万 低保)."""
    from jiuzhu.approvals import review
    from jiuzhu.ledger.models import Movement
    from jiuzhu.ledger.services import do_register_receipt

    issue, increase = Movement.objects.filter(region__code=YUMIN).order_by("received_on", "id")
    maker = users["ymx_cz_jb"]
    first, _ = do_register_receipt(
        actor=maker,
        movement=issue,
        cor_bgt_doc_no="裕财社〔2022〕3号",
        lines=[
            RegistrationLine("2081902", Purpose.SUBSISTENCE, Decimal("300000.00")),
            RegistrationLine("2082001", Purpose.TEMPORARY, Decimal("90000.00")),
        ],
        registered_on=datetime.date(2022, 2, 10),
    )
    second, _ = do_register_receipt(
        actor=maker,
        movement=increase,
        cor_bgt_doc_no="裕财社〔2022〕41号",
        lines=[RegistrationLine("2081902", Purpose.SUBSISTENCE, Decimal("2170000.00"))],
        registered_on=datetime.date(2022, 11, 15),
    )
    if approve:
        review.approve(first, users["ymx_cz_sh"])
        review.approve(second, users["ymx_cz_sh"])


def valid_id(prefix: str = YUMIN, birth: str = "19800101", serial: int = 1) -> str:
    return with_check_digit(f"{prefix}{birth}{serial:03d}")


def voucher_row(number: str = VOUCHER, amount: str = "5000.00") -> dict[str, str]:
    return {
        "pay_cert_no": number,
        "cor_bgt_doc_no": "裕财社〔2022〕3号",
        "exp_func_code": "2081902",
        "pay_amt": amount,
        "xpay_amt": amount,
        "xpay_date": "2022-05-10",
        "payee_acct_name": "裕民县民政局",
    }


def payout_row(serial: int, amount: str = "500.00", month: str = "05") -> dict[str, str]:
    return {
        "pay_cert_no": VOUCHER,
        "per_name": f"测试{serial}",
        "iden_type": "01",
        "iden_no": valid_id(serial=serial),
        "to_peop_family": "01",
        "pay_amt": amount,
        "xpay_amt": amount,
        "pay_month": month,
    }


def registration_body(movement, **changes: object) -> dict[str, object]:
    """The API's 指标登记 of 裕民县's 8号 receipt as register_yumin books it (30万 低保 + 9万 临时救助)."""
    body: dict[str, object] = {
        "mof_div_code": movement.region.mof_div_code,
        "sup_bgt_doc_no": movement.sup_bgt_doc_no,
        "cor_bgt_doc_no": "裕财社〔2022〕3号",
        "lines": [
            {"exp_func_code": "2081902", "purpose": "dibao", "amount": "300000.00"},
            {"exp_func_code": "2082001", "purpose": "linshi", "amount": "90000.00"},
        ],
    }
    return body | changes


@pytest.fixture
def reference(db):
    """An empty database with the demo's reference data (the seed and the approval rules), to import into."""
    from jiuzhu.approvals.services import do_load_default_rules
    from jiuzhu.demo.seed import load_seed

    load_seed()
    do_load_default_rules()


def ledger_rows() -> tuple[int, int, int, int]:
    """Registrations, vouchers, payouts and import batches stored: a refused import leaves them as they were."""
    from jiuzhu.ledger.models import ImportBatch, Payment, Payout, Registration

    return (
        Registration.objects.count(),
        Payment.objects.count(),
        Payout.objects.count(),
        ImportBatch.objects.count(),
    )
