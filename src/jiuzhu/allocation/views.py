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

from jiuzhu.accounts.http import deny_unless
from jiuzhu.accounts.scoping import regions_for, within
from jiuzhu.core.errors import ActionRefused, InvalidInput
from jiuzhu.core.http import AuthedRequest
from jiuzhu.core.views import client_ip
from jiuzhu.domain.allocation import AdjustmentLine, in_tree_order, totals
from jiuzhu.domain.money import format_wan, format_yuan
from jiuzhu.domain.problems import Problem, has_errors
from jiuzhu.funds.models import Fund
from jiuzhu.regions.models import Region, load_tree

from . import services
from .exports import build_table
from .exports import render as render_export
from .forms import column_key, parse_cells
from .models import Plan
from .selectors import approval_round, plan_actions, visible_plans, visible_rows

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
            "approval": approval_round(plan),
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
    return render(
        request, "allocation/create.html", {"funds": funds, "problems": problems, "kinds": Plan.KINDS}
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
    version: int | None = plan.version
    if request.method == "POST":
        cells = {
            k: request.POST.get(k, "") for k in request.POST if k not in ("csrfmiddlewaretoken", "version")
        }
        version = _posted_version(request, plan)
        lines, problems = parse_cells(codes, cells)
        problems += services.validate_plan_lines(plan, lines)
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
    lines, _ = parse_cells(codes, cells)
    by_code = {x.region_code: x for x in lines}
    rows = []
    for seq, region in enumerate(regions, start=1):
        line = by_code.get(region.code)
        rows.append(
            {
                "seq": seq,
                "name": region.short_name,
                "code": region.code,
                "cells": {k: cells.get(f"{k}_{region.code}", "0") for k in ("base", "decrease", "increase")},
                "net": _wan(line.net) if line else "—",
                "final": _wan(line.final) if line else "—",
                "problems": {
                    column_key(p.where.column): p.message for p in problems if p.where.entity == region.code
                },
            }
        )
    total = totals(lines)
    return render(
        request,
        "allocation/edit.html",
        {
            "plan": plan,
            "rows": rows,
            "problems": [p for p in problems if p.where.entity not in codes],
            "all_problems": problems,
            "total": {k: _wan(getattr(total, k)) for k in ("base", "decrease", "increase", "net", "final")},
            "base_editable": plan.kind == Plan.ALLOCATION,
            # After a refused save the page keeps the version it was opened with: saving again is refused too.
            "version": version,
        },
    )


@require_POST
def plan_validate(request: AuthedRequest, pk: int) -> JsonResponse:
    """The editor asks on every keystroke: the server's arithmetic and every problem, nothing saved."""
    plan = _plan_to_act_on(request, pk, "allocation.edit")
    codes = [r.code for r in _editor_regions(request.user, plan)]
    lines, problems = parse_cells(codes, request.POST)
    problems += services.validate_plan_lines(plan, lines)
    total = totals(lines)
    return JsonResponse(
        {
            "rows": {x.region_code: {"net": _wan(x.net), "final": _wan(x.final)} for x in lines},
            "total": {k: _wan(getattr(total, k)) for k in ("base", "decrease", "increase", "net", "final")},
            "problems": [{**p.as_dict(), "key": column_key(p.where.column)} for p in problems],
        }
    )


ACTION_PERMISSIONS = {
    "submit": "allocation.submit",
    "approve": "allocation.approve",
    "return": "allocation.approve",
}


def _act(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    plan = _plan_to_act_on(request, pk, ACTION_PERMISSIONS[action])
    try:
        if action == "submit":
            required = services.do_submit_plan(actor=request.user, plan=plan, ip=client_ip(request))
            messages.success(
                request, "已提交审核" + (f"（需 {required} 位审核人员分别审核）" if required > 1 else "")
            )
        elif action == "approve":
            state = services.do_approve_plan(actor=request.user, plan=plan, ip=client_ip(request))
            if state.complete:
                messages.success(request, "已审核通过")
            else:
                messages.success(
                    request,
                    f"已审核（{state.count}/{state.required}），还需另外 {state.remaining} 位审核人员审核",
                )
        else:
            services.do_return_plan(
                actor=request.user, plan=plan, reason=request.POST.get("reason", ""), ip=client_ip(request)
            )
            messages.success(request, "已退回经办人，方案回到草稿状态")
    except ActionRefused as exc:
        messages.error(request, str(exc))
    except InvalidInput as exc:
        for problem in exc.problems:
            messages.error(request, str(problem))
    return redirect("allocation:detail", pk=plan.pk)


@require_POST
def plan_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "submit")


@require_POST
def plan_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "approve")


@require_POST
def plan_return(request: AuthedRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "return")


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
