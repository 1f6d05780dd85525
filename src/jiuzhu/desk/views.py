from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jiuzhu.allocation.selectors import visible_plans
from jiuzhu.domain.money import format_yuan
from jiuzhu.monitoring.selectors import due_findings

from .waiting import waiting, year_figures


def home(request: HttpRequest) -> HttpResponse:
    """工作台: what waits for me, the open warnings, the year's figures of my area, the latest plans."""
    figures = year_figures(request.user)
    return render(
        request,
        "desk/home.html",
        {
            "plans": visible_plans(request.user)[:5],
            "waiting": waiting(request.user),
            "figures": figures,
            "totals": {k: format_yuan(v) for k, v in figures["totals"].items()},
            **due_findings(request.user),
        },
    )
