"""Region scope in one place: every selector, count, export, dropdown and task goes through ``scoped``.

A user sees their region and its descendants. A record outside that scope does not exist for them (404).
"""

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404

M = TypeVar("M", bound=Model)


def scope_path(user: Any) -> str:
    """The path prefix of the user's area; an unscoped user sees nothing."""
    region = getattr(user, "region", None)
    return region.path if region is not None and user.is_active else "/nowhere/"


def scoped(queryset: QuerySet[M], user: Any, *, via: str = "region") -> QuerySet[M]:
    """Rows whose region (reached through ``via``) lies within the user's area."""
    return queryset.filter(**{f"{via}__path__startswith": scope_path(user)})


def get_scoped_or_404(queryset: QuerySet[M], user: Any, *, via: str = "region", **lookup: Any) -> M:
    try:
        return scoped(queryset, user, via=via).get(**lookup)
    except ObjectDoesNotExist as exc:
        raise Http404("记录不存在") from exc
