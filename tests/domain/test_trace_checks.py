"""The chain's pure checks: each break is found with its rows, and a whole chain passes every check."""

import datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from jiuzhu.domain.trace import CHECKS, Account, Receipt, Voucher, check_chain, days_late, passed

D = datetime.date
RECEIPT = Receipt(
    1,
    "裕民县",
    "塔地财社〔2022〕8号",
    Decimal("2560000.00"),
    "01",
    D(2022, 1, 20),
    "裕财社〔2022〕3号",
    Decimal("2560000.00"),
    D(2022, 2, 10),
    D(2022, 1, 20),
)
ACCOUNT = Account(7, "BGT1", "01", Decimal("2560000.00"), Decimal("1000.00"), D(2022, 1, 20))
VOUCHER = Voucher(
    9, "ZF6542252022101", 7, "01", Decimal("1000.00"), D(2022, 1, 25), Decimal("1000.00"), 2, "01"
)


def test_a_whole_chain_passes_every_check():
    assert check_chain("01", [RECEIPT], [ACCOUNT], [VOUCHER]) == []
    assert passed([]) == list(CHECKS)


def test_each_break_names_its_rows():
    from dataclasses import replace

    breaks = check_chain(
        "01",
        [replace(RECEIPT, registered=Decimal("2559999.99")), replace(RECEIPT, key=2, registered=None)],
        [replace(ACCOUNT, paid=Decimal("2560000.01"))],
        [replace(VOUCHER, paid_out=Decimal("1000.01"), tag="99", paid_on=D(2022, 1, 19), first_month="01")],
    )
    codes = [(b.code, b.rows[0]) for b in breaks]
    assert codes == [
        ("REGISTERED_AS_RECEIVED", "指标变动#1"),
        ("REGISTERED_AS_RECEIVED", "指标变动#2"),
        ("PAID_WITHIN_REGISTERED", "BGT1"),
        ("PAID_OUT_WITHIN_VOUCHER", "ZF6542252022101"),
        ("TAG_UNCHANGED", "ZF6542252022101"),
        ("DATES_IN_ORDER", "ZF6542252022101"),
    ]
    assert "0.01元" in breaks[0].message and "0.01元" in breaks[3].message
    assert passed(breaks) == []


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=-(10**6), max_value=10**6))
def test_paid_out_beyond_the_voucher_by_any_fen_is_a_break(fen, delta):
    from dataclasses import replace

    paid = Decimal(fen) / 100
    voucher = replace(VOUCHER, paid=paid, paid_out=paid + Decimal(delta) / 100)
    account = replace(ACCOUNT, paid=paid, registered=paid)
    found = [b.code for b in check_chain("01", [], [account], [voucher])]
    assert found == (["PAID_OUT_WITHIN_VOUCHER"] if delta > 0 else [])


def test_days_late_counts_beyond_thirty():
    assert days_late(D(2022, 10, 31), D(2022, 12, 15), D(2023, 1, 1)) == 15
    assert days_late(D(2022, 1, 20), D(2022, 2, 10), D(2023, 1, 1)) == 0
    assert days_late(D(2022, 1, 1), None, D(2022, 3, 2)) == 30
