from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jiuzhu.allocation.selectors import visible_plans


def home(request: HttpRequest) -> HttpResponse:
    """工作台: what waits for me, the year's figures of my area, the latest plans."""
    from jiuzhu.domain.money import format_yuan

    from .desk import waiting, year_figures

    figures = year_figures(request.user)
    return render(
        request,
        "home.html",
        {
            "plans": visible_plans(request.user)[:5],
            "waiting": waiting(request.user),
            "figures": figures,
            "totals": {k: format_yuan(v) for k, v in figures["totals"].items()},
        },
    )


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the refusal in Chinese."""
    return render(request, "403_csrf.html", status=403)
