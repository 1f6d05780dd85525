"""A plan distributes only what its issuer holds, and a decrease leaves a county at least what it has paid.

Issue 11, points 11 and 2. 裕民县 received 39万 (8号) and 217万 more (82号) of the 自治区 fund: 256万 in all.
Each test tries one way round the rule and checks that nothing changed.
"""

import datetime
from decimal import Decimal

import pytest
from ledger_helpers import YUMIN, import_payments

from jiuzhu.allocation import holdings
from jiuzhu.allocation import services as allocation
from jiuzhu.allocation.models import Plan
from jiuzhu.approvals import review
from jiuzhu.core.errors import InvalidInput
from jiuzhu.domain.allocation import AdjustmentLine
from jiuzhu.funds.models import Fund
from jiuzhu.ledger.models import Movement
from jiuzhu.regions.models import Region

pytestmark = pytest.mark.django_db

W = Decimal(10000)
DAY = datetime.date(2022, 11, 25)


def _fund(level: str = "自治区") -> Fund:
    return Fund.objects.get(name="困难群众救助补助资金", fiscal_year=2022, source_label=level)


def _county_plan(people, doc_no: str, amount_wan: int, *, region: str = YUMIN, fund: Fund | None = None):
    plan = allocation.do_create_plan(
        actor=people["ymx_cz_jb"],
        fund=fund or _fund(),
        kind=Plan.ALLOCATION,
        doc_no=doc_no,
        title="裕民县分配方案",
        doc_date=DAY,
        issuer=Region.objects.get(code=YUMIN),
    )
    allocation.do_save_rows(
        actor=people["ymx_cz_jb"], plan=plan, lines=[AdjustmentLine(region, increase=amount_wan * W)]
    )
    return plan


def _codes(exc: pytest.ExceptionInfo[InvalidInput]) -> set[str]:
    return {p.code for p in exc.value.problems}


def test_the_prefecture_is_where_the_fund_enters_and_a_county_holds_what_it_received(people):
    fund, yumin = _fund(), Region.objects.get(code=YUMIN)
    assert holdings.fund_enters_here(Region.objects.get(code="654200"), fund)
    assert not holdings.fund_enters_here(yumin, fund)
    held = holdings.holding(fund=fund, issuer=yumin)
    assert (held.received, held.passed_down, held.available) == (256 * W, 0, 256 * W)


def test_a_county_cannot_issue_a_fund_it_never_received(people):
    from jiuzhu.funds.services import ensure_fund

    other = ensure_fund(
        {
            "name": "城乡医疗救助补助资金",
            "fiscal_year": 2022,
            "source_label": "自治区",
            "income_code": "1100248",
            "expenditure_codes": ["2081901"],
            "purposes": ["dibao"],
            "direct_fund_tag": "01",
            "direct_fund_tag_label": "自治区直达资金",
        }
    )
    with pytest.raises(InvalidInput) as exc:
        _county_plan(people, "裕财社〔2022〕90号", 1000, fund=other)
    assert _codes(exc) == {"FUND_NOT_RECEIVED"}
    assert not Plan.objects.filter(doc_no="裕财社〔2022〕90号").exists()


def test_a_county_cannot_give_itself_more_than_it_received(people):
    plan = allocation.do_create_plan(
        actor=people["ymx_cz_jb"],
        fund=_fund(),
        kind=Plan.ALLOCATION,
        doc_no="塔地财社〔2022〕99号",  # a prefecture-style number does not make it the prefecture's money
        title="x",
        doc_date=DAY,
        issuer=Region.objects.get(code=YUMIN),
    )
    with pytest.raises(InvalidInput) as exc:
        allocation.do_save_rows(
            actor=people["ymx_cz_jb"], plan=plan, lines=[AdjustmentLine(YUMIN, increase=1000 * W)]
        )
    assert _codes(exc) == {"ABOVE_HELD"}
    problem = exc.value.problems[0]
    assert (problem.numbers["available"], problem.numbers["total"]) == (256 * W, 1000 * W)
    assert not plan.rows.exists()


def test_a_county_cannot_issue_to_another_county(people):
    plan = _county_plan(people, "裕财社〔2022〕91号", 100)
    with pytest.raises(InvalidInput) as exc:
        allocation.do_save_rows(
            actor=people["ymx_cz_jb"], plan=plan, lines=[AdjustmentLine("654221", increase=10 * W)]
        )
    assert "OUTSIDE_AREA" in _codes(exc)
    assert [r.region.code for r in plan.rows.select_related("region")] == [YUMIN]


def test_plans_together_cannot_pass_down_more_than_was_received(people):
    first = _county_plan(people, "裕财社〔2022〕92号", 200)
    allocation.do_submit_plan(actor=people["ymx_cz_jb"], plan=first)
    review.approve(first, people["ymx_cz_sh"])
    # its own plan's movement is not money from above: the county still holds 256万, 56万 of it undistributed
    assert Movement.objects.filter(plan=first, region__code=YUMIN).exists()
    held = holdings.holding(fund=_fund(), issuer=Region.objects.get(code=YUMIN))
    assert (held.received, held.available) == (256 * W, 56 * W)
    with pytest.raises(InvalidInput) as exc:
        _county_plan(people, "裕财社〔2022〕93号", 60)
    assert _codes(exc) == {"ABOVE_HELD"}
    assert not Plan.objects.get(doc_no="裕财社〔2022〕93号").rows.exists()
    _county_plan(people, "裕财社〔2022〕94号", 56)  # exactly what is left


def test_two_plans_submitted_together_the_second_is_refused_at_approval(people):
    first = _county_plan(people, "裕财社〔2022〕95号", 200)
    second = _county_plan(people, "裕财社〔2022〕96号", 100)
    for plan in (first, second):
        allocation.do_submit_plan(actor=people["ymx_cz_jb"], plan=plan)
    review.approve(first, people["ymx_cz_sh"])
    with pytest.raises(InvalidInput) as exc:
        review.approve(second, people["ymx_cz_sh"])
    assert _codes(exc) == {"ABOVE_HELD"}
    second.refresh_from_db()
    assert second.status == Plan.SUBMITTED
    assert not Movement.objects.filter(plan=second).exists()


def test_a_county_adjustment_cannot_raise_its_plans_above_what_it_received(people):
    first = _county_plan(people, "裕财社〔2022〕97号", 250)
    allocation.do_submit_plan(actor=people["ymx_cz_jb"], plan=first)
    review.approve(first, people["ymx_cz_sh"])
    adjustment = allocation.do_create_plan(
        actor=people["ymx_cz_jb"],
        fund=_fund(),
        kind=Plan.ADJUSTMENT,
        doc_no="裕财社〔2022〕98号",
        title="调整",
        doc_date=DAY,
        issuer=Region.objects.get(code=YUMIN),
    )
    [row] = adjustment.rows.select_related("region")
    assert (row.region.code, row.base) == (YUMIN, 250 * W)  # its own plan's amount, not the prefecture's
    with pytest.raises(InvalidInput) as exc:
        allocation.do_save_rows(
            actor=people["ymx_cz_jb"],
            plan=adjustment,
            lines=[AdjustmentLine(YUMIN, base=250 * W, increase=10 * W)],
        )
    assert _codes(exc) == {"ABOVE_HELD"}
    assert adjustment.rows.get().increase == 0


# --- point 2: a decrease the county cannot book -----------------------------------------------------------


def _pay(people, yumin, amount: str, *, approve: bool = True) -> None:
    import_payments(
        people["ymx_cz_jb"],
        yumin,
        [
            [
                "D012022-V02CTD-09001",
                "裕财社〔2022〕3号",
                "2081902",
                amount,
                amount,
                "2022-11-10",
                "裕民县民政局",
            ]
        ],
        approve=approve,
    )


def _prefecture_adjustment(people, decrease_wan: int) -> Plan:
    maker = people["dq_cz_jb"]
    plan = allocation.do_create_plan(
        actor=maker,
        fund=_fund(),
        kind=Plan.ADJUSTMENT,
        doc_no="塔地财社〔2022〕95号",
        title="再次调整",
        doc_date=DAY,
        issuer=Region.objects.get(code="654200"),
    )
    lines = [r.line() for r in plan.rows.select_related("region")]
    lines = [
        AdjustmentLine(x.region_code, base=x.base, decrease=decrease_wan * W)
        if x.region_code == YUMIN
        else AdjustmentLine(x.region_code, base=x.base, increase=decrease_wan * W)
        if x.region_code == "654201"
        else x
        for x in lines
    ]
    allocation.do_save_rows(actor=maker, plan=plan, lines=lines)  # a warning does not stop a draft
    return plan


@pytest.mark.parametrize("approved", [True, False], ids=["approved-import", "pending-import"])
def test_a_decrease_below_what_the_county_paid_is_refused_at_submission(people, yumin, approved):
    _pay(people, yumin, "2400000", approve=approved)  # 240万 of 256万 paid: 16万 unspent
    assert holdings.paid_by_region(fund=_fund(), regions=[yumin]) == {YUMIN: 240 * W}
    plan = _prefecture_adjustment(people, 20)
    warnings = allocation.validate_plan_lines(plan, [r.line() for r in plan.rows.select_related("region")])
    assert [(p.code, p.severity) for p in warnings] == [("DECREASE_BELOW_PAID", "warning")]
    with pytest.raises(InvalidInput) as exc:
        allocation.do_submit_plan(actor=people["dq_cz_jb"], plan=plan)
    [problem] = exc.value.problems
    assert problem.code == "DECREASE_BELOW_PAID" and problem.severity == "error"
    assert (problem.numbers["paid"], problem.numbers["unspent"]) == (240 * W, 16 * W)
    assert "已支付2,400,000.00元" in problem.message
    plan.refresh_from_db()
    assert plan.status == Plan.DRAFT


def test_a_decrease_within_the_unspent_balance_is_submitted(people, yumin):
    _pay(people, yumin, "2400000")
    plan = _prefecture_adjustment(people, 16)
    allocation.do_submit_plan(actor=people["dq_cz_jb"], plan=plan)
    plan.refresh_from_db()
    assert plan.status == Plan.SUBMITTED


def test_payments_that_land_after_submission_stop_the_approval(people, yumin):
    plan = _prefecture_adjustment(people, 20)
    allocation.do_submit_plan(actor=people["dq_cz_jb"], plan=plan)
    _pay(people, yumin, "2400000", approve=False)
    with pytest.raises(InvalidInput) as exc:
        review.approve(plan, people["dq_cz_sh"])
    assert _codes(exc) == {"DECREASE_BELOW_PAID"}
    plan.refresh_from_db()
    assert plan.status == Plan.SUBMITTED
