"""An address that fails to log in as many different users is refused for a while, whatever the username.

django-axes locks a (username, address) pair after ten failures (settings); someone trying a few passwords for
each of many usernames from one address would never trip that, so here: once an address has failed for
``LOGIN_MAX_USERNAMES_PER_ADDRESS`` distinct usernames within the cool-off time, its logins are refused until the
oldest of those failures is older than the cool-off time. Successful logins of other people behind the same
address are not counted.
"""

from typing import Any

from django.conf import settings
from django.utils import timezone


def usernames_failed_from(ip: str) -> int:
    from axes.models import AccessAttempt

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    count: int = (
        AccessAttempt.objects.filter(ip_address=ip, attempt_time__gte=since, failures_since_start__gt=0)
        .values("username")
        .distinct()
        .count()
    )
    return count


def address_throttled(request: Any) -> bool:
    ip = str(request.META.get("REMOTE_ADDR", "")) if request is not None else ""
    return bool(ip) and usernames_failed_from(ip) >= settings.LOGIN_MAX_USERNAMES_PER_ADDRESS
