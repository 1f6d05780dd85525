"""Shared guards for services: permission and region scope, checked on the server whatever the UI shows."""

from typing import Any

from .errors import ActionRefused


def require(actor: Any, action: str) -> None:
    if not actor.can(action):
        raise ActionRefused("您没有执行此操作的权限")


def require_within(actor: Any, region: Any) -> None:
    from jiuzhu.accounts.scoping import scope_path

    if not region.path.startswith(scope_path(actor)):
        raise ActionRefused("该地区不在您的管辖范围内")
