"""The saved proposal on 2022-10-15 in a world where 塔地财社〔2022〕82号 is not issued yet (small data, no demo
year): each region registers its 8号 money and pays it monthly to September, the six counties 82号 took from at
the pace of what 82号 left them, 裕民县 faster than its 39万元 allow. Saved, the proposal takes from the same six
counties exactly what 82号 took and gives to 裕民县 alone — a valid draft plan, approved, whose notice passes the
checker."""

import datetime
from decimal import Decimal

import pytest

from jiuzhu.accounts.models import User
from jiuzhu.allocation.models import Plan
from jiuzhu.allocation.services import do_submit_plan
from jiuzhu.approvals import review
from jiuzhu.approvals.services import do_load_default_rules
from jiuzhu.demo import seed
from jiuzhu.demo.ledger_year import CHECKERS, DOC_AGENCY, MAKERS, code_for
from jiuzhu.documents.checking import check_file
from jiuzhu.documents.render import render_notice
from jiuzhu.documents.services import do_load_default_templates
from jiuzhu.domain.ledger import RegistrationLine
from jiuzhu.domain.money import parse_amount
from jiuzhu.domain.problems import Severity
from jiuzhu.domain.purposes import Purpose
from jiuzhu.funds.models import Fund
from jiuzhu.funds.services import do_load_reference_codes
from jiuzhu.ledger.models import Movement
from jiuzhu.ledger.services import do_import_file, do_register_receipt
from jiuzhu.regions.models import Region
from jiuzhu.regions.services import do_load_seed_regions
from jiuzhu.yearend.models import AdjustmentProposal
from jiuzhu.yearend.proposals import do_propose_adjustment, proposal, rules_from_settings, save_refusal

AS_OF = datetime.date(2022, 10, 15)
DOC_82 = "塔地财社〔2022〕82号"
#: What each region pays a month, January to September (元): the six counties a twelfth of what 82号 left them
#: (塔城市 25万元 …), 裕民县 3.9万元 (its 39万元 would last ten months), 地区本级 within its 5万元.
MONTHLY = {
    "654200": 4000,
    "654201": 20833,
    "654221": 26666,
    "654202": 33333,
    "654203": 18333,
    "654224": 17500,
    "654225": 39000,
    "654226": 10000,
}


def _approve(obj, names):
    for name in names:
        if review.approve(obj, User.objects.get(username=name)).complete:
            return
    raise AssertionError("not enough checkers")


def _pays(code: str, movement: Movement, users) -> None:
    purpose = Purpose.ORPHAN if code == "654200" else Purpose.SUBSISTENCE
    doc = f"{DOC_AGENCY[code]}〔2022〕3号"
    registration, _ = do_register_receipt(
        actor=users[MAKERS[code]],
        movement=movement,
        cor_bgt_doc_no=doc,
        lines=[RegistrationLine(code_for(code, purpose), purpose, movement.amount)],
        registered_on=movement.received_on + datetime.timedelta(days=21),
    )
    _approve(registration, CHECKERS[code])
    rows = "".join(
        f"ZF{code}2022{month:02d},{doc},{code_for(code, purpose)},{MONTHLY[code]},{MONTHLY[code]},"
        f"2022-{month:02d}-20,{code}一卡通代发户,01\n"
        for month in range(1, 10)
    )
    header = "pay_cert_no,cor_bgt_doc_no,exp_func_code,pay_amt,xpay_amt,xpay_date,payee_acct_name,is_dir\n"
    outcome = do_import_file(
        actor=users[MAKERS[code]],
        kind="payments",
        region=movement.region,
        data=(header + rows).encode(),
        filename=f"{code}-1-9月.csv",
    )
    _approve(outcome.batch, CHECKERS[code])


@pytest.fixture
def october(db):
    """The seed with 82号 returned to its maker (not issued), each region's 8号 money registered and paid."""
    data = seed.seed_data()
    do_load_seed_regions()
    do_load_reference_codes()
    seed.load_users(data)
    do_load_default_rules()
    seed.load_seed_plans(data, approve_adjustment=False)
    do_load_default_templates()
    users = {u.username: u for u in User.objects.all()}
    review.return_(Plan.objects.get(doc_no=DOC_82), users["dq_cz_sh"], reason="尚未印发")
    fund = Fund.objects.get(fiscal_year=2022, source_label="自治区")
    for movement in Movement.objects.filter(fund=fund, kind="issue").select_related("region"):
        _pays(movement.region.code, movement, users)
    return fund, users


def test_the_saved_proposal_of_october_15_has_the_shape_of_82(october):
    fund, users = october
    prefecture = Region.objects.get(code="654200")
    rules = rules_from_settings()
    # as received on 10-15 and as the amounts are now: the same picture, so it may be saved either way
    picture = proposal(fund=fund, issuer=prefecture, as_of=AS_OF, rules=rules, as_received=True)
    assert save_refusal(picture) == ""
    plan, found = do_propose_adjustment(
        actor=users["dq_cz_jb"],
        fund=fund,
        issuer=prefecture,
        as_of=AS_OF,
        rules=rules,
        doc_no="塔地财社〔2022〕90号",
        as_received=True,
    )
    assert [(x.decrease, x.increase) for x in found.lines] == [
        (x.decrease, x.increase) for x in picture.lines
    ]
    assert AdjustmentProposal.objects.get(plan=plan).figures["base"] == "received_by_as_of"
    rows = {r.region.code: r for r in plan.rows.select_related("region")}
    by_82 = {
        seed._region_code(r["region"]): (parse_amount(r["decrease"], unit="万元"), r["increase"] != "0")
        for r in seed.seed_data()["rows"]
    }
    # the six counties give back exactly what 82号 took: a year paid at a twelfth of it a month leaves that much
    assert {code: r.decrease for code, r in rows.items()} == {code: dec for code, (dec, _) in by_82.items()}
    assert {code for code, r in rows.items() if r.increase} == {c for c, (_, up) in by_82.items() if up}
    yumin = next(x for x in found.lines if x.county.region_code == "654225")
    # 9 × 3.9万元 paid, 3.9万元 a month for three more months: 46.8万元 against 39万元, 7.8万元 short, 8万元 given
    assert (yumin.county.paid, yumin.county.projected, yumin.increase) == (
        Decimal("351000.00"),
        Decimal("468000.00"),
        Decimal("80000.00"),
    )
    assert "预计缺口78,000.00元" in yumin.explanation
    assert rows["654200"].decrease == rows["654200"].increase == 0  # 地区本级 within its margin
    # an ordinary plan: submitted with the plan's own checks, approved, and its notice passes the checker
    do_submit_plan(actor=users["dq_cz_jb"], plan=plan)
    _approve(plan, ["dq_cz_sh", "dq_cz_sh2"])
    plan.refresh_from_db()
    assert plan.status == Plan.APPROVED
    lines = [r.line() for r in plan.rows.select_related("region")]
    # 8号's 533万元, less 82号's 337万元 given back, plus 裕民县's 8万元
    assert sum((x.final for x in lines), Decimal(0)) == Decimal("2040000.00")
    findings = check_file(render_notice(plan, lines, ".docx"))
    errors = [f for f in findings if f.severity == Severity.ERROR]
    assert errors == [], [str(f) for f in errors]
