"""Small province-period data for the roll-up tests, built fast (never the demo year's 333,715 payouts).

The seed fund's year of the demo (registrations, vouchers and some 7,000 payouts through the importers, with
the ledger's own faults and the 一卡通 reference lists), then ``PEOPLE`` synthetic people per county paid
monthly, bulk-inserted against one voucher per county that adds up, with a few faults of every payout kind and
three vouchers that break the money rules.
"""

import random
from decimal import Decimal

from django.test import override_settings

from jiuzhu.domain.identity import with_check_digit

COUNTIES = ["654201", "654202", "654203", "654221", "654224", "654225", "654226"]
PEOPLE = 250
FAULTS = 3  # of each kind


def build() -> None:
    from jiuzhu.approvals.services import do_load_default_rules
    from jiuzhu.cards.demo import load_card_demo
    from jiuzhu.demo import faults, ledger_year
    from jiuzhu.demo.seed import load_seed

    with override_settings(JIUZHU_DEMO_LEDGER_YEAR=True, JIUZHU_MONITORING_AUTORUN=False):
        load_seed()
        do_load_default_rules()
        seed_fund_only = ledger_year.FUNDS[:1]
        original, ledger_year.FUNDS = ledger_year.FUNDS, seed_fund_only
        try:
            ledger_year.load_demo_year()
        finally:
            ledger_year.FUNDS = original
        faults.load_faults()
        load_card_demo()
        _synthetic()


def _voucher(appropriation, number: str, amount: Decimal, day: str, **changes):
    """An approved voucher in its own batch, as monitoring's demo writes its faults."""
    from jiuzhu.monitoring.demo_faults import _voucher as demo_voucher

    return demo_voucher(appropriation, number, amount, day, payee="测试代发户", **changes)


def _row(
    code: str, serial: int, month: int, purpose: str, *, iden_no: str = "", amount: int = 600, **changes
):
    iden_no = iden_no or with_check_digit(
        f"{code}1960{serial % 12 + 1:02d}{serial % 28 + 1:02d}{serial:03d}"[:17]
    )
    row = {
        "fiscal_year": 2022,
        "purpose": purpose,
        "pay_cert_no": f"CS{code}2022",
        "per_name": "测试人员",
        "iden_type": "01",
        "iden_no": iden_no,
        "to_peop_family": "01",
        "pay_amt": Decimal(amount),
        "xpay_amt": Decimal(amount),
        "pay_month": f"{month:02d}",
        "acct_no": f"62170{code}{serial:07d}",
    }
    return {**row, **changes}


def _county_rows(code: str, rng: random.Random) -> list[dict]:
    rows = [
        _row(code, serial, month, "dibao" if serial % 4 else "tekun", amount=rng.randint(500, 900))
        for serial in range(1, PEOPLE + 1)
        for month in range(1, 13)
    ]
    if code != COUNTIES[0]:
        return rows
    for i in range(FAULTS):  # one county carries every kind of payout fault
        rows.append(dict(rows[i * 12 + 2]))  # paid twice in March
        rows[i * 12 + 40]["xpay_amt"] += 150  # above what is due
        bad = rows[(i + 5) * 12]["iden_no"]
        rows.append(_row(code, 900 + i, 5, "dibao", iden_no=bad[:17] + ("0" if bad[17] != "0" else "1")))
        rows.append(_row(code, 910 + i, 6, "dibao", acct_no=rows[(i + 8) * 12]["acct_no"]))  # shared account
        rows.append(_row(code, 10 + i, 7, "linshi", acct_no=f"6228{i:012d}"))  # a second account in July
    return rows


def _cross_rows(rng: random.Random) -> list[tuple[str, dict]]:
    """People of the first county also paid in the second: the same purpose, then another one."""
    home, other = COUNTIES[0], COUNTIES[1]
    out = []
    for i in range(FAULTS):
        same = _row(home, 20 + i, 4, "dibao")
        out.append((other, {**same, "pay_cert_no": f"CS{other}2022", "acct_no": f"62171{other}{i:07d}"}))
        two = _row(home, 30 + i, 8, "dibao")
        out.append(
            (other, {**two, "purpose": "tekun", "pay_cert_no": f"CS{other}2022", "acct_no": f"6217{i:010d}"})
        )
    return out


def _synthetic() -> None:
    from jiuzhu.funds.models import Fund
    from jiuzhu.ledger.models import Appropriation, Payout
    from jiuzhu.regions.models import Region

    rng = random.Random(20)
    fund = Fund.objects.get(fiscal_year=2022, source_label="自治区")
    regions = {r.code: r for r in Region.objects.filter(code__in=COUNTIES)}
    by_county = {code: _county_rows(code, rng) for code in COUNTIES}
    for other, row in _cross_rows(rng):
        by_county[other].append(row)
    objects = []
    for code, rows in by_county.items():
        a = Appropriation.objects.filter(region=regions[code], fund=fund, purpose="dibao").first()
        total = sum((r["xpay_amt"] for r in rows), Decimal(0))
        voucher = _voucher(a, f"CS{code}2022", total, "2022-01-25")
        objects += [
            Payout(region=regions[code], payment=voucher, batch=None, row_no=n, **r)
            for n, r in enumerate(rows, 1)
        ]
    Payout.objects.bulk_create(objects, batch_size=5000)
    _money_faults(fund, regions)


def _money_faults(fund, regions) -> None:
    from jiuzhu.ledger.models import Appropriation, RegistrationLine

    for i, code in enumerate(COUNTIES[2 : 2 + FAULTS]):
        a = Appropriation.objects.filter(region=regions[code], fund=fund, purpose="dibao").first()
        _voucher(a, f"CSX{code}1", Decimal(1000 + i), "2022-06-10")  # no payouts behind it
        _voucher(a, f"CSX{code}2", Decimal(2000 + i), "2022-07-10", code="2081001")  # orphans' code
        _voucher(a, f"CSX{code}3", Decimal(3000 + i), "2022-08-10", tag="03")  # tag changed
    for i, code in enumerate(COUNTIES[-FAULTS:]):
        orphans = Appropriation.objects.filter(region=regions[code], fund=fund, purpose="guer").first()
        line = RegistrationLine.objects.filter(appropriation=orphans, registration__status="approved").first()
        # a third more registered than paid out: execution behind (red); and a new appropriation never paid
        RegistrationLine.objects.create(
            registration=line.registration,
            appropriation=orphans,
            amount=(line.amount / 3).quantize(Decimal("0.01")) + i,
        )
        idle = Appropriation.objects.create(
            bgt_id=f"CS-IDLE-{code}",
            region=regions[code],
            fund=fund,
            fiscal_year=2022,
            exp_func_code="2082999",
            purpose="tekun",
            cor_bgt_doc_no=orphans.cor_bgt_doc_no,
            income_code=orphans.income_code,
            direct_fund_tag=orphans.direct_fund_tag,
        )
        RegistrationLine.objects.create(
            registration=line.registration, appropriation=idle, amount=Decimal(10_000 + i)
        )
