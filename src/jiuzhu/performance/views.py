"""Thin pages of performance management: the target table and its decomposition, 双监控 and self-evaluation."""

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jiuzhu.accounts.http import AuthedRequest, deny_unless
from jiuzhu.accounts.scoping import get_scoped_or_404, within
from jiuzhu.approvals import review
from jiuzhu.core.errors import ActionRefused
from jiuzhu.domain.performance.values import RULE_LABELS, Qualitative, kind_label
from jiuzhu.domain.targets import grouped

from . import evaluation, exports, monitoring_report, overview, pdf, selectors, services
from .models import Cause, Likelihood, MonitoringReport, TargetColumn, TargetTable

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _table(request: AuthedRequest, pk: int) -> TargetTable:
    deny_unless(request.user, "performance.view")
    found = selectors.visible_tables(request.user).filter(pk=pk).first()  # already scoped (a county's column)
    if found is None:
        raise Http404("记录不存在")
    return found


def home(request: AuthedRequest) -> HttpResponse:
    deny_unless(request.user, "performance.view")
    tables = list(selectors.visible_tables(request.user))
    reports = list(selectors.visible_reports(request.user).order_by("-through_month", "region__path"))
    return render(request, "performance/home.html", {"tables": tables, "reports": reports})


def _columns(request: AuthedRequest, t: TargetTable) -> list[TargetColumn]:
    """The decomposition columns of the user's area: a county sees its own beside the regional values."""
    return [c for c in t.columns.select_related("region", "confirmed_by") if within(request.user, c.region)]


def _hint(value: str) -> str:
    from jiuzhu.domain.performance.values import parse_value

    v = parse_value(value)
    return f"{kind_label(v)}：{RULE_LABELS[v.rule]}" if isinstance(v, Qualitative) else kind_label(v)


def table(request: AuthedRequest, pk: int) -> HttpResponse:
    t = _table(request, pk)
    columns = _columns(request, t)
    own = selectors.column_values(t)
    indicators = list(t.indicators.all())
    spans = grouped(selectors.as_target_set(t).indicators)
    rows = [
        {
            "ind": ind,
            "span1": s1,
            "span2": s2,
            "hint": _hint(ind.value),
            "cells": [{"column": c, "value": own.get((ind.pk, c.pk), "")} for c in columns],
        }
        for ind, (_, s1, s2) in zip(indicators, spans, strict=True)
    ]
    amount, upper, local = exports.header_amounts(t)
    mine = next(
        (c for c in columns if c.region_id == request.user.region_id and c.region_id != t.region_id), None
    )
    may_edit = t.editable and request.user.can("performance.edit") and request.user.region_id == t.region_id
    return render(
        request,
        "performance/table.html",
        {
            "t": t,
            "columns": columns,
            "rows": rows,
            "amount": amount,
            "upper": upper,
            "local": local,
            "may_edit": may_edit,
            "mine": mine,
            "may_confirm": mine is not None
            and request.user.can("performance.confirm")
            and t.status == "approved",
            "may_open": not monitoring_report.fill_refusal(request.user, request.user.region)
            and mine is not None,
            "month": monitoring_report.default_month(),
            "review": review.panel(t, request.user),
        },
    )


def _owner(request: AuthedRequest, pk: int, action: str) -> TargetTable:
    t = _table(request, pk)
    if not request.user.can(action):
        raise PermissionDenied("您没有执行此操作的权限")
    return t


@require_POST
def save_values(request: AuthedRequest, pk: int) -> HttpResponse:
    t = _owner(request, pk, "performance.edit")
    values: dict[tuple[int, int], str] = {}
    for key in request.POST:
        parts = key.split("-")
        if len(parts) == 3 and parts[0] == "v" and parts[1].isdigit() and parts[2].isdigit():
            values[(int(parts[1]), int(parts[2]))] = request.POST.get(key, "")
    try:
        services.do_set_column_values(actor=request.user, table=t, values=values)
        if request.POST.get("submit"):
            services.do_submit_table(actor=request.user, table=t)
            messages.success(request, "已报送，等待审核")
        else:
            messages.success(request, "已保存分解目标")
    except ActionRefused as exc:
        messages.error(request, str(exc))
    return redirect("performance:table", pk=t.pk)


@require_POST
def confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    t = _owner(request, pk, "performance.confirm")
    column = selectors.column_of(t, request.user.region) if request.user.region else None
    if column is None or column.region_id == t.region_id:
        raise PermissionDenied("本表没有分解到本地区的目标")
    try:
        services.do_confirm_column(actor=request.user, column=column)
        messages.success(request, "已确认本地区的分解目标")
    except ActionRefused as exc:
        messages.error(request, str(exc))
    return redirect("performance:table", pk=t.pk)


def _region_of(request: AuthedRequest, t: TargetTable) -> Any:
    code = request.GET.get("region", "")
    columns = [c for c in t.columns.select_related("region") if within(request.user, c.region)]
    found = next((c.region for c in columns if c.region.code == code), None) if code else None
    if found is None and not code and columns:
        found = columns[0].region
    if found is None:
        raise Http404("地区不存在")
    return found


def self_evaluation(request: AuthedRequest, pk: int) -> HttpResponse:
    t = _table(request, pk)
    region = _region_of(request, t)
    e = evaluation.self_evaluation(t, region)
    regions = [c.region for c in t.columns.select_related("region") if within(request.user, c.region)]
    return render(
        request, "performance/evaluation.html", {"t": t, "e": e, "regions": regions, "region": region}
    )


@require_POST
def open_report(request: AuthedRequest, pk: int) -> HttpResponse:
    t = _table(request, pk)
    region = request.user.region
    refusal = monitoring_report.fill_refusal(request.user, region)
    if refusal or region is None:
        raise PermissionDenied(refusal)
    month = int(request.POST.get("month") or monitoring_report.default_month())
    if not 1 <= month <= 12:
        raise Http404("月份不正确")
    try:
        report = monitoring_report.do_open_report(
            actor=request.user, table=t, region=region, through_month=month
        )
    except ActionRefused as exc:
        raise PermissionDenied(str(exc)) from exc
    return redirect("performance:report", pk=report.pk)


def _month(request: AuthedRequest) -> int:
    text = request.GET.get("month") or str(monitoring_report.default_month())
    if not text.isdigit() or not 1 <= int(text) <= 12:
        raise Http404("月份不正确")
    return int(text)


def _overview(request: AuthedRequest, t: TargetTable) -> overview.Overview:
    return overview.overview(t, _month(request), lambda region: within(request.user, region))


def monitoring(request: AuthedRequest, pk: int) -> HttpResponse:
    """The prefecture's 双监控: every county's report of the period beside its budget execution."""
    t = _table(request, pk)
    o = _overview(request, t)
    return render(request, "performance/monitoring.html", {"t": t, "o": o, "months": range(1, 13)})


def _report(request: AuthedRequest, pk: int) -> MonitoringReport:
    deny_unless(request.user, "performance.view")
    return get_scoped_or_404(selectors.visible_reports(request.user), request.user, pk=pk)


def report(request: AuthedRequest, pk: int) -> HttpResponse:
    r = _report(request, pk)
    v = monitoring_report.view(r)
    may_fill = r.editable and not monitoring_report.fill_refusal(request.user, r.region)
    return render(
        request,
        "performance/report.html",
        {
            "r": r,
            "v": v,
            "may_fill": may_fill,
            "causes": Cause.choices,
            "likelihoods": Likelihood.choices,
            "review": review.panel(r, request.user),
        },
    )


@require_POST
def save_report(request: AuthedRequest, pk: int) -> HttpResponse:
    r = _report(request, pk)
    refusal = monitoring_report.fill_refusal(request.user, r.region)
    if refusal:
        raise PermissionDenied(refusal)
    p = request.POST
    lines = {
        x.pk: monitoring_report.LineInput(
            expected=p.get(f"expected-{x.pk}", ""),
            cause=p.get(f"cause-{x.pk}", ""),
            cause_note=p.get(f"note-{x.pk}", ""),
            likelihood=p.get(f"likelihood-{x.pk}", ""),
            needs_fix=bool(p.get(f"fix-{x.pk}")),
            measures=p.get(f"measures-{x.pk}", ""),
        )
        for x in r.lines.all()
    }
    try:
        monitoring_report.do_save_report(actor=request.user, report=r, lines=lines)
        if p.get("submit"):
            monitoring_report.do_submit_report(actor=request.user, report=r)
            messages.success(request, "已报送，等待地区审核")
        else:
            messages.success(request, "已保存")
    except ActionRefused as exc:
        messages.error(request, str(exc))
    return redirect("performance:report", pk=r.pk)


def export_file(request: AuthedRequest, pk: int) -> HttpResponse:
    """``part``: targets (附件2), evaluation (one region's), monitoring (the overview); ``format``: xlsx or pdf."""
    t = _table(request, pk)
    deny_unless(request.user, "performance.export")
    fmt, part = request.GET.get("format", "xlsx"), request.GET.get("part", "targets")
    if fmt not in CONTENT_TYPES:
        raise Http404("不支持的格式")
    as_pdf = fmt == "pdf"
    if part == "targets":
        columns = _columns(request, t)
        data, name = (pdf.targets_pdf if as_pdf else exports.targets_xlsx)(t, columns), "绩效目标表"
    elif part == "evaluation":
        region = _region_of(request, t)
        done = [evaluation.self_evaluation(t, region)]
        data = (pdf.evaluation_pdf if as_pdf else exports.evaluation_xlsx)(t, done)
        name = f"绩效自评表-{region.short_name}"
    elif part == "monitoring":
        o = _overview(request, t)
        data = (pdf.monitoring_pdf if as_pdf else exports.monitoring_xlsx)(o)
        name = f"绩效运行监控表-1-{o.through_month}月"
    else:
        raise Http404("没有这种报表")
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{name}.{fmt}')}"
    return response
