"""Plan movements booked into the ledger, and the direct-fund tag that never changes."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum

from jiuzhu.accounts.actors import Actor
from jiuzhu.accounts.models import User
from jiuzhu.allocation.models import Plan
from jiuzhu.audit.actions import AuditAction
from jiuzhu.audit.services import record
from jiuzhu.core.errors import ActionRefused
from jiuzhu.domain.ledger import (
    movements_for_row,
)
from jiuzhu.yearend.locks import refuse_if_closed

from ..models import Appropriation, Movement, Payment, Registration
from ..models import RegistrationLine as LineModel


def book_plan_movements(*, plan: Plan, actor: User) -> list[Movement]:
    """Book each region's 下达 / 调增 / 调减 of an approved plan; runs inside the approval's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("plan movements are booked inside the approval's transaction")
    fund = plan.fund
    refuse_if_closed(fiscal_year=fund.fiscal_year, region=plan.issuer, what="下达或调整该年度的资金")
    booked = []
    for row in plan.rows.select_related("region"):
        for item in movements_for_row(
            is_adjustment=plan.kind == "adjustment",
            base=row.base,
            decrease=row.decrease,
            increase=row.increase,
        ):
            movement, created = Movement.objects.get_or_create(
                plan=plan,
                region=row.region,
                kind=item.kind.value,
                defaults={
                    "fund": fund,
                    "amount": item.amount,
                    "sup_bgt_doc_no": plan.doc_no,
                    "income_code": fund.income_code,
                    "direct_fund_tag": fund.direct_fund_tag.code,
                    "received_on": plan.doc_date,
                    "fiscal_year": fund.fiscal_year,
                },
            )
            if created:
                booked.append(movement)
    record(
        actor=actor,
        action=AuditAction.LEDGER_BOOK_MOVEMENTS,
        entity=plan.doc_no,
        region_path=plan.issuer.path,
        after={m.region.code: [m.kind, str(m.amount), m.direct_fund_tag] for m in booked},
    )
    return booked


#: Lines of registrations that are submitted or approved: what a new registration or file is checked against.
LIVE_LINES = ~Q(lines__registration__status=Registration.RETURNED)


def approved_registered(appropriation_id: int) -> Decimal:
    total = LineModel.objects.filter(
        appropriation_id=appropriation_id, registration__status=Registration.APPROVED
    ).aggregate(t=Sum("amount"))["t"]
    return total or Decimal(0)


def approved_paid(appropriation_id: int) -> Decimal:
    total = Payment.objects.filter(
        appropriation_id=appropriation_id, batch__approved_at__isnull=False
    ).aggregate(t=Sum("xpay_amt"))["t"]
    return total or Decimal(0)


def refuse_tag_change(
    *, actor: Actor, target: Movement | Appropriation | Payment, new_tag: str, ip: str = ""
) -> None:
    """A direct-fund tag is never edited. The attempt is recorded (committed) and then refused."""
    region = target.region
    with transaction.atomic():
        record(
            actor=actor,
            action=AuditAction.LEDGER_TAG_CHANGE_REFUSED,
            entity=f"{type(target).__name__}#{target.pk}",
            region_path=region.path,
            ip=ip,
            before={"direct_fund_tag": target.direct_fund_tag},
            after={"requested": new_tag},
        )
    raise ActionRefused(
        f"直达资金标识“{target.direct_fund_tag}”贯穿分配、拨付、使用全过程且保持不变，不能修改"
    )
