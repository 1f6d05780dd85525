"""Validation results: a list of problems, never an exception on the first one."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Where:
    """Where a problem sits: a sheet/row/column of a file, or an entity (region code, document number)."""

    sheet: str = ""
    row: int | None = None
    column: str = ""
    entity: str = ""

    def __str__(self) -> str:
        parts = []
        if self.sheet:
            parts.append(f"工作表“{self.sheet}”")
        if self.row is not None:
            parts.append(f"第{self.row}行")
        if self.column and (self.sheet or self.row is not None):
            parts.append(f"“{self.column}”列")  # a place in a file or table
        elif self.column:
            parts.append(self.column)  # a field of a form: 密码, 文号 — never “密码”列
        if self.entity:
            parts.append(self.entity)
        return "，".join(parts)


@dataclass(frozen=True)
class Problem:
    code: str
    """A stable machine code, e.g. ``DECREASE_ABOVE_BASE``."""
    message: str
    """The user's message, in Chinese."""
    where: Where = field(default_factory=Where)
    severity: Severity = Severity.ERROR
    numbers: Mapping[str, Decimal | int | str] = field(default_factory=dict)
    """The figures involved, so a user (or a test) can see why."""

    def __str__(self) -> str:
        place = str(self.where)
        return f"{place}：{self.message}" if place else self.message

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": str(self.severity),
            "message": self.message,
            "where": {
                "sheet": self.where.sheet,
                "row": self.where.row,
                "column": self.where.column,
                "entity": self.where.entity,
            },
            "text": str(self),
            "numbers": {k: str(v) for k, v in self.numbers.items()},
        }


def has_errors(problems: list[Problem]) -> bool:
    return any(p.severity is Severity.ERROR for p in problems)
