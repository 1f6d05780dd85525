"""Logins, logouts, failed logins and lockouts go into the audit trail too."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.dispatch import receiver

from jiuzhu.audit.actions import AuditAction
from jiuzhu.audit.services import record


def _ip(request: Any) -> str:
    return str(request.META.get("REMOTE_ADDR", "")) if request is not None else ""


def _path_of(username: str) -> str:
    from .models import User

    user = User.objects.filter(username=username).select_related("region").first()
    return user.region.path if user and user.region else "/"


@receiver(user_logged_in)
def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    with transaction.atomic():
        record(
            actor=user,
            action=AuditAction.ACCOUNTS_LOGIN,
            entity=user.username,
            region_path=user.region.path if user.region else "/",
            ip=_ip(request),
        )


@receiver(user_logged_out)
def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    with transaction.atomic():
        record(
            actor=user,
            action=AuditAction.ACCOUNTS_LOGOUT,
            entity=user.username,
            region_path=user.region.path if user.region else "/",
            ip=_ip(request),
        )


@receiver(user_login_failed)
def on_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    with transaction.atomic():
        record(
            actor=username or "（空）",
            action=AuditAction.ACCOUNTS_LOGIN_FAILED,
            entity=username,
            region_path=_path_of(username),
            ip=_ip(request),
        )


def on_locked_out(
    sender: Any, request: Any = None, username: str = "", ip_address: str = "", **kwargs: Any
) -> None:
    with transaction.atomic():
        record(
            actor=username or "（空）",
            action=AuditAction.ACCOUNTS_LOCKED_OUT,
            entity=username,
            region_path=_path_of(username),
            ip=ip_address or _ip(request),
        )


def connect() -> None:
    from axes.signals import user_locked_out

    user_locked_out.connect(on_locked_out, dispatch_uid="jiuzhu.accounts.locked_out")
