"""What the year-end commands share: the acting user and the region, read from the options."""

import datetime
from typing import Any

from django.core.management.base import CommandError

from jiuzhu.accounts.models import User
from jiuzhu.ledger.actors import SystemActor
from jiuzhu.regions.models import Region
from jiuzhu.regions.selectors import find_region


def actor_for(username: str | None) -> Any:
    """The named active user, else the command line's system operator."""
    if not username:
        return SystemActor()
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"用户{username}不存在或已停用")
    return user


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
