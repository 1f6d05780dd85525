"""The monitoring subject of review (found by ``jiuzhu.approvals``): a 红 finding a clerk judged a false
positive (误报) waits for a checker, who approves it (误报) or returns it (back to 待复核)."""

from typing import Any

from django.urls import reverse

from jiuzhu.approvals.review import Subject
from jiuzhu.domain.findings import State, Transition

from .models import Finding, FindingEvent

FP_SUBJECT = "monitoring.false_positive"


class FalsePositiveReview(Subject[Finding]):
    key, label, model = FP_SUBJECT, "红灯预警误报认定", Finding
    permission, audit, related = "monitoring.check", "monitoring.fp_", ("region",)
    not_waiting = "该预警没有待审核的误报认定"
    approved_message = "已审核通过：该预警认定为误报"
    returned_message = "已退回：该预警回到待复核"

    def waiting(self, obj: Finding) -> bool:
        return obj.state == State.FALSE_POSITIVE_REVIEW.value

    def on_approve(self, obj: Finding, actor: Any) -> None:
        _move(obj, actor, Transition.FP_APPROVE, State.FALSE_POSITIVE, "")

    def on_return(self, obj: Finding, actor: Any, reason: str) -> dict[str, Any]:
        _move(obj, actor, Transition.FP_RETURN, State.PENDING, reason)
        return {}

    def entity(self, obj: Finding) -> str:
        return f"预警{obj.pk} {obj.get_rule_display()}"

    def facts(self, obj: Finding) -> dict[str, Any]:
        return {"state": obj.state, "reason": obj.reason}

    def page(self, obj: Finding) -> str:
        return reverse("monitoring:detail", args=[obj.pk])


def _move(finding: Finding, actor: Any, transition: Transition, to: State, note: str) -> None:
    from django.utils import timezone

    FindingEvent.objects.create(
        finding=finding,
        transition=transition.value,
        from_state=finding.state,
        to_state=to.value,
        actor=str(getattr(actor, "username", "")),
        note=note,
    )
    finding.state = to.value
    finding.closed_at = timezone.now() if to is State.FALSE_POSITIVE else None
    finding.save(update_fields=["state", "closed_at", "updated_at"])
