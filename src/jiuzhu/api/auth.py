"""Bearer authentication of every route: a live token (not revoked, not expired), within its rate limit.

The request then carries ``api_token`` (the token) and ``api_user`` (its system account's user): every read
is scoped to that user and every write made as that user, exactly as for a person of the same role.
"""

import time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from .models import ApiToken, RateWindow
from .problems import ApiProblem
from .tokens import live_token

#: Calls per token and minute unless ``JIUZHU_API_RATE_PER_MINUTE`` says otherwise.
DEFAULT_RATE = 600


def rate_per_minute() -> int:
    return int(getattr(settings, "JIUZHU_API_RATE_PER_MINUTE", DEFAULT_RATE))


class TokenAuth(HttpBearer):
    openapi_description = "接口令牌（由管理员签发，仅显示一次）：Authorization: Bearer jz_…"

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = live_token(token)
        if found is None:
            return None
        count_call(found)
        request.api_token = found  # type: ignore[attr-defined]
        request.api_user = found.account.user  # type: ignore[attr-defined]
        return found


def count_call(token: ApiToken) -> None:
    """One more call in this minute's window; refused (429) past the limit."""
    now = time.time()
    minute = int(now // 60)
    with transaction.atomic():
        window, _ = RateWindow.objects.get_or_create(token=token, minute=minute)
        RateWindow.objects.filter(pk=window.pk).update(calls=F("calls") + 1)
        calls = RateWindow.objects.filter(pk=window.pk).values_list("calls", flat=True)[0]
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        RateWindow.objects.filter(token=token, minute__lt=minute - 1).delete()
    if calls > rate_per_minute():
        retry = str(60 - int(now % 60))
        raise ApiProblem(
            429,
            "rate_limited",
            f"每分钟最多调用{rate_per_minute()}次，请{retry}秒后再试",
            headers={"Retry-After": retry},
        )


def api_user(request: HttpRequest) -> Any:
    return request.api_user  # type: ignore[attr-defined]
