"""What the year-end commands share: the acting user and the region, read from the options."""

import datetime
from typing import Any

from django.core.management.base import CommandError

from jiuzhu.ledger.management.commands._imports import actor_for
from jiuzhu.regions.models import Region
from jiuzhu.regions.selectors import find_region

__all__ = ["actor_for", "date_arg", "region_for"]


def region_for(key: str | None, actor: Any) -> Region:
    """The named region, else the actor's own (the system operator's is the root of the tree)."""
    if not key:
        return actor.region  # type: ignore[no-any-return]
    region = find_region(key)
    if region is None:
        raise CommandError(f"未知的地区：{key}")
    return region


def date_arg(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"日期应写作 YYYY-MM-DD：{value}") from exc
