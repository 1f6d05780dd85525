"""Shared guards for services: permission and region scope, checked on the server whatever the UI shows."""

from jiuzhu.core.errors import ActionRefused
from jiuzhu.regions.models import Region

from .actors import Actor
from .scoping import scope_path


def require(actor: Actor, action: str) -> None:
    if not actor.can(action):
        raise ActionRefused("您没有执行此操作的权限")


def require_within(actor: Actor, region: Region | None) -> None:
    """Refuses unless ``region`` is the actor's or below it (a user without a region has none)."""
    if region is None or not region.path.startswith(scope_path(actor)):
        raise ActionRefused("该地区不在您的管辖范围内")
