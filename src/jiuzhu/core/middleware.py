from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

PUBLIC_PREFIXES = ("/login/", "/static/")


class LoginRequiredMiddleware:
    """Every page needs a login, except the login page and static files."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated and not request.path.startswith(PUBLIC_PREFIXES):
            if request.path.startswith("/api/"):
                return HttpResponse('{"error": "未登录"}', status=401, content_type="application/json")
            return redirect(f"{settings.LOGIN_URL and '/login/'}?next={request.path}")
        return self.get_response(request)
