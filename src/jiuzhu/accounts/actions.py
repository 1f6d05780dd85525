"""Shared guards for services: permission and region scope, checked on the server whatever the UI shows."""

from typing import Any

from jiuzhu.core.errors import ActionRefused

from .scoping import scope_path


def require(actor: Any, action: str) -> None:
    if not actor.can(action):
        raise ActionRefused("您没有执行此操作的权限")


def require_within(actor: Any, region: Any) -> None:
    if not region.path.startswith(scope_path(actor)):
        raise ActionRefused("该地区不在您的管辖范围内")
