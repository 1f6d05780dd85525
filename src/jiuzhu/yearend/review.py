"""年终结转 and 收回 as subjects of review (found by ``jiuzhu.approvals``).

A 财政 审核 of the closing (or recovering) area approves or returns; neither the maker nor the submitter may.
Approved, a close closes its year for the area (``locks``) and its lines count as 上年结转 of the next year; a
recovery's lines move the money to the level above. Returned, the document stays with the reason and its lines
count for nothing; a new one may be submitted.
"""

from typing import Any

from django.urls import reverse
from django.utils import timezone

from jiuzhu.approvals.review import Subject

from .closing import SUBJECT as CLOSE_SUBJECT
from .closing import facts, still_fits
from .models import DOCUMENT_STATES, Recovery, ReviewStatus, YearClose
from .recovery import SUBJECT as RECOVERY_SUBJECT
from .recovery import recovery_fits


class _Document(Subject[Any]):
    states = DOCUMENT_STATES
    related = ("region",)
    permission = "yearend.approve"

    def makers(self, obj: Any) -> set[int]:
        return super().makers(obj) | ({obj.created_by_id} if obj.created_by_id else set())

    def on_approve(self, obj: Any, actor: Any) -> None:
        DOCUMENT_STATES.move(obj, ReviewStatus.APPROVED)
        obj.approved_at = timezone.now()
        obj.save(update_fields=["status", "approved_at"])

    def on_return(self, obj: Any, actor: Any, reason: str) -> dict[str, Any]:
        DOCUMENT_STATES.move(obj, ReviewStatus.RETURNED)
        obj.return_reason = reason
        obj.save(update_fields=["status", "return_reason"])
        return {}

    def entity(self, obj: Any) -> str:
        return str(obj.doc_no)

    def facts(self, obj: Any) -> dict[str, Any]:
        return facts(obj)


class YearCloseReview(_Document):
    key, label, model = CLOSE_SUBJECT, "年终结转", YearClose
    audit = "yearend.close_"
    not_waiting = "只有待审核的年终结转可以{verb}"
    approved_message = "已审核通过，该年度已结转关账"
    returned_message = "已退回，结转数不计入下一年度"

    def fits(self, obj: YearClose) -> None:
        still_fits(obj)

    def page(self, obj: YearClose) -> str:
        return reverse("yearend:close", args=[obj.pk])


class RecoveryReview(_Document):
    key, label, model = RECOVERY_SUBJECT, "收回", Recovery
    audit = "yearend.recovery_"
    not_waiting = "只有待审核的收回可以{verb}"
    approved_message = "已审核通过，资金已收回上级"
    returned_message = "已退回，收回不生效"

    def fits(self, obj: Recovery) -> None:
        recovery_fits(obj)

    def page(self, obj: Recovery) -> str:
        return reverse("yearend:recovery", args=[obj.pk])
