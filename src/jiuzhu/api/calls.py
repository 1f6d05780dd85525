"""The audit record of every authenticated call: which token and account, what was asked, how many rows."""

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from jiuzhu.audit.actions import AuditAction
from jiuzhu.audit.services import record


def audit_call(request: HttpRequest, *, what: str, rows: int, status: int = 200, **extra: Any) -> None:
    token = getattr(request, "api_token", None)
    if token is None:  # not authenticated: nobody to name (and no chain to flood)
        return
    user = token.account.user
    with transaction.atomic():
        record(
            actor=user,
            action=AuditAction.API_CALL,
            entity=f"api:{what}",
            region_path=user.region.path if user.region else "/",
            after={
                "token": token.prefix,
                "method": request.method,
                "path": request.path,
                "query": request.GET.urlencode()[:500],
                "status": status,
                "rows": rows,
                **extra,
            },
            ip=request.META.get("REMOTE_ADDR", "") or "",
        )
