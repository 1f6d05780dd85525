"""Thin pages: 支出进度 (table, one chart per county, XLSX), 年终结转 and 收回 (preview, submit, review, reopen),
调整方案建议 (the rules, the explained lines, saved as a draft plan)."""

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiuzhu.accounts.http import AuthedRequest, deny_unless
from jiuzhu.accounts.scoping import regions_for, within
from jiuzhu.approvals import review
from jiuzhu.core.errors import ActionRefused, InvalidInput
from jiuzhu.core.views import client_ip
from jiuzhu.domain.execution import month_end, time_elapsed_rate
from jiuzhu.domain.money import format_yuan
from jiuzhu.funds.models import Fund

from . import closing, recovery, selectors
from .exports import carryover_xlsx, execution_xlsx
from .proposals import do_propose_adjustment, proposal, rules_from_settings, save_refusal
from .visible import visible_closes, visible_lines, visible_recoveries

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WAN = Decimal(10000)


def _latest_year() -> int:
    """The latest fiscal year that has a fund (this year's until its funds are set up)."""
    year = Fund.objects.order_by("-fiscal_year").values_list("fiscal_year", flat=True).first()
    return int(year) if year is not None else timezone.localdate().year


def _year(request: AuthedRequest, default: int) -> int:
    text = request.GET.get("year") or request.POST.get("year") or ""
    return int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else default


def _as_of(request: AuthedRequest, year: int) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(request.GET.get("as_of") or "")
    except ValueError:
        day = min(timezone.localdate(), month_end(year, 12))
    return day if day.year == year else month_end(year, 12)


def _region(request: AuthedRequest) -> Any:
    code = request.GET.get("region") or ""
    return regions_for(request.user).filter(code=code).first() if code else None


M = TypeVar("M", bound=Model)


def _one_or_404(visible: "QuerySet[M]", pk: int) -> M:
    """One document the user sees (already scoped by ``visible``), or 404 whether foreign or missing."""
    found = visible.filter(pk=pk).first()
    if found is None:
        raise Http404("没有找到该文件")
    return found


def _own_region(request: AuthedRequest) -> Any:
    if request.user.region is None:
        raise PermissionDenied("您的账号没有所属地区")
    return request.user.region


def _download(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def _chart(region: Any, total: Any, rows: list[selectors.Row], as_of: datetime.date) -> dict[str, Any]:
    """累计支付 by month up to the date against the available amount × 时序进度, in 万元; the projection at
    December."""
    year = as_of.year
    paid = [sum((r.cumulative_paid[m] for r in rows), Decimal(0)) for m in range(as_of.month)]
    due = [total.available * time_elapsed_rate(month_end(year, m)) / 100 for m in range(1, 13)]
    projected = sum((r.projection.by_run_rate for r in rows), Decimal(0))
    return {
        "id": f"chart-{region.code}",
        "name": region.short_name,
        "months": [f"{m}月" for m in range(1, 13)],
        "paid": [str((x / WAN).quantize(Decimal("0.01"))) for x in paid],
        "due": [str((x / WAN).quantize(Decimal("0.01"))) for x in due],
        "projected": str((projected / WAN).quantize(Decimal("0.01"))),
    }


def execution(request: AuthedRequest) -> HttpResponse:
    """支出进度: per region, fund and purpose, with one chart per county."""
    deny_unless(request.user, "yearend.view")
    year = _year(request, _latest_year())
    as_of, region = _as_of(request, year), _region(request)
    rows = selectors.execution(request.user, year=year, as_of=as_of, region=region)
    groups = selectors.by_region(rows)
    if request.GET.get("format") == "xlsx":
        return _download(execution_xlsx(rows, year=year, as_of=as_of), f"{year}年度支出进度.xlsx")
    return render(
        request,
        "yearend/execution.html",
        {
            "year": year,
            "as_of": as_of,
            "elapsed": time_elapsed_rate(as_of),
            "groups": groups,
            "charts": [_chart(reg, total, lines, as_of) for reg, total, lines in groups],
            "regions": regions_for(request.user),
            "region": region,
        },
    )


def closes(request: AuthedRequest) -> HttpResponse:
    """年终结转 and 收回: the documents of the area, and for a maker the preview of what a close would carry."""
    deny_unless(request.user, "yearend.view")
    year = _year(request, timezone.localdate().year - 1)
    region = request.user.region if request.user.can("yearend.close") else None
    preview = refusal = None
    candidates: list[recovery.Candidate] = []
    if region is not None:
        preview = closing.close_preview(year=year, region=region)
        refusal = closing.close_refusal(year=year, region=region)
        candidates = recovery.candidates(year=year + 1, region=region)
    return render(
        request,
        "yearend/closes.html",
        {
            "year": year,
            "closes": visible_closes(request.user),
            "recoveries": visible_recoveries(request.user),
            "preview": preview,
            "refusal": refusal,
            "candidates": candidates,
        },
    )


@require_POST
def submit_close(request: AuthedRequest) -> HttpResponse:
    deny_unless(request.user, "yearend.close")
    year = _year(request, timezone.localdate().year - 1)
    try:
        close = closing.do_submit_close(
            actor=request.user,
            year=year,
            region=_own_region(request),
            doc_no=request.POST.get("doc_no", ""),
            ip=client_ip(request),
        )
    except ActionRefused as exc:
        messages.error(request, str(exc))
        return redirect(f"/yearend/closes/?year={year}")
    messages.success(request, f"已提交审核：{close.doc_no}")
    return redirect("yearend:close", pk=close.pk)


def close(request: AuthedRequest, pk: int) -> HttpResponse:
    deny_unless(request.user, "yearend.view")
    doc = _one_or_404(visible_closes(request.user), pk)
    lines = visible_lines(request.user, doc)
    if request.GET.get("format") == "xlsx":
        return _download(carryover_xlsx(lines, title=str(doc)), f"{doc.fiscal_year}年度年终结转明细.xlsx")
    total = sum((x.amount for x in lines), Decimal(0))
    return render(
        request,
        "yearend/close.html",
        {
            "doc": doc,
            "lines": lines,
            "total": format_yuan(total),
            "review": review.panel(doc, request.user),
            "may_reopen": doc.status == "approved"
            and request.user.can("yearend.approve")
            and within(request.user, doc.region),
        },
    )


@require_POST
def reopen(request: AuthedRequest, pk: int) -> HttpResponse:
    doc = _one_or_404(visible_closes(request.user), pk)
    if not (request.user.can("yearend.approve") and within(request.user, doc.region)):
        raise PermissionDenied("您没有执行此操作的权限")
    try:
        closing.do_reopen_year(
            actor=request.user,
            close=doc,
            doc_no=request.POST.get("doc_no", ""),
            reason=request.POST.get("reason", ""),
            ip=client_ip(request),
        )
        messages.success(request, f"{doc.fiscal_year}年度已重新开启")
    except ActionRefused as exc:
        messages.error(request, str(exc))
    return redirect("yearend:close", pk=doc.pk)


@require_POST
def submit_recovery(request: AuthedRequest) -> HttpResponse:
    deny_unless(request.user, "yearend.close")
    year = _year(request, timezone.localdate().year)
    try:
        doc = recovery.do_submit_recovery(
            actor=request.user,
            year=year,
            region=_own_region(request),
            doc_no=request.POST.get("doc_no", ""),
            ip=client_ip(request),
        )
    except ActionRefused as exc:
        messages.error(request, str(exc))
        return redirect(f"/yearend/closes/?year={year - 1}")
    return redirect("yearend:recovery", pk=doc.pk)


def recovery_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    deny_unless(request.user, "yearend.view")
    doc = _one_or_404(visible_recoveries(request.user), pk)
    lines = list(doc.lines.select_related("from_region", "to_region", "carryover__appropriation"))
    if not within(request.user, doc.region):
        lines = [x for x in lines if within(request.user, x.from_region)]
    return render(
        request,
        "yearend/recovery.html",
        {"doc": doc, "lines": lines, "review": review.panel(doc, request.user)},
    )


def _rules(request: AuthedRequest) -> Any:
    values: dict[str, Any] = {}
    for key in ("margin", "unit", "total"):
        try:
            values[key] = (
                Decimal(request.POST.get(key) or request.GET.get(key) or "")
                if (request.POST.get(key) or request.GET.get(key))
                else None
            )
        except InvalidOperation:
            values[key] = None
    months = request.POST.get("months") or request.GET.get("months") or ""
    return rules_from_settings(
        months=int(months) if months.isdigit() and 1 <= int(months) <= 12 else None, **values
    )


def propose(request: AuthedRequest) -> HttpResponse:
    """调整方案建议: pick a fund and a date; the rules and every line explained; a maker saves it as a draft."""
    deny_unless(request.user, "yearend.view")
    params = request.POST if request.method == "POST" else request.GET
    funds = Fund.objects.order_by("-fiscal_year", "source_label")
    wanted = params.get("fund") or ""
    fund = funds.filter(pk=int(wanted)).first() if wanted.isdigit() else funds.first()
    try:
        as_of = datetime.date.fromisoformat(params.get("as_of") or "")
    except ValueError:
        as_of = timezone.localdate()
    rules, issuer = _rules(request), request.user.region
    as_received = params.get("as_received") == "1"
    if request.method == "POST":
        deny_unless(request.user, "allocation.edit")
        if fund is None or issuer is None:
            raise PermissionDenied("请选择资金")
        try:
            plan, _ = do_propose_adjustment(
                actor=request.user,
                fund=fund,
                issuer=issuer,
                as_of=as_of,
                rules=rules,
                doc_no=params.get("doc_no", ""),
                as_received=as_received,
                ip=client_ip(request),
            )
        except InvalidInput as exc:
            messages.error(request, "；".join(p.message for p in exc.problems))
        except ActionRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"已保存为调整方案草稿：{plan.doc_no}，可在方案编辑页修改后提交审核")
            return redirect("allocation:detail", pk=plan.pk)
    found = (
        proposal(fund=fund, issuer=issuer, as_of=as_of, rules=rules, as_received=as_received)
        if fund and issuer
        else None
    )
    return render(
        request,
        "yearend/propose.html",
        {
            "funds": funds,
            "fund": fund,
            "as_of": as_of,
            "rules": rules,
            "found": found,
            "as_received": as_received,
            "unsaved_because": save_refusal(found) if found else "",
            "may_save": request.user.can("allocation.edit"),
        },
    )
