"""政府收支分类科目 over the years: the shipped codes hold for a span of fiscal years (valid_from…valid_to);
the reference tables are keyed by (year, code), so each code is carried into every year of its span."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class YearCode:
    fiscal_year: int
    kind: str
    """``income``, ``expenditure``, ``gov_economic`` or ``dept_economic``."""
    code: str
    name: str
    purpose: str = ""


def per_year(entries: list[dict[str, Any]]) -> Iterator[YearCode]:
    """One entry per fiscal year of each code's span (an entry with ``fiscal_year`` is that year alone)."""
    for e in entries:
        first = int(e.get("valid_from") or e["fiscal_year"])
        last = int(e.get("valid_to") or e.get("fiscal_year") or first)
        for year in range(first, last + 1):
            yield YearCode(year, e["kind"], e["code"], e["name"], e.get("purpose", ""))


def shipped() -> dict[str, Any]:
    text = resources.files("jiuzhu.data").joinpath("classification_codes.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def shipped_codes() -> list[YearCode]:
    return list(per_year(shipped()["codes"]))
