"""Regional performance target sets (绩效目标表), as Attachment 2 of a notice prints them.

For now the sets live in one data file, ``jiuzhu/data/performance_targets_2022.json`` (the table of
塔地财社〔2022〕82号, reconstructed); the performance issue will take that file over. Amounts (资金情况) are
not part of a set: a notice fills them from its plan.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any

DATA_FILE = "performance_targets_2022.json"


@dataclass(frozen=True)
class Indicator:
    level1: str
    """一级指标, e.g. 产出指标."""
    level2: str
    """二级指标, e.g. 数量指标."""
    level3: str
    """三级指标, e.g. 低保对象人数."""
    value: str
    """指标值 as printed: ``≥95%``, 应保尽保, 收到补助资金后30日内, or blank (still to be set)."""


@dataclass(frozen=True)
class Column:
    """A decomposition column: a region (printed with the tree's short name) or a budget unit of a region."""

    region_code: str
    unit: str = ""


@dataclass(frozen=True)
class TargetSet:
    fund: str
    fiscal_year: int
    title: str
    project: str
    provincial_finance: str
    """省级财政部门 (自治区财政厅)."""
    provincial_department: str
    """省级主管部门 (自治区民政厅)."""
    local_department: str
    """地区主管部门."""
    columns: tuple[Column, ...]
    goals: tuple[str, ...]
    """年度总体目标, numbered as printed."""
    indicators: tuple[Indicator, ...]


def _target_set(raw: dict[str, Any]) -> TargetSet:
    return TargetSet(
        fund=raw["fund"],
        fiscal_year=raw["fiscal_year"],
        title=raw["title"],
        project=raw["project"],
        provincial_finance=raw["provincial_finance"],
        provincial_department=raw["provincial_department"],
        local_department=raw["local_department"],
        columns=tuple(Column(region_code=c["region"], unit=c.get("unit", "")) for c in raw["decomposition"]),
        goals=tuple(raw["goals"]),
        indicators=tuple(Indicator(**i) for i in raw["indicators"]),
    )


def load_target_sets() -> list[TargetSet]:
    data = json.loads(resources.files("jiuzhu.data").joinpath(DATA_FILE).read_text(encoding="utf-8"))
    return [_target_set(raw) for raw in data["sets"]]


def target_set_for(fund: str, fiscal_year: int) -> TargetSet | None:
    """The shipped target set of a fund and year, or None when there is none."""
    return next((s for s in load_target_sets() if s.fund == fund and s.fiscal_year == fiscal_year), None)


def grouped(indicators: tuple[Indicator, ...]) -> list[tuple[Indicator, int, int]]:
    """Each indicator with the row spans of its 一级 and 二级 labels (0: merged into the row above)."""
    out = []
    for i, ind in enumerate(indicators):
        first1 = i == 0 or indicators[i - 1].level1 != ind.level1
        first2 = first1 or indicators[i - 1].level2 != ind.level2
        span1 = _run(indicators, i, lambda x: x.level1) if first1 else 0
        span2 = _run(indicators, i, lambda x: (x.level1, x.level2)) if first2 else 0
        out.append((ind, span1, span2))
    return out


def _run(indicators: tuple[Indicator, ...], start: int, key: Callable[[Indicator], object]) -> int:
    n = 1
    while start + n < len(indicators) and key(indicators[start + n]) == key(indicators[start]):
        n += 1
    return n
