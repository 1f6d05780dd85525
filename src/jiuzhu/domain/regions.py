"""The 财政区划 tree: GB/T 2260 codes, 9-character mof_div_code, names and aliases.

A region here is a level of government. Units below a government (地区社会福利院) are budget units of that
level, not regions.
"""

import datetime
import json
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import resources
from typing import Any


class Level(StrEnum):
    PROVINCE = "province"
    PREFECTURE = "prefecture"
    COUNTY = "county"


def mof_div_code(code: str) -> str:
    """6-digit 行政区划 code → 9-character 财政区划代码 of the government itself (654200 → 654200000)."""
    if len(code) == 9:
        return code
    if len(code) != 6 or not code.isdigit():
        raise ValueError(f"“{code}”不是6位行政区划代码")
    return code + "000"


def normalise_name(name: str) -> str:
    return unicodedata.normalize("NFKC", name).strip().replace(" ", "")


@dataclass(frozen=True)
class RegionNode:
    code: str
    """6-digit GB/T 2260 code."""
    name: str
    """Full official name (和布克赛尔蒙古自治县)."""
    short_name: str
    """The name tables print (和布克赛尔县; 地区本级 for the prefecture's own level)."""
    level: Level
    parent: str | None
    sort_order: int = 0
    aliases: tuple[str, ...] = field(default=())

    @property
    def mof_div_code(self) -> str:
        return mof_div_code(self.code)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, self.short_name, *self.aliases)


class RegionTree:
    """Lookup by code, name or alias; ancestry; the order tables print in."""

    def __init__(self, nodes: Iterable[RegionNode]) -> None:
        self._by_code = {n.code: n for n in nodes}
        self._by_name: dict[str, str] = {}
        for node in self._by_code.values():
            for name in node.names:
                self._by_name.setdefault(normalise_name(name), node.code)

    def __iter__(self) -> Iterator[RegionNode]:
        return iter(self.ordered())

    def get(self, code: str) -> RegionNode:
        return self._by_code[code[:6]]

    def find(self, key: str) -> RegionNode | None:
        """A region by 6- or 9-digit code, name, short name or alias; None when unknown."""
        key = normalise_name(key)
        if key.isdigit() and len(key) in (6, 9):
            return self._by_code.get(key[:6])
        code = self._by_name.get(key)
        return self._by_code[code] if code else None

    def ancestors(self, code: str) -> list[str]:
        chain, parent = [], self.get(code).parent
        while parent:
            chain.append(parent)
            parent = self._by_code[parent].parent if parent in self._by_code else None
        return chain

    def is_within(self, code: str, area: str) -> bool:
        """True when ``code`` is ``area`` or lies below it."""
        return code[:6] == area[:6] or area[:6] in self.ancestors(code)

    def children(self, code: str) -> list[RegionNode]:
        return sorted((n for n in self._by_code.values() if n.parent == code[:6]), key=self.sort_key)

    def sort_key(self, node: RegionNode) -> tuple[int, int, str]:
        return (len(self.ancestors(node.code)), node.sort_order, node.code)

    def ordered(self) -> list[RegionNode]:
        """Depth-first, each level in its sort order: a parent, then its children."""
        roots = [n for n in self._by_code.values() if n.parent not in self._by_code]
        out: list[RegionNode] = []

        def walk(node: RegionNode) -> None:
            out.append(node)
            for child in self.children(node.code):
                walk(child)

        for root in sorted(roots, key=self.sort_key):
            walk(root)
        return out

    def position(self, code: str) -> int:
        return [n.code for n in self.ordered()].index(code[:6])


@dataclass(frozen=True)
class NameSpan:
    """A region's name over a span of time (GB/T 2260 changes: 沙湾县 became 沙湾市 in 2021).

    A former name has ``valid_to`` (the first day it was no longer the name) and points at the region that
    carries on (``region``); the current name of a region that was renamed has ``valid_from``.
    """

    name: str
    region: str
    """6-digit code of the region as it is now (沙湾市 654203 for 沙湾县)."""
    code: str | None = None
    """The code the name had (654223 for 沙湾县), when it differs from ``region``."""
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None
    source: str = ""

    def valid_on(self, day: datetime.date) -> bool:
        starts = self.valid_from is None or self.valid_from <= day
        return starts and (self.valid_to is None or day < self.valid_to)


def _day(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def name_spans(data: dict[str, Any]) -> tuple[NameSpan, ...]:
    """The ``history`` list of a regions data file as spans."""
    return tuple(
        NameSpan(
            name=h["name"],
            region=h["region"],
            code=h.get("code"),
            valid_from=_day(h.get("valid_from")),
            valid_to=_day(h.get("valid_to")),
            source=h.get("source", ""),
        )
        for h in data.get("history", [])
    )


def seed_data() -> dict[str, Any]:
    text = resources.files("jiuzhu.data").joinpath("regions.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def load_seed_history() -> tuple[NameSpan, ...]:
    """The name history shipped in ``jiuzhu/data/regions.json``."""
    return name_spans(seed_data())


def load_seed_tree() -> RegionTree:
    """The tree shipped in ``jiuzhu/data/regions.json`` (塔城地区 and its counties)."""
    data = seed_data()
    return RegionTree(
        RegionNode(
            code=r["code"],
            name=r["name"],
            short_name=r["short_name"],
            level=Level(r["level"]),
            parent=r["parent"],
            sort_order=r["sort_order"],
            aliases=tuple(r["aliases"]),
        )
        for r in data["regions"]
    )
