"""收回 after two carried years, on the seed (no demo year): 2022 registered and never spent, closed into 2023,
closed again into 2024, then taken back to the prefecture; both levels balanced to the fen. Also the reopening
of a closed year."""

import csv
import datetime
import io
from decimal import Decimal

import pytest

from jiuzhu.approvals import review
from jiuzhu.approvals.services import do_create_rule, required_approvals, round_state
from jiuzhu.core.errors import ActionRefused
from jiuzhu.demo.ledger_year import code_for
from jiuzhu.domain.identity import with_check_digit
from jiuzhu.domain.ledger import RegistrationLine
from jiuzhu.domain.payout_columns import TEMPLATE_13
from jiuzhu.domain.purposes import Purpose
from jiuzhu.funds.models import Fund
from jiuzhu.ledger.models import Movement, Payment, Payout
from jiuzhu.ledger.selectors import ledger_report
from jiuzhu.ledger.services import ImportRejected, do_import_file, do_register_receipt
from jiuzhu.regions.models import Region
from jiuzhu.yearend.closing import close_preview, do_reopen_year, do_submit_close
from jiuzhu.yearend.locks import closing_of
from jiuzhu.yearend.models import CarryoverLine, Recovery, RecoveryLine, YearClose
from jiuzhu.yearend.recovery import candidates, do_submit_recovery
from jiuzhu.yearend.selectors import execution

END = {y: datetime.date(y, 12, 31) for y in (2022, 2023, 2024)}


def _approve(obj, *checkers):
    for checker in checkers:
        if review.approve(obj, checker).complete:
            return
    raise AssertionError("not enough checkers")


@pytest.fixture
def registered(users):
    """裕民县 and 托里县 register their 8号 receipts of the seed fund (低保 and 临时救助) and spend nothing."""
    fund = Fund.objects.get(fiscal_year=2022, source_label="自治区")
    for code, maker in (("654225", "ymx_cz_jb"), ("654224", "tlx_cz_jb")):
        movement = Movement.objects.get(region__code=code, fund=fund, kind="issue")
        low = (movement.amount * Decimal("0.7")).quantize(Decimal("0.01"))
        registration, _ = do_register_receipt(
            actor=users[maker],
            movement=movement,
            cor_bgt_doc_no=f"测财社〔2022〕{code[-1]}号",
            lines=[
                RegistrationLine(code_for(code, Purpose.SUBSISTENCE), Purpose.SUBSISTENCE, low),
                RegistrationLine(code_for(code, Purpose.TEMPORARY), Purpose.TEMPORARY, movement.amount - low),
            ],
            registered_on=movement.received_on,
        )
        _approve(registration, users[maker[:-3] + "_sh"], users[maker[:-3] + "_sh2"])
    return fund


def _available(user, year, code):
    rows = execution(user, year=year, as_of=END[year], region=Region.objects.get(code=code))
    return sum((r.figures.available for r in rows if r.region.code == code), Decimal(0))


def _close(users, year):
    prefecture = Region.objects.get(code="654200")
    close = do_submit_close(
        actor=users["dq_cz_jb"], year=year, region=prefecture, doc_no=f"塔地财社〔{year + 1}〕1号"
    )
    _approve(close, users["dq_cz_sh"], users["dq_cz_sh2"])
    return close


def test_a_balance_carried_two_years_goes_back_to_the_prefecture_balanced_to_the_fen(users, registered):
    counties = {"654225": Decimal("390000.00"), "654224": Decimal("720000.00")}
    first = _close(users, 2022)
    assert {x.region.code: x.amount for x in first.lines.all() if x.region.code in counties} != {}
    for code, amount in counties.items():
        assert sum(x.amount for x in first.lines.filter(region__code=code)) == amount
        assert _available(users["dq_cz_sh"], 2023, code) == amount
    # not yet due in 2023: carried one year only
    assert candidates(year=2023, region=Region.objects.get(code="654200")) == []
    second = _close(users, 2023)
    assert {x.carried_years for x in second.lines.all()} == {2}
    assert sum(x.amount for x in second.lines.all()) == sum(x.amount for x in first.lines.all())
    prefecture = Region.objects.get(code="654200")
    before = {code: _available(users["dq_cz_sh"], 2024, code) for code in (*counties, "654200")}
    assert before == {**counties, "654200": Decimal(0)}
    # the prefecture asks two checkers for every 收回 (a rule of that subject alone)
    rule = do_create_rule(
        actor=users["admin"],
        region=prefecture,
        subject="yearend.recovery",
        fund=None,
        min_amount=Decimal(0),
        approvals_required=2,
    )
    rule.full_clean()  # the subject is one of the rule's choices
    assert required_approvals(subject="ledger.year_end", region=prefecture, fund=[], amount=Decimal(1)) == 1
    recovery = do_submit_recovery(
        actor=users["dq_cz_jb"],
        year=2024,
        region=prefecture,
        doc_no="塔地财社〔2024〕7号",
        doc_date=datetime.date(2024, 3, 1),
    )
    assert round_state("yearend.recovery", recovery.pk).required == 2
    # waiting: nothing moves yet, nor after the first of the two checkers
    assert {code: _available(users["dq_cz_sh"], 2024, code) for code in before} == before
    assert not review.approve(recovery, users["dq_cz_sh"]).complete
    recovery.refresh_from_db()
    assert recovery.status == "submitted"
    assert {code: _available(users["dq_cz_sh"], 2024, code) for code in before} == before
    _approve(recovery, users["dq_cz_sh2"])
    recovery.refresh_from_db()
    assert recovery.status == "approved"
    after = {code: _available(users["dq_cz_sh"], 2024, code) for code in before}
    assert after == {"654225": Decimal(0), "654224": Decimal(0), "654200": sum(counties.values())}
    assert sum(after.values()) == sum(before.values())  # not a fen created or lost between the two levels
    for line in RecoveryLine.objects.filter(recovery=recovery):
        assert line.to_region == line.from_region.parent == prefecture
    # the counties' appropriations are spent down to zero: the close of 2024 carries nothing of them
    assert [x for x in close_preview(year=2024, region=prefecture).lines if x.region.code in counties] == []
    # what was taken back cannot be paid any more: a 2024 voucher on it overspends
    with pytest.raises(ImportRejected) as refused:
        _import(
            users["ymx_cz_jb"],
            "payments",
            _vouchers("ZF6542252024101,测财社〔2022〕5号,2081902,1.00,1.00,2024-03-20,裕民县一卡通代发户,01"),
            "2024-03.csv",
        )
    assert [(p.code, p.numbers["available"]) for p in refused.value.problems] == [("OVERSPEND", 0)]
    # the same balance is not taken back twice
    with pytest.raises(ActionRefused, match="没有"):
        do_submit_recovery(
            actor=users["dq_cz_jb"], year=2024, region=prefecture, doc_no="塔地财社〔2024〕8号"
        )
    assert Recovery.objects.count() == 1


def test_a_checker_returns_a_close_and_a_closed_year_is_reopened_by_a_new_document(users, registered):
    prefecture = Region.objects.get(code="654200")
    close = do_submit_close(actor=users["dq_cz_jb"], year=2022, region=prefecture)
    with pytest.raises(ActionRefused):  # the maker may not approve
        review.approve(close, users["dq_cz_jb"])
    review.return_(close, users["dq_cz_sh"], reason="结转数需核对")
    close.refresh_from_db()
    assert close.status == "returned" and closing_of(fiscal_year=2022, region=prefecture) is None
    assert _available(users["dq_cz_sh"], 2023, "654225") == 0
    close = _close(users, 2022)
    assert closing_of(fiscal_year=2022, region=Region.objects.get(code="654225")) == close
    with pytest.raises(ActionRefused, match="文号和原因"):
        do_reopen_year(actor=users["dq_cz_sh"], close=close, doc_no="", reason="")
    close.refresh_from_db()
    assert close.status == "approved"
    do_reopen_year(
        actor=users["dq_cz_sh"], close=close, doc_no="塔地财社〔2023〕3号", reason="补登记12月支付"
    )
    close.refresh_from_db()
    assert close.status == "reopened" and closing_of(fiscal_year=2022, region=prefecture) is None
    assert _available(users["dq_cz_sh"], 2023, "654225") == 0  # its lines no longer count
    assert CarryoverLine.objects.filter(close=close).exists()  # kept, as the document was
    assert YearClose.objects.filter(fiscal_year=2022).count() == 2


PAYMENT_HEADER = (
    "pay_cert_no,cor_bgt_doc_no,exp_func_code,pay_amt,xpay_amt,xpay_date,payee_acct_name,is_dir\n"
)


def _vouchers(*rows: str) -> bytes:
    return (PAYMENT_HEADER + "".join(f"{r}\n" for r in rows)).encode()


def _payouts(voucher: str, month: str, amounts: list[int]) -> bytes:
    """The national template's 13 columns, one person of 裕民县 per amount."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(TEMPLATE_13)
    for serial, amount in enumerate(amounts, start=1):
        iden_no = with_check_digit(f"654225198001{serial:02d}{serial:03d}")
        writer.writerow(
            [
                *("6542250001", "哈拉布拉镇", "654225000101", "一村"),
                *(f"居民{serial}", "01-身份证号", iden_no, "1-到人"),
                *(amount, amount, "", month, voucher),
            ]
        )
    return out.getvalue().encode()


def _import(user, kind, data, name):
    return do_import_file(
        actor=user, kind=kind, region=Region.objects.get(code="654225"), data=data, filename=name
    )


def test_carried_money_is_paid_in_the_next_year_through_the_importers(users, registered):
    """裕民县's 2022 低保 balance, carried into 2023 by the prefecture's close, is paid by a 2023 voucher file and
    paid out to persons: the file is a 2023 file (its 支付日期), the year lock of 2022 does not touch it, and the
    ledger shows the payment in 2023, not in 2022."""
    yumin, maker = Region.objects.get(code="654225"), users["ymx_cz_jb"]
    voucher = "ZF6542252023101,测财社〔2022〕5号,2081902,10000.00,10000.00,2023-02-20,裕民县一卡通代发户,01"
    # before the close the balance is 2022's alone: a 2023 voucher cannot draw on it, and says why
    with pytest.raises(ImportRejected) as refused:
        _import(maker, "payments", _vouchers(voucher), "early.csv")
    assert [p.code for p in refused.value.problems] == ["NOT_IN_YEAR"]
    assert "未结转到2023年度" in refused.value.problems[0].message
    assert not Payment.objects.exists()
    _close(users, 2022)
    # a late 2022 voucher is refused by the lock, the 2023 one goes in as a 2023 payment
    with pytest.raises(ImportRejected) as refused:
        _import(maker, "payments", _vouchers(voucher.replace("2023-02-20", "2022-12-30")), "late.csv")
    assert [p.code for p in refused.value.problems] == ["YEAR_CLOSED"]
    outcome = _import(maker, "payments", _vouchers(voucher), "2023-02.csv")
    assert outcome.batch.fiscal_year == 2023
    (payment,) = Payment.objects.all()
    assert payment.fiscal_year == 2023 and payment.appropriation.fiscal_year == 2022
    _approve(outcome.batch, users["ymx_cz_sh"], users["ymx_cz_sh2"])
    payouts = _import(maker, "payouts", _payouts("ZF6542252023101", "02", [600, 650, 700]), "2023-02发放.csv")
    assert payouts.batch.fiscal_year == 2023
    assert set(Payout.objects.values_list("fiscal_year", flat=True)) == {2023}
    _approve(payouts.batch, users["ymx_cz_sh"], users["ymx_cz_sh2"])

    rows = [
        r
        for r in execution(users["dq_cz_sh"], year=2023, as_of=END[2023], region=yumin)
        if r.purpose == Purpose.SUBSISTENCE
    ]
    (row,) = rows
    assert (row.figures.carried_in, row.figures.paid, row.figures.paid_out) == (
        Decimal("273000.00"),
        Decimal("10000.00"),
        Decimal("1950.00"),
    )
    assert row.figures.balance == Decimal("263000.00")
    assert not any(
        r.figures.paid for r in execution(users["dq_cz_sh"], year=2022, as_of=END[2022], region=yumin)
    )
    # the 2022 ledger keeps its picture; the whole ledger has the payment
    lines = {
        a["purpose"]: a
        for a in ledger_report(users["dq_cz_sh"], region=yumin, fiscal_year=2022)["regions"][0][
            "appropriations"
        ]
    }
    assert (lines["dibao"]["paid"], lines["dibao"]["balance"]) == ("0.00", "273000.00")
    (everything,) = ledger_report(users["dq_cz_sh"], region=yumin)["regions"]
    assert everything["paid"] == "10000.00" and everything["paid_out"] == "1950.00"
    # what 2023 leaves is what its close would carry on
    prefecture = Region.objects.get(code="654200")
    carried = {
        x.purpose: x.amount for x in close_preview(year=2023, region=prefecture).lines if x.region == yumin
    }
    assert carried == {"dibao": Decimal("263000.00"), "linshi": Decimal("117000.00")}
