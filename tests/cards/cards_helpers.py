"""Shared fixtures of the cards tests: payouts written straight to the table (the importer is the ledger's
concern), reference lists as CSV bytes."""

import csv
import io
from decimal import Decimal

import pytest

from jiuzhu.domain.identity import with_check_digit

TACHENG, EMIN, YUMIN = "654201", "654221", "654225"


def person(serial: int, prefix: str = TACHENG) -> str:
    return with_check_digit(f"{prefix}19600101{serial:03d}")


def csv_bytes(rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def pay(
    region_code: str,
    iden_no: str,
    month: str,
    purpose: str = "dibao",
    amount: str = "500",
    name: str = "演示人员",
    year: int = 2022,
):
    from jiuzhu.ledger.models import Payout
    from jiuzhu.regions.models import Region

    return Payout.objects.create(
        region=Region.objects.get(code=region_code),
        payment_id=1,
        fiscal_year=year,
        purpose=purpose,
        row_no=1,
        pay_cert_no=f"T{region_code}{month}{purpose}",
        per_name=name,
        iden_type="01",
        iden_no=iden_no,
        to_peop_family="01",
        pay_amt=Decimal(amount),
        xpay_amt=Decimal(amount),
        pay_month=month,
    )


@pytest.fixture
def region():
    from jiuzhu.regions.models import Region

    return lambda code: Region.objects.get(code=code)
