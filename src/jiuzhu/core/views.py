from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jiuzhu.allocation.selectors import visible_plans


def home(request: HttpRequest) -> HttpResponse:
    from jiuzhu.monitoring.selectors import due_findings

    plans = visible_plans(request.user)[:10]
    return render(request, "home.html", {"plans": plans, **due_findings(request.user)})


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the refusal in Chinese."""
    return render(request, "403_csrf.html", status=403)
