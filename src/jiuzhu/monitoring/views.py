"""监控预警 pages: the dashboard, the findings list (filters, XLSX), one finding (rows behind it, history, steps),
the rules page, and a run on demand. Thin: reads from ``selectors``, writes through ``services``."""

import datetime
from urllib.parse import quote

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiuzhu.accounts.http import AuthedRequest, deny_unless
from jiuzhu.accounts.scoping import get_scoped_or_404, regions_for
from jiuzhu.approvals import review
from jiuzhu.core.errors import ActionRefused, InvalidInput
from jiuzhu.core.views import client_ip
from jiuzhu.domain.findings import SEVERITY_LABELS, STATE_LABELS, Severity, State, allowed
from jiuzhu.domain.monitoring_rules import RULES
from jiuzhu.domain.purposes import PURPOSE_LABELS
from jiuzhu.funds.models import Fund

from . import engine, selectors, services
from .exports import findings_xlsx
from .queries import documented_sql
from .review import FP_SUBJECT


def _year(request: AuthedRequest) -> int:
    value = request.GET.get("year", "")
    if value.isdigit():
        return int(value)
    years = services.years_with_data()
    return years[-1] if years else timezone.localdate().year


def dashboard(request: AuthedRequest) -> HttpResponse:
    deny_unless(request.user, "monitoring.view")
    year = _year(request)
    findings = selectors.visible_findings(request.user).filter(fiscal_year=year)
    return render(
        request,
        "monitoring/dashboard.html",
        {
            "year": year,
            "years": services.years_with_data(),
            "counties": selectors.county_progress(request.user, year),
            "summary": selectors.findings_summary(request.user, year),
            "overdue": selectors.overdue(findings).order_by("due_on")[:20],
            "open_red": findings.filter(state__in=selectors.OPEN, severity="red").count(),
            "open_yellow": findings.filter(state__in=selectors.OPEN, severity="yellow").count(),
            "monthly": selectors.monthly_by_purpose(request.user, year),
            "execution": selectors.execution_chart(request.user, year),
            "runs": selectors.visible_runs(request.user).filter(fiscal_year=year)[:5],
            "can_run": request.user.can("monitoring.run"),
        },
    )


def _filter_choices(request: AuthedRequest) -> dict[str, object]:
    return {
        "regions": regions_for(request.user),
        "funds": Fund.objects.order_by("fiscal_year", "id"),
        "purposes": [(p.value, label) for p, label in PURPOSE_LABELS.items()],
        "rules": RULES,
        "severities": [(s.value, SEVERITY_LABELS[s]) for s in Severity],
        "states": [(s.value, STATE_LABELS[s]) for s in State],
        "months": [f"{m:02d}" for m in range(1, 13)],
        "years": services.years_with_data(),
    }


def findings(request: AuthedRequest) -> HttpResponse:
    deny_unless(request.user, "monitoring.view")
    qs = selectors.filtered_findings(request.user, request.GET)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "monitoring/findings.html",
        {
            "page": page,
            "today": timezone.localdate(),
            "chosen": {k: request.GET.get(k, "") for k in selectors.FILTERS},
            "query": query.urlencode(),
            **_filter_choices(request),
        },
    )


def export(request: AuthedRequest) -> HttpResponse:
    deny_unless(request.user, "monitoring.export")
    qs = selectors.filtered_findings(request.user, request.GET)
    response = HttpResponse(
        findings_xlsx(qs, timezone.localdate()),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = quote(f"监控预警-{timezone.localdate():%Y%m%d}.xlsx")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    deny_unless(request.user, "monitoring.view")
    finding = get_scoped_or_404(selectors.visible_findings(request.user), request.user, pk=pk)
    header, rows = selectors.drill_down(request.user, finding)
    steps = allowed(State(finding.state))
    user = request.user
    return render(
        request,
        "monitoring/finding.html",
        {
            "f": finding,
            "rule": finding.rule and next(r for r in RULES if r.code == finding.rule),
            "header": header,
            "rows": rows,
            "events": selectors.history(finding),
            "overdue": finding.due_on
            and finding.state in selectors.OPEN
            and finding.due_on < timezone.localdate(),
            "can_review": user.can("monitoring.review"),
            "can_check": user.can("monitoring.check"),
            "steps": {t.value for t in steps},
            "review": review.panel(finding, user, key=FP_SUBJECT),
        },
    )


ACTIONS = {
    "confirm": lambda r, f: services.do_confirm(
        actor=r.user, finding=f, note=r.POST.get("note", ""), ip=client_ip(r)
    ),
    "false_positive": lambda r, f: services.do_mark_false_positive(
        actor=r.user, finding=f, reason=r.POST.get("reason", ""), ip=client_ip(r)
    ),
    "rectify": lambda r, f: services.do_rectify(
        actor=r.user,
        finding=f,
        measure=r.POST.get("measure", ""),
        promised_on=_date(r.POST.get("promised_on", "")),
        ip=client_ip(r),
    ),
    "close": lambda r, f: services.do_close(
        actor=r.user, finding=f, note=r.POST.get("note", ""), ip=client_ip(r)
    ),
}
NEEDS = {
    "confirm": "monitoring.review",
    "false_positive": "monitoring.review",
    "rectify": "monitoring.review",
    "close": "monitoring.check",
}


def _date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        return None


@require_POST
def act(request: AuthedRequest, pk: int) -> HttpResponse:
    """One step on a finding (确认, 误报, 整改, 销号, and a checker's decision on a 红 误报)."""
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        deny_unless(request.user, "monitoring.review")
        messages.error(request, "未知的操作")
        return redirect("monitoring:findings")
    deny_unless(request.user, NEEDS[action])
    finding = get_scoped_or_404(selectors.visible_findings(request.user), request.user, pk=pk)
    try:
        finding = ACTIONS[action](request, finding)
        messages.success(request, f"已处理：{finding.get_state_display()}")
    except ActionRefused as exc:
        messages.error(request, str(exc))
    except InvalidInput as exc:
        for problem in exc.args[0]:
            messages.error(request, problem.message)
    return redirect("monitoring:detail", pk=finding.pk)


def rules(request: AuthedRequest) -> HttpResponse:
    deny_unless(request.user, "monitoring.view")
    return render(
        request,
        "monitoring/rules.html",
        {
            "rules": [{"r": r, "sql": documented_sql(r.code)} for r in RULES],
            "settings": engine.config(),
        },
    )


@require_POST
def run(request: AuthedRequest) -> HttpResponse:
    deny_unless(request.user, "monitoring.run")
    year = request.POST.get("year", "")
    try:
        runs = services.do_run(
            actor=request.user,
            fiscal_year=int(year) if year.isdigit() else None,
            trigger="页面",
        )
    except (ActionRefused, InvalidInput) as exc:
        messages.error(request, str(exc))
        return redirect("monitoring:dashboard")
    found = sum(r.found for r in runs)
    resolved = sum(r.resolved for r in runs)
    messages.success(request, f"已运行全部规则：发现 {found} 个问题，{resolved} 个已消除")
    return redirect(reverse("monitoring:dashboard") + (f"?year={year}" if year.isdigit() else ""))
