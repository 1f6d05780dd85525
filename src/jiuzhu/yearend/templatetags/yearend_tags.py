"""元 as a clerk reads them: 1,234,567.89 (``domain.money.format_yuan``); empty for no figure."""

from decimal import Decimal

from django import template

from jiuzhu.domain.money import format_yuan

register = template.Library()


@register.filter
def yuan(value: Decimal | None) -> str:
    return "" if value is None else format_yuan(value)
