"""收回: balances carried ``period`` years in a row go back to the level above, as a reviewed document.

``period`` is a setting per fund: ``JIUZHU_RECOVERY_YEARS`` maps a fund's ``"{level}{name}"`` (or ``"default"``)
to the number of years (2 unless set). A line's amount is what is left of the carried balance: the carried amount
less this year's payments from the appropriation. Approved (``review.RecoveryReview``), each line is −amount for
the region and +amount for its parent in this year's execution; nothing is created or lost.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from jiuzhu.accounts.actions import require, require_within
from jiuzhu.approvals.services import open_round
from jiuzhu.audit.actions import AuditAction
from jiuzhu.audit.services import record
from jiuzhu.core.errors import ActionRefused
from jiuzhu.domain.carryover import DEFAULT_RECOVERY_YEARS, due_for_recovery, recovery_moves
from jiuzhu.funds.models import Fund
from jiuzhu.ledger.models import Payment
from jiuzhu.regions.models import Region

from .closing import facts
from .models import LIVE, CarryoverLine, Recovery, RecoveryLine, ReviewStatus

SUBJECT = "yearend.recovery"
ZERO = Decimal("0.00")


def recovery_years(fund: Fund) -> int:
    periods: dict[str, int] = getattr(settings, "JIUZHU_RECOVERY_YEARS", {})
    return int(periods.get(f"{fund.source_label}{fund.name}", periods.get("default", DEFAULT_RECOVERY_YEARS)))


@dataclass(frozen=True)
class Candidate:
    carryover: CarryoverLine
    remaining: Decimal
    parent: Region


def candidates(*, year: int, region: Region, excluding: Recovery | None = None) -> list[Candidate]:
    """Balances carried into ``year`` below ``region`` long enough to be taken back, not already taken back (by
    another recovery than ``excluding``)."""
    held = RecoveryLine.objects.filter(recovery__status__in=LIVE)
    if excluding is not None:
        held = held.exclude(recovery=excluding)
    lines = [
        x
        for x in CarryoverLine.objects.filter(
            to_year=year, close__status=ReviewStatus.APPROVED, region__path__startswith=region.path
        )
        .exclude(region=region)
        .exclude(pk__in=held.values("carryover"))
        .select_related("region__parent", "fund", "appropriation")
        .order_by("region__path", "id")
        if due_for_recovery(x.source_year, year, recovery_years(x.fund))
    ]
    spent = dict(
        Payment.objects.filter(
            appropriation__in=[x.appropriation_id for x in lines],
            fiscal_year=year,
            batch__approved_at__isnull=False,
        )
        .values_list("appropriation")
        .annotate(t=Sum("xpay_amt"))
        .order_by()
        .values_list("appropriation", "t")
    )
    moves = recovery_moves(
        [
            (
                str(x.pk),
                x.region.code,
                x.region.parent.code,
                x.amount - (spent.get(x.appropriation_id) or ZERO),
            )
            for x in lines
            if x.region.parent
        ]
    )
    by_pk = {str(x.pk): x for x in lines}
    parents: dict[str, Region] = {x.region.code: x.region.parent for x in lines if x.region.parent}
    return [Candidate(by_pk[m.key], m.amount, parents[m.region]) for m in moves]


@transaction.atomic
def do_submit_recovery(
    *,
    actor: Any,
    year: int,
    region: Region,
    doc_no: str,
    doc_date: datetime.date | None = None,
    ip: str = "",
) -> Recovery:
    """Propose the 收回 of every candidate below ``region`` under ``doc_no`` and send it for review."""
    require(actor, "yearend.close")
    require_within(actor, region)
    Region.objects.select_for_update().get(pk=region.pk)
    if not doc_no.strip():
        raise ActionRefused("收回须填写文号")
    if Recovery.objects.filter(doc_no=doc_no.strip()).exists():
        raise ActionRefused(f"文号{doc_no.strip()}已使用")
    found = candidates(year=year, region=region)
    if not found:
        raise ActionRefused(f"{year}年度没有连续结转满规定年限、需要收回的资金")
    user = actor if getattr(actor, "pk", None) is not None else None
    doc_date = doc_date or min(timezone.localdate(), datetime.date(year, 12, 31))
    if doc_date.year != year:
        raise ActionRefused(f"收回的成文日期应在{year}年度内")
    recovery = Recovery.objects.create(
        fiscal_year=year, region=region, doc_no=doc_no.strip(), doc_date=doc_date, created_by=user
    )
    RecoveryLine.objects.bulk_create(
        RecoveryLine(
            recovery=recovery,
            carryover=c.carryover,
            from_region=c.carryover.region,
            to_region=c.parent,
            amount=c.remaining,
        )
        for c in found
    )
    total = sum((c.remaining for c in found), ZERO)
    funds = list(Fund.objects.filter(pk__in={c.carryover.fund_id for c in found}))
    required = open_round(
        subject=SUBJECT, object_id=recovery.pk, actor=user, region=region, fund=funds, amount=total
    )
    record(
        actor=actor,
        action=AuditAction.YEAREND_RECOVERY_SUBMIT,
        entity=recovery.doc_no,
        region_path=region.path,
        ip=ip,
        after={**facts(recovery), "approvals_required": required},
    )
    return recovery


def recovery_fits(recovery: Recovery) -> None:
    """On approval: each line's balance is still there (nothing paid from it since the submission)."""
    found = candidates(year=recovery.fiscal_year, region=recovery.region, excluding=recovery)
    fresh = {c.carryover.pk: c.remaining for c in found}
    for line in recovery.lines.all():
        if fresh.get(line.carryover_id) != line.amount:
            raise ActionRefused("提交后该笔结转资金已有支出，收回金额与台账不符，请退回后重新办理")
