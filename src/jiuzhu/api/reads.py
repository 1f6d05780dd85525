"""The read routes: every list scoped to the token's account (its region and below), paged by cursor."""

from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from jiuzhu.accounts.actions import require
from jiuzhu.accounts.scoping import regions_for, scope_q, scoped
from jiuzhu.allocation.models import Plan, PlanRow
from jiuzhu.allocation.selectors import visible_plans
from jiuzhu.domain.identity import mask
from jiuzhu.funds.models import Fund
from jiuzhu.ledger import selectors as ledger
from jiuzhu.ledger.models import Appropriation, ImportBatch, Payment, Payout, RegistrationLine
from jiuzhu.monitoring.selectors import visible_findings
from jiuzhu.regions.models import Region
from jiuzhu.reports.selectors import visible_reports

from . import schemas as s
from .auth import api_user
from .calls import audit_call
from .cursor import DEFAULT_LIMIT, MAX_LIMIT, Page, feed_page, keyset_page
from .problems import ERRORS

router = Router(tags=["读取"])


class Paging(Schema):
    cursor: str | None = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class Filters(Paging):
    fiscal_year: int | None = Field(None, ge=2000, le=2100)
    mof_div_code: str | None = Field(None, max_length=9, description="只看该财政区划及其下级")


def _answer(request: HttpRequest, what: str, page: Page) -> dict[str, Any]:
    audit_call(request, what=what, rows=len(page.items))
    return {"items": page.items, "next_cursor": page.next_cursor, "has_more": page.has_more}


def _narrowed(
    qs: QuerySet[Any], f: Filters, *, region: str = "region", year: str | None = "fiscal_year"
) -> Any:
    if f.fiscal_year is not None and year:
        qs = qs.filter(**{year: f.fiscal_year})
    if f.mof_div_code:
        area = Region.objects.filter(mof_div_code=f.mof_div_code).values_list("path", flat=True).first()
        qs = qs.filter(**{f"{region}__path__startswith": area or "/nowhere/"})
    return qs


def _code(region: Region | None) -> str:
    return region.mof_div_code if region is not None else ""


@router.get("/regions", response={200: s.RegionPage, **ERRORS}, summary="财政区划")
def regions(request: HttpRequest, p: Query[Paging]) -> dict[str, Any]:
    user = api_user(request)
    require(user, "ledger.view")
    qs = regions_for(user).select_related("parent")

    def row(r: Region) -> dict[str, Any]:
        return {
            "mof_div_code": r.mof_div_code,
            "mof_div_name": r.name,
            "adm_div_code": r.code,
            "level": r.level,
            "sup_mof_div_code": r.parent.mof_div_code if r.parent else None,
        }

    return _answer(request, "regions", keyset_page(qs, p.cursor, p.limit, row))


@router.get("/funds", response={200: s.FundPage, **ERRORS}, summary="专项资金")
def funds(request: HttpRequest, p: Query[Paging]) -> dict[str, Any]:
    require(api_user(request), "ledger.view")

    def row(f: Fund) -> dict[str, Any]:
        return {
            "fund_id": f.pk,
            "fund_name": f.name,
            "fiscal_year": str(f.fiscal_year),
            "income_sort_code": f.income_code,
            "is_dir": f.direct_fund_tag.code,
            "budget_level_name": f.source_label,
            "exp_func_codes": [str(c) for c in f.expenditure_codes],
        }

    qs = Fund.objects.select_related("direct_fund_tag")
    return _answer(request, "funds", keyset_page(qs, p.cursor, p.limit, row))


@router.get("/plans", response={200: s.PlanPage, **ERRORS}, summary="分配和调整方案（所见范围内的行）")
def plans(request: HttpRequest, f: Query[Filters]) -> dict[str, Any]:
    user = api_user(request)
    require(user, "allocation.view")
    qs = visible_plans(user).select_related("issuer")
    if f.fiscal_year is not None:
        qs = qs.filter(fund__fiscal_year=f.fiscal_year)

    def row(plan: Plan) -> dict[str, Any]:
        lines = PlanRow.objects.filter(plan=plan).select_related("region").order_by("region__path")
        lines = _narrowed(lines.filter(scope_q(user)), f, year=None)
        return {
            "plan_id": plan.pk,
            "cor_bgt_doc_no": plan.doc_no,
            "bgt_doc_title": plan.title,
            "doc_date": plan.doc_date.isoformat(),
            "mof_div_code": _code(plan.issuer),
            "fund_id": plan.fund_id,
            "kind": plan.kind,
            "status": plan.status,
            "rows": [
                {
                    "mof_div_code": r.region.mof_div_code,
                    "amount": s.yuan(r.base),
                    "dis_amt": s.yuan(r.decrease),
                    "add_amt": s.yuan(r.increase),
                    "cur_amt": s.yuan(r.base - r.decrease + r.increase),
                }
                for r in lines
            ],
        }

    return _answer(request, "plans", keyset_page(qs, f.cursor, f.limit, row))


def _lines() -> Prefetch[Any]:
    return Prefetch(
        "lines",
        queryset=RegistrationLine.objects.select_related("registration__movement").order_by("id"),
    )


@router.get("/appropriations", response={200: s.AppropriationPage, **ERRORS}, summary="预算指标及其登记")
def appropriations(request: HttpRequest, f: Query[Filters]) -> dict[str, Any]:
    user = api_user(request)
    require(user, "ledger.view")
    qs = _narrowed(ledger.visible_appropriations(user), f).prefetch_related(_lines())

    def row(a: Appropriation) -> dict[str, Any]:
        lines = list(a.lines.all())
        approved = [x for x in lines if x.registration.status == "approved"]
        return {
            "bgt_id": a.bgt_id,
            "mof_div_code": a.region.mof_div_code,
            "fiscal_year": str(a.fiscal_year),
            "cor_bgt_doc_no": a.cor_bgt_doc_no,
            "exp_func_code": a.exp_func_code,
            "income_sort_code": a.income_code,
            "is_dir": a.direct_fund_tag,
            "purpose": a.purpose,
            "fund_id": a.fund_id,
            "amount": s.yuan(sum((x.amount for x in approved), Decimal(0))),
            "movements": [
                {
                    "sup_bgt_doc_no": x.registration.movement.sup_bgt_doc_no,
                    "cor_bgt_doc_no": x.registration.cor_bgt_doc_no,
                    "kind": x.registration.movement.kind,
                    "amount": s.yuan(x.amount),
                    "doc_date": x.registration.movement.received_on.isoformat(),
                    "status": x.registration.status,
                }
                for x in lines
            ],
        }

    return _answer(request, "appropriations", keyset_page(qs, f.cursor, f.limit, row))


def registration_line(line: RegistrationLine) -> dict[str, Any]:
    """One line of a registration as the API shows it (read, and answered to its write)."""
    return {
        "bgt_id": line.appropriation.bgt_id,
        "exp_func_code": line.appropriation.exp_func_code,
        "purpose": line.appropriation.purpose,
        "amount": s.yuan(line.amount),
    }


@router.get("/registrations", response={200: s.RegistrationPage, **ERRORS}, summary="指标登记")
def registrations(request: HttpRequest, f: Query[Filters]) -> dict[str, Any]:
    user = api_user(request)
    require(user, "ledger.view")
    qs = _narrowed(
        ledger.visible_registrations(user).select_related("movement__region"),
        f,
        region="movement__region",
        year="movement__fiscal_year",
    ).prefetch_related(Prefetch("lines", queryset=RegistrationLine.objects.select_related("appropriation")))

    def row(r: Any) -> dict[str, Any]:
        lines = list(r.lines.all())
        return {
            "registration_id": r.pk,
            "mof_div_code": r.movement.region.mof_div_code,
            "sup_bgt_doc_no": r.movement.sup_bgt_doc_no,
            "cor_bgt_doc_no": r.cor_bgt_doc_no,
            "registered_on": r.registered_on.isoformat(),
            "status": r.status,
            "amount": s.yuan(sum((x.amount for x in lines), Decimal(0))),
            "lines": [registration_line(x) for x in lines],
        }

    return _answer(request, "registrations", keyset_page(qs, f.cursor, f.limit, row))


def payment_row(p: Payment) -> dict[str, Any]:
    return {
        "pay_cert_id": p.pk,
        "pay_cert_no": p.pay_cert_no,
        "bgt_id": p.appropriation.bgt_id,
        "mof_div_code": p.region.mof_div_code,
        "fiscal_year": str(p.fiscal_year),
        "exp_func_code": p.exp_func_code,
        "pay_amt": s.yuan(p.pay_amt),
        "xpay_amt": s.yuan(p.xpay_amt),
        "xpay_date": p.xpay_date.isoformat(),
        "payee_acct_name": p.payee_acct_name,
        "pro_code": p.pro_code,
        "use_des": p.use_des,
        "is_dir": p.direct_fund_tag,
    }


def _approved_batches(user: Any, kind: str, f: Filters) -> QuerySet[ImportBatch]:
    batches = ledger.visible_batches(user).filter(kind=kind, approved_at__isnull=False)
    narrowed: QuerySet[ImportBatch] = _narrowed(batches, f)
    return narrowed


@router.get(
    "/payments",
    response={200: s.PaymentPage, **ERRORS},
    summary="支付凭证（增量同步：按审核通过的先后，游标分页）",
)
def payments(request: HttpRequest, f: Query[Filters]) -> dict[str, Any]:
    user = api_user(request)
    require(user, "ledger.view")
    rows = _narrowed(ledger.visible_payments(user), f)
    batches = _approved_batches(user, ImportBatch.PAYMENTS, f)
    page = feed_page(rows, batches, f.cursor, f.limit, payment_row, unbatched=False)
    return _answer(request, "payments", page)


def payout_row(user: Any) -> Any:
    whole = user.can("ledger.export_ids")

    def row(d: Payout) -> dict[str, Any]:
        return {
            "tracking_id": d.pk,
            "pay_cert_no": d.pay_cert_no,
            "mof_div_code": d.region.mof_div_code,
            "fiscal_year": str(d.fiscal_year),
            "pro_code": d.pro_code or "",
            "town_code": d.town_code or "",
            "town_name": d.town_name or "",
            "village_code": d.village_code or "",
            "village_name": d.village_name or "",
            "per_name": d.per_name,
            "iden_type": d.iden_type,
            "iden_no": d.iden_no if whole else mask(d.iden_no),
            "to_peop_family": d.to_peop_family,
            "pay_amt": s.yuan(d.pay_amt),
            "xpay_amt": s.yuan(d.xpay_amt),
            "pay_month": d.pay_month,
            "add_word": d.add_word or "",
            "acct_no": (d.acct_no if whole else mask(d.acct_no)) if d.acct_no else "",
        }

    return row


@router.get(
    "/payouts",
    response={200: s.PayoutPage, **ERRORS},
    summary="到人到户发放（增量同步：按审核通过的先后，游标分页）",
)
def payouts(request: HttpRequest, f: Query[Filters]) -> dict[str, Any]:
    user = api_user(request)
    require(user, "ledger.view")
    rows = _narrowed(scoped(Payout.objects.select_related("region"), user), f)
    rows = rows.filter(Q(batch__isnull=True) | Q(batch__approved_at__isnull=False))
    batches = _approved_batches(user, ImportBatch.PAYOUTS, f)
    page = feed_page(rows, batches, f.cursor, f.limit, payout_row(user), unbatched=True)
    return _answer(request, "payouts", page)


@router.get("/findings", response={200: s.FindingPage, **ERRORS}, summary="监控预警")
def findings(request: HttpRequest, f: Query[Filters]) -> dict[str, Any]:
    user = api_user(request)
    require(user, "monitoring.view")
    qs = _narrowed(visible_findings(user).select_related("region"), f)

    def row(x: Any) -> dict[str, Any]:
        return {
            "finding_id": x.pk,
            "rule": x.rule,
            "severity": x.severity,
            "state": x.state,
            "mof_div_code": x.region.mof_div_code,
            "fiscal_year": str(x.fiscal_year),
            "purpose": x.purpose,
            "month": x.month,
            "message": x.message,
            "due_on": x.due_on.isoformat() if x.due_on else None,
        }

    return _answer(request, "findings", keyset_page(qs, f.cursor, f.limit, row))


@router.get("/usage-reports", response={200: s.UsageReportPage, **ERRORS}, summary="跟踪反馈表")
def usage_reports(request: HttpRequest, f: Query[Filters]) -> dict[str, Any]:
    user = api_user(request)
    require(user, "reports.view")
    qs = _narrowed(visible_reports(user), f, year="year").prefetch_related("lines")

    def row(r: Any) -> dict[str, Any]:
        return {
            "report_id": r.pk,
            "mof_div_code": r.region.mof_div_code,
            "agency_code": r.unit.code if r.unit else "",
            "agency_name": r.unit.name if r.unit else "",
            "fiscal_year": str(r.year),
            "month": r.month,
            "status": r.status,
            "lines": [
                {
                    "cor_bgt_doc_no": x.doc_no,
                    "fund_name": x.fund_name,
                    "agency_name": x.unit,
                    "amount": s.yuan(x.amount),
                    "pay_amt": s.yuan(x.paid),
                    "purposes": x.purposes,
                    "lagging": x.lagging,
                    "reason": x.reason,
                    "measures": x.measures,
                }
                for x in r.lines.all()
            ],
        }

    return _answer(request, "usage-reports", keyset_page(qs, f.cursor, f.limit, row))


class ExecutionFilters(Schema):
    fiscal_year: int | None = Field(None, ge=2000, le=2100)
    mof_div_code: str | None = Field(None, max_length=9)


@router.get(
    "/execution", response={200: s.ExecutionOut, **ERRORS}, summary="指标执行：登记、支付、发放、余额"
)
def execution(request: HttpRequest, f: Query[ExecutionFilters]) -> dict[str, Any]:
    user = api_user(request)
    require(user, "ledger.view")
    region = Region.objects.filter(mof_div_code=f.mof_div_code).first() if f.mof_div_code else None
    if f.mof_div_code and region is None:
        report: dict[str, Any] = {"regions": []}
    else:
        report = ledger.ledger_report(user, region=region, fiscal_year=f.fiscal_year)
    items = [
        {
            "bgt_id": line["bgt_id"],
            "mof_div_code": reg["mof_div_code"],
            "fiscal_year": str(line["fiscal_year"]),
            "purpose": line["purpose"],
            "exp_func_code": line["exp_func_code"],
            "is_dir": line["is_dir"],
            "amount": s.yuan(Decimal(line["registered"])),
            "pay_app_amt": s.yuan(Decimal(line["paid"])),
            "paid_out_amt": s.yuan(Decimal(line["paid_out"])),
            "cur_amt": s.yuan(Decimal(line["balance"])),
        }
        for reg in report["regions"]
        for line in reg["appropriations"]
    ]
    audit_call(request, what="execution", rows=len(items))
    return {"fiscal_year": str(f.fiscal_year) if f.fiscal_year else None, "items": items}
