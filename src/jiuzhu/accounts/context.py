"""Templates ask ``{% if can.allocation_edit %}``: the permission table, never a role name in a template."""

from typing import Any

from django.http import HttpRequest


class Can:
    """``can.<app>_<action>`` → whether the user may take ``<app>.<action>``."""

    def __init__(self, user: Any) -> None:
        self.user = user

    def __getitem__(self, key: str) -> bool:
        if not getattr(self.user, "is_authenticated", False):
            return False
        return bool(self.user.can(key.replace("_", ".", 1)))

    def __contains__(self, key: str) -> bool:
        return True


def permissions(request: HttpRequest) -> dict[str, Any]:
    return {"can": Can(getattr(request, "user", None))}
