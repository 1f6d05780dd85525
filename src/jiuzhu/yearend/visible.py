"""Which year-end documents and lines a user sees: those of their area, and the documents of an area above that
carry or take back money of theirs (showing them only their own lines)."""

from typing import Any

from django.db.models import Q, QuerySet

from jiuzhu.accounts.scoping import scope_q, scoped, within

from .models import CarryoverLine, Recovery, YearClose


def _covering(user: Any) -> list[str]:
    region = getattr(user, "region", None)
    return [p for p in region.path.split("/") if p] if region is not None and user.is_active else []


def visible_closes(user: Any) -> QuerySet[YearClose]:
    mine = scope_q(user, via="region") | (
        Q(region__code__in=_covering(user)) & Q(lines__in=scoped(CarryoverLine.objects.all(), user))
    )
    return YearClose.objects.filter(mine).distinct().select_related("region").order_by("-fiscal_year", "-id")


def visible_recoveries(user: Any) -> QuerySet[Recovery]:
    own = Q(region__code__in=_covering(user)) & scope_q(user, via="lines__from_region")
    return (
        Recovery.objects.filter(scope_q(user, via="region") | own)
        .distinct()
        .select_related("region")
        .order_by("-fiscal_year", "-id")
    )


def visible_lines(user: Any, close: YearClose) -> list[CarryoverLine]:
    lines = close.lines.select_related("region", "fund", "appropriation")
    return list(lines if within(user, close.region) else scoped(lines, user))
