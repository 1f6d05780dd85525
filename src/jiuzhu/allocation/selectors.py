"""Reads of plans, already scoped to the user's region."""

from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from jiuzhu.accounts.scoping import scope_q, scoped, within
from jiuzhu.funds.models import Fund

from .models import Plan, PlanRow


def visible_plans(user: Any) -> QuerySet[Plan]:
    """Plans the user's area issued, and approved plans that send money into it."""
    issued_here = scope_q(user, via="issuer")
    sent_here = Q(status=Plan.APPROVED) & scope_q(user, via="rows__region")
    return Plan.objects.filter(issued_here | sent_here).distinct().select_related("fund", "issuer")


def visible_rows(user: Any, plan: Plan) -> QuerySet[PlanRow]:
    """Only the rows of the user's area: a county sees its own line of a prefecture's notice, no one else's."""
    return scoped(plan.rows.all(), user).select_related("region")


def plan_department(plan: Plan) -> str:
    """The department whose checker reviews the plan: its maker's (the rule of ledger items too)."""
    return str(plan.created_by.department) if plan.created_by_id else ""


def plan_actions(user: Any, plan: Plan) -> dict[str, bool]:
    """Which of the maker's buttons to show (the checker's come from ``approvals.review.panel``); the services
    refuse the same things on the server whatever the page shows."""
    issued_here = within(user, plan.issuer)
    return {
        "can_edit": plan.editable and issued_here and user.can("allocation.edit"),
        "can_submit": plan.editable and issued_here and user.can("allocation.submit"),
    }


def current_amounts(*, fund: Fund, excluding: Plan | None = None) -> dict[int, Decimal]:
    """Per region id, the amount after the latest approved plan of the fund (each plan carries full rows)."""
    return amounts_after(Plan.objects.filter(fund=fund, status=Plan.APPROVED), excluding=excluding)


def amounts_after(plans: "QuerySet[Plan]", *, excluding: Plan | None = None) -> dict[int, Decimal]:
    """Per region id, the amount after the latest of ``plans`` (but ``excluding``) that has a row for it."""
    if excluding is not None:
        plans = plans.exclude(pk=excluding.pk)
    amounts: dict[int, Decimal] = {}
    for row in PlanRow.objects.filter(plan__in=plans).order_by("plan__approved_at", "plan_id"):
        amounts[row.region_id] = row.base + row.increase - row.decrease
    return amounts
