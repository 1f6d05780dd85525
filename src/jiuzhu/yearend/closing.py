"""年终结转: the balances a closed year carries, its submission, and the reopening of a closed year.

- ``positions``: every appropriation live in the year within the area (the year's own, and older ones carried
  into it) with its balance at the year's end, in three grouped queries.
- ``close_preview``: the 结转 lines a close would make, with the overspent appropriations as problems.
- ``do_submit_close``: the lines stored and the review round opened (subject 年终结转, ``review.YearCloseReview``);
  approved, the year is closed for the area (``locks``).
- ``do_reopen_year``: a new document, audited, that reopens an approved close.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum

from jiuzhu.accounts.actions import require, require_within
from jiuzhu.approvals.services import open_round
from jiuzhu.audit.actions import AuditAction
from jiuzhu.audit.services import record
from jiuzhu.core.errors import ActionRefused
from jiuzhu.domain.carryover import Position, carry_forward
from jiuzhu.domain.money import to_fen
from jiuzhu.domain.problems import Problem
from jiuzhu.funds.models import Fund
from jiuzhu.ledger.models import (
    Appropriation,
    ImportBatch,
    Payment,
    Registration,
    RegistrationLine,
    ReviewStatus,
)
from jiuzhu.regions.models import Region

from .models import LIVE, CarryoverLine, Recovery, RecoveryLine, YearClose, YearReopen
from .models import ReviewStatus as DocStatus

SUBJECT = "ledger.year_end"
ZERO = Decimal("0.00")


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) is not None else None


def live_appropriations(*, year: int, region: Region) -> "Any":
    """The year's own appropriations of the area, and those carried into the year by an approved close."""
    carried = CarryoverLine.objects.filter(to_year=year, close__status=DocStatus.APPROVED).values(
        "appropriation"
    )
    return Appropriation.objects.filter(
        Q(fiscal_year=year) | Q(pk__in=carried), region__path__startswith=region.path
    ).select_related("region", "fund")


def _sums(queryset: Any, key: str, field: str) -> dict[Any, Decimal]:
    return dict(queryset.values_list(key).annotate(t=Sum(field)).order_by().values_list(key, "t"))


def recovered_from(appropriation_ids: Any, *, states: Any = (DocStatus.APPROVED,)) -> dict[int, Decimal]:
    """Per appropriation id, what 收回 documents in ``states`` took back of the balances carried from it."""
    lines = RecoveryLine.objects.filter(
        carryover__appropriation__in=appropriation_ids, recovery__status__in=list(states)
    )
    return _sums(lines, "carryover__appropriation", "amount")


def positions(*, year: int, region: Region) -> list[tuple[Appropriation, Position]]:
    """Each live appropriation with its balance at the end of ``year``: registered − paid − recovered."""
    appropriations = list(live_appropriations(year=year, region=region).order_by("region__path", "bgt_id"))
    ids = [a.pk for a in appropriations]
    registered = _sums(
        RegistrationLine.objects.filter(appropriation__in=ids, registration__status=Registration.APPROVED),
        "appropriation",
        "amount",
    )
    paid = _sums(
        Payment.objects.filter(
            appropriation__in=ids, batch__approved_at__isnull=False, fiscal_year__lte=year
        ),
        "appropriation",
        "xpay_amt",
    )
    recovered = recovered_from(ids)
    return [
        (
            a,
            Position(
                a.bgt_id, registered.get(a.pk) or ZERO, paid.get(a.pk) or ZERO, recovered.get(a.pk) or ZERO
            ),
        )
        for a in appropriations
    ]


@dataclass(frozen=True)
class Preview:
    year: int
    region: Region
    lines: list[CarryoverLine]
    """Unsaved."""
    problems: list[Problem]

    @property
    def total(self) -> Decimal:
        return sum((x.amount for x in self.lines), ZERO)


def _doc_nos(appropriation_ids: list[int]) -> dict[int, tuple[str, str]]:
    """Per appropriation: its 上级指标文号 (every receipt registered into it) and its 本级指标文号."""
    found: dict[int, tuple[dict[str, None], dict[str, None]]] = {}  # ordered sets: in the order received
    for pk, sup, cor in (
        RegistrationLine.objects.filter(
            appropriation__in=appropriation_ids, registration__status=Registration.APPROVED
        )
        .values_list(
            "appropriation", "registration__movement__sup_bgt_doc_no", "registration__cor_bgt_doc_no"
        )
        .order_by("registration__movement__received_on", "registration_id")
    ):
        sups, cors = found.setdefault(pk, ({}, {}))
        sups[sup] = cors[cor] = None
    return {pk: ("、".join(s), "、".join(c)) for pk, (s, c) in found.items()}


def close_preview(*, year: int, region: Region) -> Preview:
    found = positions(year=year, region=region)
    by_key = {p.key: a for a, p in found}
    carries, problems = carry_forward([p for _, p in found])
    docs = _doc_nos([a.pk for a, _ in found])
    lines = []
    for carry in carries:
        a = by_key[carry.key]
        sup, cor = docs.get(a.pk, ("", a.cor_bgt_doc_no))
        lines.append(
            CarryoverLine(
                appropriation=a,
                region=a.region,
                fund=a.fund,
                from_year=year,
                to_year=year + 1,
                source_year=a.fiscal_year,
                purpose=a.purpose,
                exp_func_code=a.exp_func_code,
                income_code=a.income_code,
                direct_fund_tag=a.direct_fund_tag,
                sup_bgt_doc_no=sup[:255],
                cor_bgt_doc_no=(cor or a.cor_bgt_doc_no)[:64],
                amount=carry.amount,
            )
        )
    return Preview(year, region, lines, problems)


def close_refusal(*, year: int, region: Region) -> str:
    """Why ``year`` cannot be closed for ``region`` now ('' when it can)."""
    held = YearClose.objects.filter(fiscal_year=year, status__in=LIVE, region__path__startswith=region.path)
    covering = [p for p in region.path.split("/") if p]
    above = YearClose.objects.filter(fiscal_year=year, status__in=LIVE, region__code__in=covering)
    existing = (held | above).select_related("region").first()
    if existing is not None:
        state = "已提交待审核" if existing.status == DocStatus.SUBMITTED else "已结转关账"
        return f"{year}年度{existing.region.name}的年终结转（{existing.doc_no}）{state}，不能重复结转"
    if YearClose.objects.filter(fiscal_year=year - 1, status=DocStatus.SUBMITTED).exists():
        return f"{year - 1}年度的年终结转尚待审核，请先完成上一年度"
    waiting_regs = Registration.objects.filter(
        status=Registration.SUBMITTED,
        movement__fiscal_year=year,
        movement__region__path__startswith=region.path,
    ).count()
    waiting_files = (
        ImportBatch.objects.filter(review_status=ReviewStatus.SUBMITTED, region__path__startswith=region.path)
        .filter(Q(fiscal_year=year) | Q(fiscal_year__isnull=True))
        .count()
    )
    if waiting_regs or waiting_files:
        return f"尚有{waiting_regs}笔指标登记、{waiting_files}个导入文件待审核，请审核完毕后再办理年终结转"
    return ""


def facts(document: YearClose | Recovery) -> dict[str, Any]:
    """What the audit trail keeps of a year-end document (a close or a recovery): its state and its lines."""
    lines: list[CarryoverLine | RecoveryLine] = list(document.lines.all())
    return {
        "status": document.status,
        "fiscal_year": document.fiscal_year,
        "lines": len(lines),
        "amount_fen": sum(to_fen(x.amount) for x in lines),
    }


@transaction.atomic
def do_submit_close(*, actor: Any, year: int, region: Region, doc_no: str = "", ip: str = "") -> YearClose:
    """Store the 结转 lines of ``year`` for ``region``'s area and send them for review."""
    require(actor, "yearend.close")
    require_within(actor, region)
    Region.objects.select_for_update().get(pk=region.pk)  # one close of an area at a time
    refusal = close_refusal(year=year, region=region)
    if refusal:
        raise ActionRefused(refusal)
    preview = close_preview(year=year, region=region)
    close = YearClose.objects.create(
        fiscal_year=year,
        region=region,
        doc_no=doc_no.strip() or f"{region.short_name}{year}年度年终结转",
        created_by=_user(actor),
    )
    for line in preview.lines:
        line.close = close
    CarryoverLine.objects.bulk_create(preview.lines)
    funds = list(Fund.objects.filter(pk__in={x.fund_id for x in preview.lines}))
    required = open_round(
        subject=SUBJECT,
        object_id=close.pk,
        actor=_user(actor),
        region=region,
        fund=funds,
        amount=preview.total,
    )
    record(
        actor=actor,
        action=AuditAction.YEAREND_CLOSE_SUBMIT,
        entity=close.doc_no,
        region_path=region.path,
        ip=ip,
        after={
            **facts(close),
            "approvals_required": required,
            "overspent": [p.where.entity for p in preview.problems],
        },
    )
    return close


def still_fits(close: YearClose) -> None:
    """On approval: the lines are still what the ledger says (nothing moved since the submission)."""
    now = close_preview(year=close.fiscal_year, region=close.region)
    stored = sorted((x.appropriation_id, x.amount) for x in close.lines.all())
    fresh = sorted((x.appropriation.pk, x.amount) for x in now.lines)
    if stored != fresh:
        raise ActionRefused("提交后台账已有变动，结转数与台账不符，请退回后重新办理年终结转")


@transaction.atomic
def do_reopen_year(*, actor: Any, close: YearClose, doc_no: str, reason: str, ip: str = "") -> YearReopen:
    """Reopen an approved close: a new document with its reason; its 结转 lines no longer count."""
    require(actor, "yearend.approve")
    close = YearClose.objects.select_for_update().select_related("region").get(pk=close.pk)
    require_within(actor, close.region)
    if close.status != DocStatus.APPROVED:
        raise ActionRefused("只有已审核的年终结转可以重新开启")
    if not doc_no.strip() or not reason.strip():
        raise ActionRefused("重新开启年度须填写文号和原因")
    if (
        RecoveryLine.objects.filter(carryover__close=close)
        .exclude(recovery__status=DocStatus.RETURNED)
        .exists()
    ):
        raise ActionRefused("该年度结转的资金已办理收回，不能重新开启")
    if YearClose.objects.filter(fiscal_year=close.fiscal_year + 1, status__in=LIVE).exists():
        raise ActionRefused(f"{close.fiscal_year + 1}年度已办理年终结转，不能重新开启{close.fiscal_year}年度")
    from .models import DOCUMENT_STATES

    DOCUMENT_STATES.move(close, DocStatus.REOPENED)
    close.save(update_fields=["status"])
    reopen = YearReopen.objects.create(
        close=close, doc_no=doc_no.strip(), reason=reason.strip(), created_by=_user(actor)
    )
    record(
        actor=actor,
        action=AuditAction.YEAREND_REOPEN,
        entity=reopen.doc_no,
        region_path=close.region.path,
        ip=ip,
        before={"status": DocStatus.APPROVED, "close": close.doc_no},
        after={"status": close.status, "reason": reopen.reason},
    )
    return reopen
