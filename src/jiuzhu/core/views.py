from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .errors import InvalidInput


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def problem_messages(request: HttpRequest, exc: InvalidInput) -> None:
    """Every problem of a refused input as an error message on the next page."""
    for problem in exc.problems:
        messages.error(request, str(problem))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the refusal in Chinese."""
    return render(request, "403_csrf.html", status=403)
