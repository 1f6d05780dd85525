"""Allocation plans as a subject of review: a checker of the issuing area approves or returns a submitted plan."""

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from jiuzhu.accounts.scoping import within
from jiuzhu.approvals.review import Subject
from jiuzhu.approvals.services import reviewer_refusal

from .models import PLAN_STATES, Plan
from .selectors import plan_department, visible_plans
from .services import SUBJECT, snapshot
from .signals import plan_approved


class PlanReview(Subject[Plan]):
    """Neither the maker nor the submitter may approve; a large plan needs several checkers (``ApprovalRule``).

    Approved, the plan counts and the ledger books its movements (``plan_approved``); returned, it goes back to
    draft with the reason and its maker edits and submits it again."""

    key, label, model = SUBJECT, "分配/调整方案", Plan
    permission, audit, region_via, states = "allocation.approve", "allocation.", "issuer", PLAN_STATES
    related = ("issuer", "created_by")
    not_waiting = "只有已提交的方案可以{verb}"
    returned_message = "已退回经办人，方案回到草稿状态"

    def visible(self, actor: Any) -> QuerySet[Plan]:
        return visible_plans(actor)

    def refusal(self, actor: Any, plan: Plan) -> str:
        """The reviewer rule of every subject (``approvals.reviewer_refusal``): a checker of the issuing bureau
        itself (not of an area above it) and of the maker's department."""
        if not within(actor, plan.issuer):
            return "该方案不是本地区发文，不能操作"
        return reviewer_refusal(actor, plan.issuer, plan_department(plan), action=self.permission)

    def makers(self, plan: Plan) -> set[int]:
        return {x for x in (plan.created_by_id, plan.submitted_by_id) if x is not None}

    def fits(self, plan: Plan) -> None:
        """Still fits: another plan of the issuer, or a county's payments, may have landed since submission."""
        from jiuzhu.core.errors import InvalidInput
        from jiuzhu.domain.problems import Severity

        from .services import validate_plan_lines

        problems = validate_plan_lines(
            plan, [r.line() for r in plan.rows.select_related("region")], final=True
        )
        errors = [p for p in problems if p.severity == Severity.ERROR]
        if errors:
            raise InvalidInput(errors)

    def on_approve(self, plan: Plan, actor: Any) -> None:
        PLAN_STATES.move(plan, Plan.APPROVED)
        plan.approved_by, plan.approved_at = actor, timezone.now()
        plan.save(update_fields=["status", "approved_by", "approved_at"])

    def after_approve(self, plan: Plan, actor: Any) -> None:
        plan_approved.send(sender=Plan, plan=plan, actor=actor)

    def on_return(self, plan: Plan, actor: Any, reason: str) -> dict[str, Any]:
        PLAN_STATES.move(plan, Plan.DRAFT)
        plan.return_reason = reason
        plan.save(update_fields=["status", "return_reason"])
        return {}

    def entity(self, plan: Plan) -> str:
        return plan.doc_no

    def facts(self, plan: Plan) -> dict[str, Any]:
        return snapshot(plan)

    def page(self, plan: Plan) -> str:
        return reverse("allocation:detail", args=[plan.pk])
