"""The one money field: Decimal 元 in Python, a BIGINT count of 分 in the database.

Sums are integer sums on SQLite and PostgreSQL alike, so they are exact (Django's DecimalField on SQLite goes
through floats).
"""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.expressions import Combinable

from jiuzhu.domain.money import MoneyError, from_fen, parse_amount, to_fen


class MoneyField(models.BigIntegerField):  # type: ignore[type-arg]
    description = "金额（以分存储）"
    # What django-stubs reports as the attribute's types: Decimal 元, whatever the column holds.
    _pyi_private_set_type: Decimal | Combinable  # type: ignore[assignment]
    _pyi_private_get_type: Decimal  # type: ignore[assignment]

    def from_db_value(self, value: int | None, expression: Any, connection: Any) -> Decimal | None:
        return None if value is None else from_fen(int(value))

    def to_python(self, value: Any) -> Decimal | None:
        if value is None or isinstance(value, Decimal):
            return value
        try:
            return parse_amount(value if isinstance(value, str) else str(value))
        except MoneyError as exc:
            raise ValidationError(str(exc)) from exc

    def get_prep_value(self, value: Any) -> int | None:
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            value = Decimal(value)
        if not isinstance(value, Decimal):
            raise TypeError(f"MoneyField takes Decimal 元, not {type(value).__name__}")
        return to_fen(value)

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        # Expressions (F(), Sum()) pass through untouched; only plain values are converted to fen.
        if hasattr(value, "resolve_expression"):
            return value
        return value if prepared else self.get_prep_value(value)

    def formfield(self, form_class: Any = None, choices_form_class: Any = None, **kwargs: Any) -> Any:
        from django import forms

        return forms.CharField(**{"max_length": 32, **kwargs})


class OptionalText(models.CharField):  # type: ignore[type-arg]
    """An optional text of an imported row, read as "" whether the cell was empty or the file had no such column.
    The column is NULL in the second case: a bulk load leaves it out and the database evaluates nothing for it
    (a default costs time per row on a million-row COPY)."""

    _pyi_private_set_type: str
    _pyi_private_get_type: str

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs["null"] = True
        super().__init__(*args, **kwargs)

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str:
        return "" if value is None else value
