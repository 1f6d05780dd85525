"""Helpers and fixtures of the ledger tests: small data on top of the seed scenario (never the whole demo year)."""

import datetime
from decimal import Decimal

import pytest

from jiuzhu.domain.identity import with_check_digit
from jiuzhu.domain.ledger import RegistrationLine
from jiuzhu.domain.purposes import Purpose

#: The short payout header most tests use (titles without the template's *).
SHORT_HEADER = [
    "姓名",
    "证件类型",
    "证件号码",
    "按户或按人补助",
    "应发金额",
    "实发金额",
    "发放月份",
    "支付凭证号",
]
#: The national template's 13 titles as the monitoring system's XLSX has them.
HEADER_13 = [
    "街道(乡镇)编码",
    "街道(乡镇)名称",
    "村编码",
    "村名称",
    "姓名*",
    "证件类型*",
    "证件号码*",
    "按户或按人补助*",
    "应发金额(元)*",
    "实发金额(元)*",
    "备注",
    "发放月份*",
    "支付凭证号*",
]
#: The templates' voucher (see the ``voucher`` fixture).
VOUCHER = "D012022-V02CTD-08061"
FIXTURES = __import__("pathlib").Path(__file__).resolve().parent.parent / "fixtures"
YUMIN = "654225"


@pytest.fixture
def foundation(db):
    """The seed scenario without other apps' extra demo steps: regions, codes, users, both approved plans."""
    from jiuzhu.demo import seed as demo

    demo.load_seed()


@pytest.fixture
def people(foundation):
    from jiuzhu.accounts.models import User

    return {u.username: u for u in User.objects.all()}


def movements(region_code: str):
    from jiuzhu.ledger.models import Movement

    return list(Movement.objects.filter(region__code=region_code).order_by("received_on", "id"))


def checker_for(region, department="finance"):
    """The region's first checker of the department (the seed has ``…_cz_sh`` and ``…_cz_sh2`` per county)."""
    from jiuzhu.accounts.models import User

    return (
        User.objects.filter(region=region, role="checker", department=department).order_by("username").first()
    )


def approve_registration(registration, *, checker=None):
    from jiuzhu.approvals import review

    region = registration.movement.region
    return review.approve(registration, checker or checker_for(region))


def approve_batch(batch, *, checker=None):
    from jiuzhu.approvals import review

    return review.approve(batch, checker or checker_for(batch.region))


def register_yumin(people, *, late: bool = False, approve: bool = True):
    """裕民县 registers 39万 (8号) as 低保 + 临时救助 and the 217万 increase (82号) as 低保; its checker
    (ymx_cz_sh) approves both unless ``approve=False``."""
    from jiuzhu.ledger.services import do_register_receipt

    issue, increase = movements(YUMIN)
    actor = people["ymx_cz_jb"]
    first, _ = do_register_receipt(
        actor=actor,
        movement=issue,
        cor_bgt_doc_no="裕财社〔2022〕3号",
        lines=[
            RegistrationLine("2081902", Purpose.SUBSISTENCE, Decimal("300000.00")),
            RegistrationLine("2082001", Purpose.TEMPORARY, Decimal("90000.00")),
        ],
        registered_on=datetime.date(2022, 2, 10),
    )
    second = do_register_receipt(
        actor=actor,
        movement=increase,
        cor_bgt_doc_no="裕财社〔2022〕41号",
        lines=[RegistrationLine("2081902", Purpose.SUBSISTENCE, Decimal("2170000.00"))],
        registered_on=datetime.date(2022, 12, 20) if late else datetime.date(2022, 11, 15),
    )
    if approve:
        approve_registration(first, checker=people["ymx_cz_sh"])
        approve_registration(second[0], checker=people["ymx_cz_sh"])
    return second


@pytest.fixture
def yumin(people):
    register_yumin(people)
    from jiuzhu.regions.models import Region

    return Region.objects.get(code=YUMIN)


def csv_bytes(header: list[str], rows: list[list[object]], encoding: str = "utf-8") -> bytes:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


PAYMENT_HEADER = [
    "pay_cert_no",
    "cor_bgt_doc_no",
    "exp_func_code",
    "pay_amt",
    "xpay_amt",
    "xpay_date",
    "payee",
]


def import_payments(actor, region, rows, name="pay.csv", *, approve=True):
    """Import vouchers as ``actor``; the region's checker approves the batch unless ``approve=False``."""
    from jiuzhu.ledger.services import do_import_file

    outcome = do_import_file(
        actor=actor, kind="payments", region=region, data=csv_bytes(PAYMENT_HEADER, rows), filename=name
    )
    if approve and not outcome.already_imported:
        approve_batch(outcome.batch)
    return outcome


@pytest.fixture
def voucher(yumin, people):
    """The templates' voucher D012022-V02CTD-08061: 5,000.00 元 of 裕民县 低保 (2081902)."""
    return import_voucher(yumin, people)


def import_voucher(yumin, people):
    import_payments(
        people["ymx_cz_jb"],
        yumin,
        [
            [
                "D012022-V02CTD-08061",
                "裕财社〔2022〕3号",
                "2081902",
                "5000",
                "5000",
                "2022-05-10",
                "裕民县民政局",
            ]
        ],
    )
    return VOUCHER


def valid_id(prefix: str = YUMIN, birth: str = "19800101", serial: int = 1) -> str:
    return with_check_digit(f"{prefix}{birth}{serial:03d}")
