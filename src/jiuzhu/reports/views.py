"""Thin pages of the usage report: county clerks fill and submit, the prefecture reviews and consolidates."""

import datetime
import re
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
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
    """跟踪反馈: the month's report of the user's own region, the reports of the area and the overdue ones."""
    deny_unless(request.user, "reports.view")
    year, month = _month(request)
    reports = list(selectors.visible_reports(request.user).filter(year=year, month=month))
    overdue = list(selectors.overdue_reports(request.user))
    own = next((r for r in reports if r.region_id == request.user.region_id), None)
    return render(
        request,
        "reports/home.html",
        {
            "period": f"{year}-{month:02d}",
            "reports": reports,
            "overdue": overdue,
            "own": own,
            "may_fill": not services.fill_refusal(request.user, request.user.region),
            "due": services.due_date(year, month),
        },
    )


@require_POST
def open_report(request: AuthedRequest) -> HttpResponse:
    year, month = _month(request)
    refusal = services.fill_refusal(request.user, request.user.region)
    if refusal:
        raise PermissionDenied(refusal)
    region = request.user.region
    assert region is not None  # fill_refusal refuses a user without a region
    report = services.do_open_report(
        actor=request.user, region=region, year=year, month=month, ip=client_ip(request)
    )
    return redirect("reports:detail", pk=report.pk)


def _yuan(value: Decimal) -> str:
    return format_yuan(value)


def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    deny_unless(request.user, "reports.view")
    report = get_scoped_or_404(selectors.visible_reports(request.user), request.user, pk=pk)
    lines = [
        {
            "row": x,
            "amount": _yuan(x.amount),
            "paid": _yuan(x.paid),
            "unpaid": _yuan(x.unpaid),
            "rate": percent_text(x.paid * 100 / x.amount if x.amount > 0 else None),
        }
        for x in report.lines.all()
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
            "time_rate": percent_text(time_elapsed_rate(report.month)),
            "threshold": services.lag_threshold(),
            "may_fill": report.editable and not services.fill_refusal(request.user, report.region),
            "overdue": selectors.is_overdue(report),
            "review": review.panel(report, request.user),
        },
    )


def _fillable(request: AuthedRequest, pk: int) -> UsageReport:
    deny_unless(request.user, "reports.view")
    report = get_scoped_or_404(selectors.visible_reports(request.user), request.user, pk=pk)
    refusal = services.fill_refusal(request.user, report.region)
    if refusal:
        raise PermissionDenied(refusal)
    return report


def _date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text) if text else None
    except ValueError:
        return None


@require_POST
def save(request: AuthedRequest, pk: int) -> HttpResponse:
    report = _fillable(request, pk)
    explanations = {
        line.pk: services.Explanation(
            request.POST.get(f"reason-{line.pk}", ""),
            request.POST.get(f"measures-{line.pk}", ""),
            _date(request.POST.get(f"due-{line.pk}", "")),
        )
        for line in report.lines.all()
    }
    try:
        services.do_save_explanations(
            actor=request.user, report=report, explanations=explanations, ip=client_ip(request)
        )
        if request.POST.get("submit"):
            services.do_submit_report(actor=request.user, report=report, ip=client_ip(request))
            messages.success(request, "已报送，等待地区财政局审核")
        else:
            messages.success(request, "已保存")
    except ActionRefused as exc:
        messages.error(request, str(exc))
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


def export_file(request: AuthedRequest) -> HttpResponse:
    deny_unless(request.user, "reports.export")
    year, month = _month(request)
    region = _area_region(request)
    suffix = ".pdf" if request.GET.get("format") == "pdf" else ".xlsx"
    data = export(region, year, month, suffix, request.user)
    kind = (
        "application/pdf"
        if suffix == ".pdf"
        else ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    )
    response = HttpResponse(data, content_type=kind)
    name = quote(f"跟踪反馈表-{region.short_name}-{year}-{month:02d}{suffix}")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response
