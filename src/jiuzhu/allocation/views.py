"""Thin views: read through selectors, write through services, show problems beside their cells."""

import datetime
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jiuzhu.accounts.http import AuthedRequest, deny_unless
from jiuzhu.accounts.scoping import regions_for, within
from jiuzhu.approvals import review
from jiuzhu.audit.actions import AuditAction
from jiuzhu.audit.middleware import record_refusal
from jiuzhu.core.errors import ActionRefused, InvalidInput
from jiuzhu.core.views import client_ip, problem_messages
from jiuzhu.domain.allocation import AdjustmentLine, in_tree_order, totals
from jiuzhu.domain.money import MoneyError, format_wan, format_yuan, parse_amount
from jiuzhu.domain.problems import Problem, Severity, has_errors
from jiuzhu.funds.models import Fund
from jiuzhu.regions.models import Region, load_tree

from . import factors, holdings, services
from .exports import build_table
from .exports import render as render_export
from .forms import column_key, parse_cells
from .models import Plan
from .selectors import plan_actions, visible_plans, visible_rows

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}


def _plan(request: AuthedRequest, pk: int) -> Plan:
    """A plan the user may see, else 404 (a foreign plan and a missing one look the same)."""
    plan = visible_plans(request.user).filter(pk=pk).first()
    if plan is None:
        raise Http404("记录不存在")
    return plan


def _plan_to_act_on(request: AuthedRequest, pk: int, action: str) -> Plan:
    """A plan the user may see (else 404) that their area issued and their role may ``action`` (else 403)."""
    plan = _plan(request, pk)
    if not within(request.user, plan.issuer):
        raise PermissionDenied("该方案不是本地区发文，不能操作")
    deny_unless(request.user, action)
    return plan


def _wan(value: Decimal) -> str:
    return format_wan(value, trim=True)


#: What a sum shows while a cell it depends on is not a valid amount: unknown, not the sum of the rest.
UNKNOWN = "？"


def _total_view(lines: list[AdjustmentLine], bad: list[Problem]) -> dict[str, str]:
    """The 合计 row, or unknown in every column while a cell is not a valid amount (its row is left out of
    ``lines``, so any sum would silently drop it)."""
    total = totals(lines)
    return {
        k: UNKNOWN if bad else _wan(getattr(total, k))
        for k in ("base", "decrease", "increase", "net", "final")
    }


def _row_view(line: AdjustmentLine, name: str, seq: int | None) -> dict[str, object]:
    return {
        "seq": seq,
        "name": name,
        "code": line.region_code,
        **{k: _wan(getattr(line, k)) for k in ("base", "decrease", "increase", "net", "final")},
        "raw": line,
    }


def plan_list(request: AuthedRequest) -> HttpResponse:
    plans = []
    for plan in visible_plans(request.user):
        lines = [r.line() for r in visible_rows(request.user, plan)]
        plans.append({"plan": plan, "final": _wan(totals(lines).final), "rows": len(lines)})
    return render(
        request, "allocation/list.html", {"plans": plans, "can_create": request.user.can("allocation.edit")}
    )


def plan_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    tree = load_tree()
    lines = in_tree_order([r.line() for r in visible_rows(request.user, plan)], tree)
    rows = [_row_view(x, tree.get(x.region_code).short_name, i) for i, x in enumerate(lines, start=1)]
    total = totals(lines)
    return render(
        request,
        "allocation/detail.html",
        {
            "plan": plan,
            "rows": rows,
            "total": {k: _wan(getattr(total, k)) for k in ("base", "decrease", "increase", "net", "final")},
            "total_yuan": format_yuan(total.final),
            "review": review.panel(plan, request.user),
            **plan_actions(request.user, plan),
        },
    )


def plan_create(request: AuthedRequest) -> HttpResponse:
    deny_unless(request.user, "allocation.edit")
    issuer = request.user.region
    if issuer is None:
        raise PermissionDenied("账号未设置所属地区")
    funds = Fund.objects.order_by("-fiscal_year")
    problems: list[Problem] = []
    if request.method == "POST":
        try:
            plan = services.do_create_plan(
                actor=request.user,
                fund=funds.get(pk=request.POST.get("fund") or 0),
                kind=request.POST.get("kind", Plan.ADJUSTMENT),
                doc_no=request.POST.get("doc_no", ""),
                title=request.POST.get("title", "").strip() or "调整方案",
                doc_date=datetime.date.fromisoformat(
                    request.POST.get("doc_date") or str(datetime.date.today())
                ),
                issuer=issuer,
                ip=client_ip(request),
            )
            return redirect("allocation:edit", pk=plan.pk)
        except InvalidInput as exc:
            problems = exc.problems
        except (Fund.DoesNotExist, ValueError):
            messages.error(request, "请选择资金并填写有效的日期")
    typed = {k: request.POST.get(k, "") for k in ("fund", "kind", "doc_no", "title", "doc_date")}
    return render(
        request,
        "allocation/create.html",
        {
            "funds": funds,
            "problems": problems,
            "kinds": Plan.KINDS,
            "v": typed if request.method == "POST" else {"kind": Plan.ADJUSTMENT},
        },
    )


def _editor_regions(user: Any, plan: Plan) -> list[Region]:
    """The editor's rows: the plan's regions, or every region of the issuer's area for a new allocation."""
    tree = load_tree()
    area = regions_for(user).filter(path__startswith=plan.issuer.path)
    codes = {r.region.code for r in plan.rows.select_related("region")}
    if not codes:
        codes = {r.code for r in area if r.level != "province"}
    return sorted(area.filter(code__in=codes), key=lambda r: tree.position(r.code))


def _posted_version(request: AuthedRequest, plan: Plan) -> int | None:
    try:
        return int(request.POST["version"])
    except (KeyError, ValueError):
        return None  # an old page without the field: saved as before


def plan_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = _plan_to_act_on(request, pk, "allocation.edit")
    if not plan.editable:
        messages.error(request, "该方案当前不能编辑")
        return redirect("allocation:detail", pk=plan.pk)
    regions = _editor_regions(request.user, plan)
    codes = [r.code for r in regions]
    stored = {r.region.code: r.line() for r in plan.rows.select_related("region")}
    problems: list[Problem] = []
    cells = {
        f"{k}_{c}": _wan(getattr(stored[c], k)) if c in stored else "0"
        for c in codes
        for k in ("base", "decrease", "increase")
    }
    unsaved = False
    version: int | None = plan.version
    if request.method == "POST":
        cells = {
            k: request.POST.get(k, "") for k in request.POST if k not in ("csrfmiddlewaretoken", "version")
        }
        version = _posted_version(request, plan)
        lines, problems = parse_cells(codes, cells)
        problems += services.validate_plan_lines(plan, lines)
        unsaved = True
        if not has_errors(problems):
            try:
                services.do_save_rows(
                    actor=request.user,
                    plan=plan,
                    lines=lines,
                    expected_version=version,
                    ip=client_ip(request),
                )
                messages.success(request, "已保存")
                return redirect("allocation:detail", pk=plan.pk)
            except InvalidInput as exc:
                problems = exc.problems
            except ActionRefused as exc:
                messages.error(request, str(exc))
    lines, bad = parse_cells(codes, cells)
    by_code = {x.region_code: x for x in lines}
    paid = holdings.paid_by_region(fund=plan.fund, regions=regions)
    rows = []
    for seq, region in enumerate(regions, start=1):
        line = by_code.get(region.code)
        rows.append(
            {
                "seq": seq,
                "name": region.short_name,
                "code": region.code,
                "cells": {k: cells.get(f"{k}_{region.code}", "0") for k in ("base", "decrease", "increase")},
                "net": _wan(line.net) if line else UNKNOWN,
                "final": _wan(line.final) if line else UNKNOWN,
                "paid": _wan(paid.get(region.code, Decimal(0))),
                "unspent": _wan(stored[region.code].base - paid.get(region.code, Decimal(0)))
                if region.code in stored
                else "",
                "problems": {
                    column_key(p.where.column): p.message for p in problems if p.where.entity == region.code
                },
                "warned": {
                    column_key(p.where.column)
                    for p in problems
                    if p.where.entity == region.code and p.severity == Severity.WARNING
                },
            }
        )
    return render(
        request,
        "allocation/edit.html",
        {
            "plan": plan,
            "offer": _offer(plan, regions),
            "factor_typed": request.session.pop(FACTOR_TYPED, None),
            "factor_units": FACTOR_UNITS,
            "rows": rows,
            "problems": [p for p in problems if p.where.entity not in codes],
            "all_problems": problems,
            "total": _total_view(lines, bad),
            "base_editable": plan.kind == Plan.ALLOCATION,
            "is_adjustment": plan.kind == Plan.ADJUSTMENT,
            "unsaved": unsaved,
            # After a refused save the page keeps the version it was opened with: saving again is refused too.
            "version": version,
        },
    )


#: session key of the factor form's fields after a refused split
FACTOR_TYPED = "allocation_factor_typed"
#: the factor method's rounding units: value (元) → label
FACTOR_UNITS = (("0.01", "到分"), ("1", "整元"), ("10000", "整万元"))


def _offer(plan: Plan, regions: list[Region]) -> dict[str, Any] | None:
    """The factor method's form for an allocation: the 工作绩效 scores offered, per editor region, with their
    source (None for an adjustment, whose amounts are typed per region)."""
    if plan.kind != Plan.ALLOCATION:
        return None
    found = factors.offered(plan)
    evaluations = {e.region.code: e for e in found.evaluations} if found else {}
    rows = [(r.short_name, evaluations[r.code].evaluation) for r in regions if r.code in evaluations]
    return {"source": found.source if found else "", "rows": rows}


@require_POST
def plan_factors(request: AuthedRequest, pk: int) -> HttpResponse:
    """因素法: the total split over the editor's regions by the factors of the form, saved as the plan's rows."""
    plan = _plan_to_act_on(request, pk, "allocation.edit")
    codes = [r.code for r in _editor_regions(request.user, plan)]
    # what was typed, shown again by the editor if the split is refused (the file must be chosen again)
    request.session[FACTOR_TYPED] = {
        k: request.POST.get(k, "") for k in ("total", "unit", "work", "work_weight")
    }
    try:
        total = parse_amount(request.POST.get("total", ""), unit="万元")
        unit = parse_amount(request.POST.get("unit") or "0.01")
        given = factors.posted(plan, codes, request.POST, request.FILES.get("table"))
        services.do_fill_by_factors(
            actor=request.user,
            plan=plan,
            total=total,
            factors=given.factors,
            region_codes=given.region_codes,
            unit=unit,
            ip=client_ip(request),
        )
        messages.success(
            request, f"已按因素法分配{_wan(total)}万元：" + "、".join(f.name for f in given.factors)
        )
        request.session.pop(FACTOR_TYPED, None)
    except MoneyError as exc:
        messages.error(request, f"分配总额或分配单位：{exc}")
    except InvalidInput as exc:
        problem_messages(request, exc)
    except ActionRefused as exc:
        messages.error(request, str(exc))
    return redirect("allocation:edit", pk=plan.pk)


@require_POST
def plan_validate(request: AuthedRequest, pk: int) -> JsonResponse:
    """The editor asks on every keystroke: the server's arithmetic and every problem, nothing saved."""
    plan = _plan_to_act_on(request, pk, "allocation.edit")
    codes = [r.code for r in _editor_regions(request.user, plan)]
    lines, problems = parse_cells(codes, request.POST)
    bad = list(problems)
    problems += services.validate_plan_lines(plan, lines)
    by_code = {x.region_code: x for x in lines}
    unknown = {"net": UNKNOWN, "final": UNKNOWN}
    return JsonResponse(
        {
            "rows": {
                c: {"net": _wan(by_code[c].net), "final": _wan(by_code[c].final)} if c in by_code else unknown
                for c in codes
            },
            "total": _total_view(lines, bad),
            "complete": not bad,
            "problems": [{**p.as_dict(), "key": column_key(p.where.column)} for p in problems],
        }
    )


@require_POST
def plan_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Submit for approval; approving and returning are ``approvals:approve`` / ``approvals:return``."""
    plan = _plan_to_act_on(request, pk, "allocation.submit")
    try:
        required = services.do_submit_plan(actor=request.user, plan=plan, ip=client_ip(request))
        messages.success(
            request, "已提交审核" + (f"（需 {required} 位审核人员分别审核）" if required > 1 else "")
        )
    except ActionRefused as exc:
        messages.error(request, str(exc))
        record_refusal(request, AuditAction.ACTION_REFUSED, f"{plan.doc_no}：{exc}")
    except InvalidInput as exc:
        problem_messages(request, exc)
    return redirect("allocation:detail", pk=plan.pk)


def plan_export(request: AuthedRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404("不支持的格式")
    plan = _plan(request, pk)
    lines = [r.line() for r in visible_rows(request.user, plan)]
    data = render_export(build_table(plan, lines, load_tree()), plan, f".{fmt}")
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    name = PurePath(f"{plan.doc_no}-分配表.{fmt}").name
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
