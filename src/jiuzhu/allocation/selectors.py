"""Reads of plans, already scoped to the user's region."""

from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from jiuzhu.accounts.scoping import scope_path
from jiuzhu.funds.models import Fund

from .models import Plan, PlanRow


def visible_plans(user: Any) -> QuerySet[Plan]:
    """Plans the user's area issued, and approved plans that send money into it."""
    path = scope_path(user)
    return (
        Plan.objects.filter(
            Q(issuer__path__startswith=path) | Q(status=Plan.APPROVED, rows__region__path__startswith=path)
        )
        .distinct()
        .select_related("fund", "issuer")
    )


def visible_rows(user: Any, plan: Plan) -> QuerySet[PlanRow]:
    return plan.rows.filter(region__path__startswith=scope_path(user)).select_related("region")


def current_amounts(*, fund: Fund, excluding: Plan | None = None) -> dict[int, Decimal]:
    """Per region id, the amount after the latest approved plan of the fund (each plan carries full rows)."""
    plans = Plan.objects.filter(fund=fund, status=Plan.APPROVED).order_by("approved_at", "id")
    if excluding is not None:
        plans = plans.exclude(pk=excluding.pk)
    amounts: dict[int, Decimal] = {}
    for row in PlanRow.objects.filter(plan__in=plans).order_by("plan__approved_at", "plan_id"):
        amounts[row.region_id] = row.base + row.increase - row.decrease
    return amounts
