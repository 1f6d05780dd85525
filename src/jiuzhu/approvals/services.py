"""The rounds of maker-checker, keyed by (subject, object id): who submitted, who approved, who returned.

Subjects use them through ``approvals.review`` (see the package docstring); ``open_round`` is called by the
subject's own submit service. These functions only keep the Approval rows; ``review`` writes the audit record.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q

from jiuzhu.accounts.actions import require, require_within
from jiuzhu.accounts.models import User
from jiuzhu.audit.actions import AuditAction
from jiuzhu.audit.services import record
from jiuzhu.core.errors import ActionRefused, InvalidInput
from jiuzhu.domain.problems import Problem, Where
from jiuzhu.regions.models import Region

from .models import Approval, ApprovalRule
from .subjects import SUBJECTS


def reviewer_refusal(actor: Any, region: Any, department: str, *, action: str) -> str:
    """Why ``actor`` may not approve or return a submission of ``region`` made in ``department`` ("" if they may).

    One rule for every subject (a plan, a registration, an import): the checker holds ``action`` (the subject's
    approve permission) and is a 审核 of the same region (its own bureau, not an area above) and of the maker's
    department; an empty ``department`` (a file the command line's system operator imported) accepts either
    department. The maker themself is refused by ``add_approval`` / ``add_return``.
    """
    if not actor.can(action):
        return "您没有审核权限"
    if actor.region_id != region.pk:
        return f"只有{region.name}本级的审核人员可以审核"
    if department and actor.department != department:
        return "只有与经办人同一部门的审核人员可以审核"
    return ""


def require_reviewer(actor: Any, region: Any, department: str, *, action: str) -> None:
    refusal = reviewer_refusal(actor, region, department, action=action)
    if refusal:
        raise ActionRefused(refusal)


def required_approvals(*, subject: str, region: Any, fund: Any, amount: Decimal) -> int:
    """The most approvals any matching rule asks for (a rule of the region or of an area above it), at least 1.

    ``fund`` may be a list when one submission moves money of several funds (an import file): each fund's
    rules then apply to the submission's amount.
    """
    funds = [f for f in (fund if isinstance(fund, list | tuple | set) else [fund]) if f is not None]
    rules = ApprovalRule.objects.filter(
        Q(subject="") | Q(subject=subject),
        Q(fund=None) | Q(fund__in=funds),
        region__path__in=_prefixes(region.path),
        min_amount__lte=amount,
    )
    return max([1, *(r.approvals_required for r in rules)])


def _prefixes(path: str) -> list[str]:
    """``/650000/654200/654225/`` → the paths of the region and of every area above it."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


@dataclass(frozen=True)
class RoundState:
    """Where the current submission of one object stands."""

    submitted: Approval | None
    required: int
    approvals: list[Approval] = field(default_factory=list)
    returned: Approval | None = None

    @property
    def count(self) -> int:
        return len(self.approvals)

    @property
    def approvers(self) -> list[str]:
        """The usernames of this round's approvals, for the audit trail."""
        return [a.actor.username for a in self.approvals if a.actor]

    @property
    def complete(self) -> bool:
        return self.submitted is not None and self.returned is None and self.count >= self.required

    @property
    def remaining(self) -> int:
        return max(0, self.required - self.count)

    def approved_by(self, user: Any) -> bool:
        return any(a.actor_id == user.pk for a in self.approvals)


def round_state(subject: str, object_id: int) -> RoundState:
    """The latest round: its SUBMIT, the APPROVEs after it, and a RETURN that closed it, if any."""
    steps = list(Approval.objects.filter(subject=subject, object_id=object_id).select_related("actor"))
    last_submit = max((i for i, s in enumerate(steps) if s.decision == Approval.SUBMIT), default=None)
    if last_submit is None:
        return RoundState(None, 1)
    submitted = steps[last_submit]
    after = steps[last_submit + 1 :]
    returned = next((s for s in after if s.decision == Approval.RETURN), None)
    return RoundState(
        submitted, submitted.required, [s for s in after if s.decision == Approval.APPROVE], returned
    )


def _check(subject: str) -> None:
    if subject not in SUBJECTS:
        raise KeyError(f"unknown approval subject {subject!r}: add it to approvals.subjects.SUBJECTS")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("approvals run inside the subject's own transaction")


def open_round(
    *, subject: str, object_id: int, actor: User | None, region: Any, fund: Any, amount: Decimal
) -> int:
    """Start a round of approval for a submission; returns how many checkers it needs.

    ``actor`` is the submitting user, or ``None`` for the command line's system operator (who is no checker).
    """
    _check(subject)
    required = required_approvals(subject=subject, region=region, fund=fund, amount=amount)
    Approval.objects.create(
        subject=subject,
        object_id=object_id,
        decision=Approval.SUBMIT,
        actor=actor,
        amount=amount,
        required=required,
    )
    return required


def submitters(subject: str, object_id: int) -> set[int]:
    """Everyone who ever submitted the object (a round after a return may have another submitter)."""
    return set(
        Approval.objects.filter(
            subject=subject, object_id=object_id, decision=Approval.SUBMIT, actor__isnull=False
        ).values_list("actor_id", flat=True)
    )


def _open_round_for(subject: str, object_id: int, actor: User, makers: set[Any]) -> RoundState:
    state = round_state(subject, object_id)
    if state.submitted is None or state.returned is not None or state.complete:
        raise ActionRefused("该事项当前没有待审核的提交")
    if actor.pk in makers | {state.submitted.actor_id}:
        raise ActionRefused("经办人不能审核自己经办或提交的事项，请由另一位审核人员审核")
    return state


def add_approval(
    *, subject: str, object_id: int, actor: User, makers: set[Any], comment: str = ""
) -> RoundState:
    """A checker approves the open round; the same checker cannot count twice. Returns the new state."""
    _check(subject)
    state = _open_round_for(subject, object_id, actor, makers)
    if state.approved_by(actor):
        raise ActionRefused(f"您已审核过，还需另外 {state.remaining} 位审核人员审核")
    Approval.objects.create(
        subject=subject,
        object_id=object_id,
        decision=Approval.APPROVE,
        actor=actor,
        reason=comment,
        required=state.required,
    )
    return round_state(subject, object_id)


def add_return(*, subject: str, object_id: int, actor: User, reason: str, makers: set[Any]) -> Approval:
    """A checker sends the submission back to its maker with a reason; the round closes."""
    _check(subject)
    if not reason.strip():
        raise InvalidInput([Problem("REASON_REQUIRED", "退回时必须填写原因", Where(column="退回原因"))])
    state = _open_round_for(subject, object_id, actor, makers)
    return Approval.objects.create(
        subject=subject,
        object_id=object_id,
        decision=Approval.RETURN,
        actor=actor,
        reason=reason.strip(),
        required=state.required,
    )


# --- the rules, kept by an administrator --------------------------------------------------------------------

DEFAULT_RULES = [
    # (min amount in 元, approvals): from 1000万元 up, two different checkers.
    (Decimal("0"), 1),
    (Decimal("10000000"), 2),
]


@transaction.atomic
def do_load_default_rules() -> None:
    """The demo's thresholds for the prefecture, once (an administrator changes them afterwards)."""
    region = Region.objects.filter(level="prefecture").order_by("path").first()
    admin = User.objects.filter(role="admin", region=region).order_by("pk").first()
    if region is None or admin is None or ApprovalRule.objects.filter(region=region).exists():
        return
    for amount, count in DEFAULT_RULES:
        ApprovalRule.objects.create(
            region=region,
            subject="",
            fund=None,
            min_amount=amount,
            approvals_required=count,
            created_by=admin,
        )


@transaction.atomic
def do_create_rule(
    *,
    actor: User,
    region: Any,
    subject: str,
    fund: Any,
    min_amount: Decimal,
    approvals_required: int,
    ip: str = "",
) -> ApprovalRule:
    require(actor, "reference.manage")
    require_within(actor, region)
    problems = []
    if subject and subject not in SUBJECTS:
        problems.append(Problem("BAD_SUBJECT", "未知的审批事项", Where(column="事项")))
    if not 1 <= approvals_required <= 5:
        problems.append(Problem("BAD_COUNT", "需审核人数应为 1 至 5", Where(column="需审核人数")))
    if min_amount < 0:
        problems.append(Problem("NEGATIVE_AMOUNT", "金额下限不能为负数", Where(column="金额下限")))
    if problems:
        raise InvalidInput(problems)
    rule = ApprovalRule.objects.create(
        region=region,
        subject=subject,
        fund=fund,
        min_amount=min_amount,
        approvals_required=approvals_required,
        created_by=actor,
    )
    record(
        actor=actor,
        action=AuditAction.APPROVALS_RULE_CREATE,
        entity=str(rule),
        region_path=region.path,
        ip=ip,
        after={
            "subject": subject,
            "fund": str(fund or ""),
            "min_amount": str(min_amount),
            "approvals_required": approvals_required,
        },
    )
    return rule


@transaction.atomic
def do_delete_rule(*, actor: User, rule: ApprovalRule, ip: str = "") -> None:
    require(actor, "reference.manage")
    require_within(actor, rule.region)
    before = {
        "subject": rule.subject,
        "fund": str(rule.fund or ""),
        "min_amount": str(rule.min_amount),
        "approvals_required": rule.approvals_required,
    }
    entity, path = str(rule), rule.region.path
    rule.delete()
    record(
        actor=actor,
        action=AuditAction.APPROVALS_RULE_DELETE,
        entity=entity,
        region_path=path,
        before=before,
        ip=ip,
    )
