"""``{% if user|can:"documents.generate" %}``: the permission table, asked from a template."""

from typing import Any

from django import template

register = template.Library()


@register.filter
def can(user: Any, action: str) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.can(action))
