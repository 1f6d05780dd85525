"""What views need from accounts: a typed request, and the server-side refusal behind every hidden button."""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from .models import User

__all__ = ["AuthedRequest", "deny_unless", "permission_required"]

V = TypeVar("V", bound=Callable[..., HttpResponse])


class AuthedRequest(HttpRequest):
    """A request past LoginRequiredMiddleware: ``user`` is a real, active user with a region."""

    user: User


def deny_unless(user: Any, action: str) -> None:
    """403 unless the permission table lets the user take ``action`` (region scope is checked separately)."""
    if not user.can(action):
        raise PermissionDenied("您没有执行此操作的权限")


def permission_required(action: str) -> Callable[[V], V]:
    """View decorator: ``deny_unless(request.user, action)`` before the view runs."""

    def decorate(view: V) -> V:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            deny_unless(request.user, action)
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate
