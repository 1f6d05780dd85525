from django.http import HttpRequest

from jiuzhu.accounts.models import User


class AuthedRequest(HttpRequest):
    """A request past LoginRequiredMiddleware: ``user`` is a real, active user with a region."""

    user: User  # type: ignore[assignment]
