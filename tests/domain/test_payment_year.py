"""A payment file's budget year is that of its vouchers' 支付日期; a voucher on an appropriation of another year
that was not carried into it is named as such (pure domain, no database)."""

import datetime
from decimal import Decimal

from jiuzhu.domain.payments import AppropriationInfo, PaymentRecord, check_payments, voucher_year


def _voucher(row: int, day: str, doc: str = "裕财社〔2022〕3号") -> PaymentRecord:
    return PaymentRecord(
        row=row,
        pay_cert_no=f"V{row}",
        bgt_id="",
        cor_bgt_doc_no=doc,
        exp_func_code="2081902",
        pay_amt=Decimal(10),
        xpay_amt=Decimal(10),
        xpay_date=datetime.date.fromisoformat(day),
        payee_acct_name="一卡通代发户",
    )


def _appropriation(doc: str, year: int) -> AppropriationInfo:
    return AppropriationInfo(
        bgt_id=f"B{year}",
        cor_bgt_doc_nos=frozenset({doc}),
        exp_func_code="2081902",
        is_dir="01",
        available=Decimal(100),
        fiscal_year=year,
    )


def test_the_year_of_most_vouchers_and_the_latest_of_equals():
    assert (
        voucher_year([_voucher(2, "2023-01-05"), _voucher(3, "2022-12-30"), _voucher(4, "2023-02-01")])
        == 2023
    )
    assert voucher_year([_voucher(2, "2022-12-30"), _voucher(3, "2023-01-05")]) == 2023
    assert (
        voucher_year([_voucher(2, "2022-12-30"), _voucher(3, "2022-01-05"), _voucher(4, "2023-01-05")])
        == 2022
    )
    assert voucher_year([]) is None


def test_a_voucher_on_an_appropriation_not_carried_into_the_year_is_named_so():
    older, later = _appropriation("裕财社〔2022〕3号", 2022), _appropriation("裕财社〔2024〕1号", 2024)
    records = [_voucher(2, "2023-03-01"), _voucher(3, "2023-03-02", "裕财社〔2024〕1号")]
    records.append(_voucher(4, "2023-03-03", "裕财社〔2023〕9号"))
    links, problems = check_payments(
        records, appropriations=[], fiscal_year=2023, stored_numbers=set(), elsewhere=[older, later]
    )
    assert links == {}
    assert [(p.where.row, p.code) for p in problems] == [
        (2, "NOT_IN_YEAR"),
        (3, "NOT_IN_YEAR"),
        (4, "UNKNOWN_APPROPRIATION"),
    ]
    assert "2022年度的指标，其结余未结转到2023年度" in problems[0].message
    assert "2024年度的指标，不能用于2023年度的支付" in problems[1].message
    # carried into 2023, the same voucher links and draws on it
    links, problems = check_payments(
        records[:1], appropriations=[older], fiscal_year=2023, stored_numbers=set(), elsewhere=[later]
    )
    assert problems == [] and links[2] == older
