from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

#: The API (``/api/v1/``) checks its own bearer tokens (``jiuzhu.api.auth``).
PUBLIC_PREFIXES = ("/login/", "/static/", "/healthz", "/api/v1/")


class TrustedProxyMiddleware:
    """Behind the TLS proxy (JIUZHU_TLS_PROXY=1), REMOTE_ADDR is the proxy's: take the client's address from the
    last X-Forwarded-For entry, the one the proxy itself appended (earlier entries are whatever the client sent).
    Without the proxy setting the header is ignored, so nobody can choose their own address by sending it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.enabled = bool(getattr(settings, "TLS_PROXY", False))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.enabled:
            forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
            last = forwarded.split(",")[-1].strip() if forwarded else ""
            if last:
                request.META["REMOTE_ADDR"] = last
        return self.get_response(request)


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


#: No inline script or style anywhere: the app's JavaScript and CSS are static files.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    """CSP and Permissions-Policy on every response; no caching of pages shown to a logged-in user.

    X-Frame-Options (DENY), X-Content-Type-Options (nosniff), Referrer-Policy and Cross-Origin-Opener-Policy come
    from Django's own middleware and settings.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store, private")
        return response
