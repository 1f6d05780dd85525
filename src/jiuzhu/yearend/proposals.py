"""调整方案建议: the draft adjustment plan that execution suggests, as of a date the prefecture chooses.

``proposal`` reads, per region of the issuer's area that holds the fund: the plan amount so far (the adjustment's
base), 上年结转 and 收回 of the fund, and the payments up to the date by month; projects the year's spending
(``domain.execution.project``) and proposes (``domain.proposal.propose``). ``do_propose_adjustment`` saves it as
an ordinary draft adjustment plan through the allocation services — the same editor, validation, review and
notice — and keeps the explanation of each line beside it (``AdjustmentProposal``).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import ExtractMonth

from jiuzhu.accounts.actions import require, require_within
from jiuzhu.accounts.models import User
from jiuzhu.allocation import holdings
from jiuzhu.allocation.models import Plan
from jiuzhu.allocation.selectors import current_amounts
from jiuzhu.allocation.services import do_create_plan, do_save_rows
from jiuzhu.audit.actions import AuditAction
from jiuzhu.audit.services import record
from jiuzhu.core.errors import ActionRefused
from jiuzhu.domain.execution import project
from jiuzhu.domain.proposal import County, ProposedLine, Rules, propose
from jiuzhu.funds.models import Fund
from jiuzhu.ledger.models import Movement, Payment
from jiuzhu.regions.models import Region

from .models import AdjustmentProposal, CarryoverLine, RecoveryLine, ReviewStatus

ZERO = Decimal("0.00")


def rules_from_settings(**overrides: Any) -> Rules:
    """The rules of ``JIUZHU_PROPOSAL_RULES`` (margin, months, unit, total), with ``overrides`` that are not None."""
    values = {
        **getattr(settings, "JIUZHU_PROPOSAL_RULES", {}),
        **{k: v for k, v in overrides.items() if v is not None},
    }
    base = Rules()
    return Rules(
        margin=Decimal(str(values.get("margin", base.margin))),
        months=int(values.get("months", base.months)),
        unit=Decimal(str(values.get("unit", base.unit))),
        total=None if values.get("total") is None else Decimal(str(values["total"])),
    )


def _lineage_sums(queryset: Any, key: str) -> dict[int, Decimal]:
    return dict(queryset.values_list(key).annotate(t=Sum("amount")).order_by().values_list(key, "t"))


def received_by(*, fund: Fund, as_of: datetime.date) -> dict[int, Decimal]:
    """Per region id, what the fund's approved movements had brought by ``as_of`` (下达 + 调增 − 调减)."""
    return _lineage_sums(Movement.objects.filter(fund=fund, received_on__lte=as_of), "region")


def counties(
    *, fund: Fund, issuer: Region, as_of: datetime.date, months: int, as_received: bool = False
) -> list[County]:
    """Every region of the issuer's area holding the fund, with what it has and its projected spending.

    The base is the region's plan amount now (what an adjustment plan starts from); with ``as_received`` it is
    what the region had received by ``as_of`` instead — the picture on that day, before any later plan (saved
    only while it is the same as the amounts now: ``save_refusal``)."""
    amounts = received_by(fund=fund, as_of=as_of) if as_received else current_amounts(fund=fund)
    regions = list(
        Region.objects.filter(
            pk__in=[k for k, v in amounts.items() if v is not None], path__startswith=issuer.path
        )
    )
    year = fund.fiscal_year
    lineage = {"fund__name": fund.name, "fund__source_label": fund.source_label}
    carried = _lineage_sums(
        CarryoverLine.objects.filter(to_year=year, close__status=ReviewStatus.APPROVED, **lineage), "region"
    )
    recovered = RecoveryLine.objects.filter(
        recovery__fiscal_year=year,
        recovery__status=ReviewStatus.APPROVED,
        recovery__doc_date__lte=as_of,
        carryover__fund__name=fund.name,
        carryover__fund__source_label=fund.source_label,
    )
    given, taken = _lineage_sums(recovered, "from_region"), _lineage_sums(recovered, "to_region")
    payments = Payment.objects.filter(
        appropriation__fund__name=fund.name,
        appropriation__fund__source_label=fund.source_label,
        fiscal_year=year,
        batch__approved_at__isnull=False,
    )
    paid_now = dict(payments.values_list("region").annotate(t=Sum("xpay_amt")).order_by())
    monthly: dict[int, dict[int, Decimal]] = {}
    for region, month, total in (
        payments.filter(xpay_date__lte=as_of)
        .annotate(month=ExtractMonth("xpay_date"))
        .values_list("region", "month")
        .annotate(t=Sum("xpay_amt"))
        .order_by()
    ):
        monthly.setdefault(region, {})[int(month)] = total
    out = []
    for region in sorted(regions, key=lambda r: (r.sort_order, r.path)):
        base = amounts[region.pk]
        extra = (
            (carried.get(region.pk) or ZERO) - (given.get(region.pk) or ZERO) + (taken.get(region.pk) or ZERO)
        )
        p = project(monthly.get(region.pk, {}), as_of, months=months)
        out.append(
            County(
                region.code,
                region.short_name,
                base,
                base + extra,
                p.paid,
                p.run_rate,
                p.by_run_rate,
                paid_now=paid_now.get(region.pk, ZERO),
            )
        )
    return out


@dataclass(frozen=True)
class Proposal:
    fund: Fund
    issuer: Region
    as_of: datetime.date
    rules: Rules
    lines: list[ProposedLine]
    as_received: bool = False
    """The base is what was received by the date, not the plan amounts now."""

    def as_json(self) -> dict[str, Any]:
        return {
            "fund": str(self.fund),
            "issuer": self.issuer.name,
            "as_of": self.as_of.isoformat(),
            "base": "received_by_as_of" if self.as_received else "current_plan_amounts",
            "rules": {
                "margin": str(self.rules.margin),
                "months": self.rules.months,
                "unit": str(self.rules.unit),
                "total": None if self.rules.total is None else str(self.rules.total),
            },
            "lines": [line_json(x) for x in self.lines],
        }


def line_json(x: ProposedLine) -> dict[str, Any]:
    c = x.county
    return {
        "region_code": c.region_code,
        "name": c.name,
        "base": str(c.base),
        "available": str(c.available),
        "paid": str(c.paid),
        "run_rate": str(c.run_rate),
        "projected": str(c.projected),
        "unspent": str(c.unspent),
        "margin": str(x.margin),
        "decrease": str(x.decrease),
        "increase": str(x.increase),
        "final": str(x.line().final),
        "explanation": x.explanation,
    }


def proposal(
    *, fund: Fund, issuer: Region, as_of: datetime.date, rules: Rules, as_received: bool = False
) -> Proposal:
    found = counties(fund=fund, issuer=issuer, as_of=as_of, months=rules.months, as_received=as_received)
    return Proposal(fund, issuer, as_of, rules, propose(found, rules), as_received)


def save_refusal(found: Proposal) -> str:
    """Why ``found`` cannot be saved as a plan ('' when it can): a picture as received on an earlier date is a plan
    only while no plan approved since has changed the amounts (an adjustment starts from the amounts now)."""
    if not found.as_received:
        return ""
    now = holdings.issued_amounts(fund=found.fund, issuer=found.issuer)
    codes = dict(Region.objects.filter(pk__in=now).values_list("code", "pk"))
    if all(now.get(codes.get(x.county.region_code, 0)) == x.county.base for x in found.lines):
        return ""
    later = Plan.objects.filter(
        fund=found.fund, issuer=found.issuer, status=Plan.APPROVED, doc_date__gt=found.as_of
    ).order_by("doc_date", "pk")
    names = "、".join(p.doc_no for p in later) or "其他方案"
    return (
        f"{found.as_of:%Y年%m月%d日}以后已审核通过{names}，各地区的额度已不是当日的到账数：按当日到账数测算的建议"
        "只供对照，不能保存为调整方案（调整方案以现有额度为原额度）"
    )


@transaction.atomic
def do_propose_adjustment(
    *,
    actor: User,
    fund: Fund,
    issuer: Region,
    as_of: datetime.date,
    rules: Rules,
    doc_no: str,
    title: str = "",
    doc_date: datetime.date | None = None,
    as_received: bool = False,
    ip: str = "",
) -> tuple[Plan, Proposal]:
    """The proposal saved as a draft adjustment plan of ``issuer`` (refused like any plan when it does not fit).

    ``as_received``: from what each region had received by ``as_of`` (``counties``), refused when a plan approved
    since changed the amounts (``save_refusal``)."""
    require(actor, "allocation.edit")
    require_within(actor, issuer)
    found = proposal(fund=fund, issuer=issuer, as_of=as_of, rules=rules, as_received=as_received)
    refusal = save_refusal(found)
    if refusal:
        raise ActionRefused(refusal)
    plan = do_create_plan(
        actor=actor,
        fund=fund,
        kind=Plan.ADJUSTMENT,
        doc_no=doc_no,
        title=title or f"关于调整{fund.fiscal_year}年{fund.source_label}{fund.name}分配方案的通知",
        doc_date=doc_date or as_of,
        issuer=issuer,
        ip=ip,
    )
    do_save_rows(actor=actor, plan=plan, lines=[x.line() for x in found.lines], ip=ip)
    AdjustmentProposal.objects.create(plan=plan, as_of=as_of, figures=found.as_json())
    record(
        actor=actor,
        action=AuditAction.YEAREND_PROPOSE_ADJUSTMENT,
        entity=plan.doc_no,
        region_path=issuer.path,
        ip=ip,
        after={"as_of": as_of.isoformat(), "rules": found.as_json()["rules"]},
    )
    return plan, found
