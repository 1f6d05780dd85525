from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def healthz(request: HttpRequest) -> HttpResponse:
    """For the load balancer and the load test's baseline: the process answers (no database, no session)."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the refusal in Chinese."""
    return render(request, "403_csrf.html", status=403)
