"""Maker-checker: a second person approves; a return goes back to draft with its reason; big amounts need more."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from helpers import logged_in
from jiuzhu.allocation import services
from jiuzhu.allocation.models import Plan
from jiuzhu.approvals import review
from jiuzhu.approvals.models import Approval, ApprovalRule
from jiuzhu.approvals.services import do_create_rule, required_approvals, round_state
from jiuzhu.core.errors import ActionRefused, InvalidInput
from jiuzhu.domain.allocation import AdjustmentLine

DOC = "塔地财社〔2022〕82号"


@pytest.fixture
def pending(db):
    """The seed scenario with 塔地财社〔2022〕82号 submitted by its maker and not yet approved."""
    from jiuzhu.accounts.models import User
    from jiuzhu.approvals.services import do_load_default_rules
    from jiuzhu.demo import seed as demo
    from jiuzhu.funds.services import do_load_reference_codes
    from jiuzhu.regions.services import do_load_seed_regions

    data = demo.seed_data()
    do_load_seed_regions()
    do_load_reference_codes()
    demo.load_users(data)
    do_load_default_rules()
    demo.load_seed_plans(data, approve_adjustment=False)
    return Plan.objects.get(doc_no=DOC), {u.username: u for u in User.objects.all()}


def test_the_maker_of_the_seed_adjustment_cannot_approve_it_and_a_second_checker_can(pending):
    plan, users = pending
    assert plan.status == Plan.SUBMITTED and plan.submitted_by.username == "dq_cz_jb"
    with pytest.raises(ActionRefused):  # a 经办 may not approve at all (and not their own: see below)
        review.approve(plan, users["dq_cz_jb"])
    state = review.approve(plan, users["dq_cz_sh"])
    plan.refresh_from_db()
    assert state.complete and plan.status == Plan.APPROVED and plan.approved_by.username == "dq_cz_sh"
    steps = list(
        Approval.objects.filter(subject="allocation.plan", object_id=plan.pk).values_list(
            "decision", "actor__username"
        )
    )
    assert steps == [("submit", "dq_cz_jb"), ("approve", "dq_cz_sh")]


def test_a_maker_who_is_also_a_checker_still_cannot_approve_their_own_plan(pending):
    """Even if the maker later becomes a checker, their own submission needs someone else."""
    plan, users = pending
    maker = users["dq_cz_jb"]
    maker.role = "checker"
    maker.save()
    with pytest.raises(ActionRefused, match="经办人不能审核"):
        review.approve(plan, maker)


def test_the_page_hides_approval_from_the_maker_and_refuses_it_anyway(pending):
    plan, users = pending
    maker = logged_in(users["dq_cz_jb"])
    page = maker.get(f"/allocation/{plan.pk}/").content.decode()
    assert "审核通过</button>" not in page and "提交审核</button>" not in page
    response = maker.post(reverse("approvals:approve", args=["allocation.plan", plan.pk]))
    assert response.status_code == 403  # a maker's role may not approve at all
    checker_page = logged_in(users["dq_cz_sh"]).get(f"/allocation/{plan.pk}/").content.decode()
    assert "审核通过</button>" in checker_page and "退回</button>" in checker_page
    plan.refresh_from_db()
    assert plan.status == Plan.SUBMITTED


def test_the_administrator_and_the_audit_bureau_do_not_approve_money(pending):
    plan, users = pending
    for name in ("admin", "dq_sj_ck", "dq_mz_sh"):
        with pytest.raises(ActionRefused):
            review.approve(plan, users[name])
        assert (
            logged_in(users[name])
            .post(reverse("approvals:approve", args=["allocation.plan", plan.pk]))
            .status_code
            == 403
        )
    plan.refresh_from_db()
    assert plan.status == Plan.SUBMITTED


def test_a_returned_plan_goes_back_to_draft_with_the_reason_shown(pending):
    plan, users = pending
    with pytest.raises(InvalidInput):
        review.return_(plan, users["dq_cz_sh"], reason="  ")
    checker = logged_in(users["dq_cz_sh"])
    response = checker.post(
        reverse("approvals:return", args=["allocation.plan", plan.pk]),
        {"reason": "裕民县调增数与测算表不符，请核对"},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == Plan.DRAFT and plan.editable
    page = logged_in(users["dq_cz_jb"]).get(f"/allocation/{plan.pk}/").content.decode()
    assert "退回原因：裕民县调增数与测算表不符，请核对" in page
    assert "编辑</a>" in page and "提交审核</button>" in page
    # The maker corrects and submits again: the reason is gone, and a new round starts.
    services.do_submit_plan(actor=users["dq_cz_jb"], plan=plan)
    plan.refresh_from_db()
    assert plan.status == Plan.SUBMITTED and plan.return_reason == ""
    assert round_state("allocation.plan", plan.pk).count == 0
    review.approve(plan, users["dq_cz_sh2"])
    plan.refresh_from_db()
    assert plan.status == Plan.APPROVED


def test_only_a_submitted_plan_can_be_returned(pending):
    plan, users = pending
    review.approve(plan, users["dq_cz_sh"])
    with pytest.raises(ActionRefused):
        review.return_(plan, users["dq_cz_sh2"], reason="晚了")


def _big_plan(users, *, amount="12000000", doc_no="塔地财社〔2022〕120号") -> Plan:
    """A new allocation of 1200万元 to 裕民县: above the demo's 1000万元 threshold."""
    from jiuzhu.funds.models import Fund
    from jiuzhu.regions.models import Region

    maker = users["dq_cz_jb"]
    fund = Fund.objects.get()
    plan = services.do_create_plan(
        actor=maker,
        fund=fund,
        kind=Plan.ALLOCATION,
        doc_no=doc_no,
        title="追加分配",
        doc_date=datetime.date(2022, 11, 20),
        issuer=Region.objects.get(code="654200"),
    )
    services.do_save_rows(actor=maker, plan=plan, lines=[AdjustmentLine("654225", increase=Decimal(amount))])
    return plan


def test_a_plan_above_the_threshold_needs_two_distinct_checkers(pending):
    _, users = pending
    plan = _big_plan(users)
    assert services.do_submit_plan(actor=users["dq_cz_jb"], plan=plan) == 2
    state = review.approve(plan, users["dq_cz_sh"])
    plan.refresh_from_db()
    assert not state.complete and state.remaining == 1 and plan.status == Plan.SUBMITTED
    page = logged_in(users["dq_cz_sh2"]).get(f"/allocation/{plan.pk}/").content.decode()
    assert "审核进度：1/2" in page
    first = logged_in(users["dq_cz_sh"]).get(f"/allocation/{plan.pk}/").content.decode()
    assert "审核通过</button>" not in first  # already approved once: the button is gone for them
    with pytest.raises(ActionRefused, match="您已审核过"):
        review.approve(plan, users["dq_cz_sh"])
    state = review.approve(plan, users["dq_cz_sh2"])
    plan.refresh_from_db()
    assert state.complete and plan.status == Plan.APPROVED
    assert [a.actor.username for a in state.approvals] == ["dq_cz_sh", "dq_cz_sh2"]


def test_a_plan_below_the_threshold_needs_one(pending):
    _, users = pending
    plan = _big_plan(users, amount="9999999.99")
    assert services.do_submit_plan(actor=users["dq_cz_jb"], plan=plan) == 1


def test_rules_are_per_area_matter_and_fund(pending):
    from jiuzhu.funds.models import Fund
    from jiuzhu.regions.models import Region

    _, users = pending
    fund = Fund.objects.get()
    prefecture, yumin, emin = (Region.objects.get(code=c) for c in ("654200", "654225", "654221"))
    ymx_admin = users["admin"]
    do_create_rule(
        actor=ymx_admin,
        region=yumin,
        subject="allocation.plan",
        fund=fund,
        min_amount=Decimal(100),
        approvals_required=3,
    )
    amount = Decimal(500)
    assert required_approvals(subject="allocation.plan", region=yumin, fund=fund, amount=amount) == 3
    assert required_approvals(subject="allocation.plan", region=emin, fund=fund, amount=amount) == 1
    assert required_approvals(subject="ledger.registration", region=yumin, fund=fund, amount=amount) == 1
    assert required_approvals(subject="allocation.plan", region=yumin, fund=fund, amount=Decimal(99)) == 1
    # The prefecture's own 1000万 rule reaches the counties under it.
    assert required_approvals(subject="ledger.import", region=emin, fund=None, amount=Decimal(10**7)) == 2
    assert (
        required_approvals(subject="ledger.import", region=prefecture, fund=None, amount=Decimal(10**7)) == 2
    )


def test_rules_are_kept_by_an_administrator_within_their_area(pending):
    from jiuzhu.regions.models import Region

    _, users = pending
    with pytest.raises(ActionRefused):
        do_create_rule(
            actor=users["dq_cz_sh"],
            region=Region.objects.get(code="654200"),
            subject="",
            fund=None,
            min_amount=Decimal(0),
            approvals_required=2,
        )
    admin = logged_in(users["admin"])
    response = admin.post(
        "/approvals/rules/",
        {
            "region": Region.objects.get(code="654225").pk,
            "subject": "allocation.plan",
            "fund": "",
            "min_amount": "5,000,000.00",
            "approvals_required": "2",
        },
    )
    assert response.status_code == 302
    rule = ApprovalRule.objects.get(region__code="654225")
    assert rule.min_amount == Decimal("5000000.00") and rule.approvals_required == 2
    page = admin.get("/approvals/rules/").content.decode()
    assert "裕民县" in page and "5,000,000" in page
    bad = admin.post(
        "/approvals/rules/",
        {
            "region": Region.objects.get(code="654225").pk,
            "subject": "",
            "min_amount": "1e30",
            "approvals_required": "2",
        },
        follow=True,
    )
    assert "输入有误" in bad.content.decode()
    assert logged_in(users["dq_cz_sh"]).get("/approvals/rules/").status_code == 403
    admin.post(f"/approvals/rules/{rule.pk}/delete/")
    assert not ApprovalRule.objects.filter(pk=rule.pk).exists()
