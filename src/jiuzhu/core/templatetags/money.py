"""``{{ amount|yuan }}``: 元 with thousands separators and two places (1,234,567.80) — as tables print money."""

from decimal import Decimal
from typing import Any

from django import template

from jiuzhu.domain.money import format_yuan

register = template.Library()


@register.filter
def yuan(value: Any) -> str:
    if value is None or value == "":
        return ""
    return format_yuan(Decimal(str(value)))


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    """``{{ d|get_item:key }}``: a dict's value by a variable key."""
    return mapping.get(key) if hasattr(mapping, "get") else None
