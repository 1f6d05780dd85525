"""Thin pages of the usage report: county clerks fill and submit, the prefecture reviews and consolidates."""

import datetime
import re
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiuzhu.accounts.http import AuthedRequest, deny_unless
from jiuzhu.accounts.scoping import get_scoped_or_404, regions_for
from jiuzhu.approvals import review
from jiuzhu.core.errors import ActionRefused
from jiuzhu.core.views import client_ip
from jiuzhu.domain.money import format_yuan
from jiuzhu.domain.usage_report import percent_text, time_elapsed_rate
from jiuzhu.regions.models import BudgetUnit

from . import selectors, services
from .exports import export
from .models import UsageReport


def _month(request: AuthedRequest) -> tuple[int, int]:
    text = request.GET.get("month") or request.POST.get("month") or ""
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    if m and 1 <= int(m[2]) <= 12:
        return int(m[1]), int(m[2])
    today = timezone.localdate()
    return today.year, today.month


def home(request: AuthedRequest) -> HttpResponse:
    """跟踪反馈: the month's report of the user's own region, its budget units' reports, the reports of the area
    and the overdue ones."""
    deny_unless(request.user, "reports.view")
    year, month = _month(request)
    reports = list(selectors.visible_reports(request.user).filter(year=year, month=month))
    overdue = list(selectors.overdue_reports(request.user))
    own = next((r for r in reports if r.region_id == request.user.region_id and r.unit_id is None), None)
    region = request.user.region
    units = (
        selectors.units_reporting(request.user, year, month, within=region).get(region.pk, [])
        if region
        else []
    )
    return render(
        request,
        "reports/home.html",
        {
            "period": f"{year}-{month:02d}",
            "reports": reports,
            "overdue": overdue,
            "own": own,
            "units": units,
            "may_fill": not services.fill_refusal(request.user, region),
            "may_fill_unit": request.user.can("reports.fill_unit"),
            "due": services.due_date(year, month),
        },
    )


@require_POST
def open_report(request: AuthedRequest) -> HttpResponse:
    """Open the month's report of the user's region, or (``unit``) of one of its budget units."""
    year, month = _month(request)
    region = request.user.region
    unit = None
    if request.POST.get("unit"):
        if not request.user.can("reports.fill_unit"):
            raise PermissionDenied("您没有填报预算单位跟踪反馈表的权限")
        unit = BudgetUnit.objects.filter(code=request.POST["unit"], region=region).first()
        if unit is None:
            raise Http404("预算单位不存在")
    refusal = services.fill_refusal(request.user, region, unit)
    if refusal:
        raise PermissionDenied(refusal)
    assert region is not None  # fill_refusal refuses a user without a region
    report = services.do_open_report(
        actor=request.user, region=region, year=year, month=month, unit=unit, ip=client_ip(request)
    )
    return redirect("reports:detail", pk=report.pk)


def _yuan(value: Decimal) -> str:
    return format_yuan(value)


def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    deny_unless(request.user, "reports.view")
    report = get_scoped_or_404(selectors.visible_reports(request.user), request.user, pk=pk)
    return _detail_page(request, report)


def _detail_page(
    request: AuthedRequest,
    report: UsageReport,
    typed: dict[int, dict[str, str]] | None = None,
    problems: list[str] | None = None,
) -> HttpResponse:
    """The report's page; after a refused save, with what was typed (``typed``, by line id) and why."""
    typed = typed or {}
    rows = list(report.lines.all())
    if report.editable and report.unit_id is None:
        # a unit's reasons as its own report has them now (stored here on the next refresh), never saved by GET
        explained = services.units_explanations(report)
        for x in rows:
            if x.unit:
                x.reason, x.measures, x.measures_due = explained.get(
                    (x.unit, x.fund_name, x.doc_no), ("", "", None)
                )
    lines = [
        {
            "row": x,
            "amount": _yuan(x.amount),
            "paid": _yuan(x.paid),
            "unpaid": _yuan(x.unpaid),
            "rate": percent_text(x.paid * 100 / x.amount if x.amount > 0 else None),
            "typed": typed.get(x.pk) or _stored(x),
        }
        for x in rows
    ]
    changes = [
        {"doc_no": c.doc_no, "fund": c.fund, "amount": _yuan(c.amount), "paid": _yuan(c.paid)}
        for c in selectors.changes_since_accepted(report)
    ]
    return render(
        request,
        "reports/detail.html",
        {
            "r": report,
            "lines": lines,
            "changes": changes,
            "problems": problems or [],
            "time_rate": percent_text(time_elapsed_rate(report.month)),
            "threshold": services.lag_threshold(),
            "may_fill": report.editable
            and not services.fill_refusal(request.user, report.region, report.unit),
            "units_waiting": services.units_not_accepted(report) if report.editable else [],
            "overdue": selectors.is_overdue(report),
            "review": review.panel(report, request.user),
        },
    )


def _stored(line: Any) -> dict[str, str]:
    due = line.measures_due.isoformat() if line.measures_due else ""
    return {"reason": line.reason, "measures": line.measures, "due": due}


def _fillable(request: AuthedRequest, pk: int) -> UsageReport:
    deny_unless(request.user, "reports.view")
    report = get_scoped_or_404(selectors.visible_reports(request.user), request.user, pk=pk)
    refusal = services.fill_refusal(request.user, report.region, report.unit)
    if refusal:
        raise PermissionDenied(refusal)
    return report


def _typed(request: AuthedRequest, report: UsageReport) -> dict[int, dict[str, str]]:
    """What was typed per line; a region's lines of its units are explained in the units' own reports."""
    lines = report.lines.all() if report.unit_id is not None else report.lines.filter(unit="")
    return {
        line.pk: {k: request.POST.get(f"{k}-{line.pk}", "").strip() for k in ("reason", "measures", "due")}
        for line in lines
    }


def _explanations(
    report: UsageReport, typed: dict[int, dict[str, str]]
) -> tuple[dict[int, services.Explanation], list[str]]:
    """What was typed as explanations, and a Chinese problem for each 整改时间 that is not a date."""
    out, problems = {}, []
    names = dict(report.lines.values_list("pk", "doc_no"))
    for pk, t in typed.items():
        try:
            due = datetime.date.fromisoformat(t["due"]) if t["due"] else None
        except ValueError:
            problems.append(f"{names[pk]}：整改时间“{t['due']}”不是日期，请按2022-12-31的格式填写")
            continue
        out[pk] = services.Explanation(t["reason"], t["measures"], due)
    return out, problems


@require_POST
def save(request: AuthedRequest, pk: int) -> HttpResponse:
    """Save (or save and submit) the explanations; a refusal shows the page again with what was typed."""
    report = _fillable(request, pk)
    typed = _typed(request, report)
    explanations, problems = _explanations(report, typed)
    if problems:
        return _detail_page(request, report, typed, problems)
    try:
        with transaction.atomic():
            services.do_save_explanations(
                actor=request.user, report=report, explanations=explanations, ip=client_ip(request)
            )
            if request.POST.get("submit"):
                services.do_submit_report(actor=request.user, report=report, ip=client_ip(request))
    except ActionRefused as exc:
        report.refresh_from_db()
        return _detail_page(request, report, typed, [str(exc)])
    messages.success(request, "已报送，等待地区财政局审核" if request.POST.get("submit") else "已保存")
    return redirect("reports:detail", pk=report.pk)


def _area_region(request: AuthedRequest) -> Any:
    code = request.GET.get("region", "")
    regions = regions_for(request.user)
    region = regions.filter(code=code).first() if code else request.user.region
    if region is None:
        raise Http404("地区不存在")
    return region


def consolidated(request: AuthedRequest) -> HttpResponse:
    deny_unless(request.user, "reports.view")
    year, month = _month(request)
    region = _area_region(request)
    status = request.GET.get("status", "")
    c = selectors.consolidated(request.user, region=region, year=year, month=month, status=status)
    rows = [
        {
            **row,
            "amount_text": _yuan(row["amount"]),
            "paid_text": _yuan(row["paid"]),
            "unpaid_text": _yuan(row["amount"] - row["paid"]),
            "rate": percent_text(row["paid"] * 100 / row["amount"] if row["amount"] > 0 else None),
            "prior_paid_text": _yuan(row["prior_paid"]),
            "prior_rate": percent_text(
                row["prior_paid"] * 100 / row["prior_amount"] if row["prior_amount"] > 0 else None
            ),
            "overdue": row["report"] is not None and selectors.is_overdue(row["report"]),
            "units": [_unit_row(unit, report, row["lines"]) for unit, report in row["units"]],
        }
        for row in c.rows
    ]
    amount = sum((r["amount"] for r in c.rows), Decimal(0))
    paid = sum((r["paid"] for r in c.rows), Decimal(0))
    return render(
        request,
        "reports/consolidated.html",
        {
            "period": f"{year}-{month:02d}",
            "region": region,
            "regions": regions_for(request.user),
            "status": status,
            "rows": rows,
            "not_filed": c.not_filed,
            "due": services.due_date(year, month),
            "past_due": timezone.localdate() > services.due_date(year, month),
            "total": {
                "amount": _yuan(amount),
                "paid": _yuan(paid),
                "unpaid": _yuan(amount - paid),
                "rate": percent_text(paid * 100 / amount if amount > 0 else None),
            },
        },
    )


def _unit_row(unit: BudgetUnit, report: UsageReport | None, lines: list[Any]) -> dict[str, Any]:
    """A 其中 row: the unit's share of its region's lines (already in the region's row)."""
    own = [x for x in lines if x.unit == unit.name]
    amount, paid = sum((x.amount for x in own), Decimal(0)), sum((x.paid for x in own), Decimal(0))
    return {
        "unit": unit,
        "report": report,
        "amount_text": _yuan(amount),
        "paid_text": _yuan(paid),
        "unpaid_text": _yuan(amount - paid),
        "rate": percent_text(paid * 100 / amount if amount > 0 else None),
    }


def export_file(request: AuthedRequest) -> HttpResponse:
    deny_unless(request.user, "reports.export")
    year, month = _month(request)
    region = _area_region(request)
    suffix = ".pdf" if request.GET.get("format") == "pdf" else ".xlsx"
    code = request.GET.get("unit", "")
    unit = BudgetUnit.objects.filter(region=region, code=code).first() if code else None
    if code and unit is None:
        raise Http404("预算单位不存在")
    data = export(region, year, month, suffix, request.user, unit=unit)
    kind = (
        "application/pdf"
        if suffix == ".pdf"
        else ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    )
    response = HttpResponse(data, content_type=kind)
    name = quote(f"跟踪反馈表-{unit.name if unit else region.short_name}-{year}-{month:02d}{suffix}")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response
