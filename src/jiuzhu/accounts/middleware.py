"""A user whose password an administrator set must choose their own before doing anything else."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

ALLOWED = ("/accounts/password/", "/logout/", "/login/", "/static/", "/healthz")


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not request.path.startswith(ALLOWED)
        ):
            if request.path.startswith("/api/"):
                body = '{"error": "管理员已重置您的密码，请先登录网页修改密码"}'
                return HttpResponse(body, status=403, content_type="application/json")
            return redirect("accounts:password_change")
        return self.get_response(request)
