"""Refused attempts land in the audit trail: a 403 (no permission, a write by a read-only role) or a 404 on a
record (one outside the user's area looks missing, and is recorded as such)."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from jiuzhu.core.views import client_ip

from .actions import AuditAction
from .services import record_outside


def record_refusal(request: HttpRequest, action: AuditAction, reason: str) -> None:
    user = request.user
    if not user.is_authenticated:
        return
    region = getattr(user, "region", None)
    record_outside(
        actor=user,
        action=action,
        entity=request.path[:128],
        region_path=region.path if region is not None else "/",
        after={"method": request.method, "reason": reason[:200]},
        ip=client_ip(request),
    )


class RefusalAuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, PermissionDenied):
            record_refusal(request, AuditAction.ACCESS_DENIED, str(exception) or "没有权限")
        elif isinstance(exception, Http404):
            record_refusal(request, AuditAction.ACCESS_NOT_FOUND, str(exception) or "记录不存在")
