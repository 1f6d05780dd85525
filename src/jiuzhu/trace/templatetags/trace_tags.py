from decimal import Decimal

from django import template

from jiuzhu.domain.money import format_yuan

register = template.Library()


@register.filter
def yuan(amount: Decimal | None) -> str:
    """``Decimal("1234.5")`` → ``1,234.50``; nothing for None."""
    return "" if amount is None else format_yuan(amount)


@register.filter
def diff_class(amount: Decimal) -> str:
    """``zero`` when a difference is nil, else ``open`` (shown highlighted)."""
    return "zero" if amount == 0 else "open"
