from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .errors import InvalidInput


def healthz(request: HttpRequest) -> HttpResponse:
    """For the load balancer and the load test's baseline: the process answers (no database, no session)."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def problem_messages(request: HttpRequest, exc: InvalidInput) -> None:
    """Every problem of a refused input as an error message on the next page."""
    for problem in exc.problems:
        messages.error(request, str(problem))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the refusal in Chinese."""
    return render(request, "403_csrf.html", status=403)
