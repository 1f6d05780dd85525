"""What the checker compares a notice against: regions and their history, budget units, codes, tags."""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..regions import NameSpan, RegionNode, RegionTree, normalise_name

INCOME, EXPENDITURE = "income", "expenditure"
GOV_ECONOMIC, DEPT_ECONOMIC = "gov_economic", "dept_economic"
KIND_LABELS = {
    INCOME: "收入分类",
    EXPENDITURE: "支出功能分类",
    GOV_ECONOMIC: "政府预算支出经济分类",
    DEPT_ECONOMIC: "部门预算支出经济分类",
}


@dataclass(frozen=True)
class CodeRef:
    kind: str
    """``income``, ``expenditure`` (功能分类), ``gov_economic`` or ``dept_economic`` (经济分类)."""
    name: str


@dataclass(frozen=True)
class Reference:
    """What the checker compares a notice against."""

    tree: RegionTree
    issuer_code: str
    """The issuing region (its area bounds the regions a table may name)."""
    budget_units: Mapping[str, str] = field(default_factory=dict)
    """Budget-unit name → the region code it belongs to (地区社会福利院 → 654200)."""
    codes: Mapping[tuple[int, str], CodeRef] = field(default_factory=dict)
    """(fiscal year, code) → the code's kind and name."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """直达资金标识 code → name."""
    history: Sequence[NameSpan] = ()
    """Names of the area over time (沙湾县 until 2021, then 沙湾市)."""

    def resolve(self, name: str) -> str | None:
        """The region code a name stands for: a region (by any of its names), a former name, or a budget
        unit's region."""
        node = self.tree.find(name)
        if node is not None:
            return node.code
        key = normalise_name(name)
        former = next((s for s in self.history if s.name == key), None)
        return former.region if former else self.budget_units.get(key)

    def node(self, name: str) -> RegionNode | None:
        code = self.resolve(name)
        return self.tree.find(code) if code and self.tree.find(code) else None

    def spans_of(self, name: str) -> list[NameSpan]:
        key = normalise_name(name)
        return [s for s in self.history if s.name == key]

    def is_known(self, name: str) -> bool:
        return self.resolve(name) is not None

    def code_years(self) -> list[int]:
        return sorted({year for year, _ in self.codes})

    def nearest_code_year(self, year: int) -> int | None:
        """The year itself when its codes are loaded, else the nearest loaded year (the later on a tie)."""
        years = self.code_years()
        if not years:
            return None
        return min(years, key=lambda y: (abs(y - year), -y))


def span_note(span: NameSpan) -> str:
    if span.valid_to:
        return f"{span.valid_to.year}年{span.valid_to.month}月{span.valid_to.day}日起不再使用"
    if span.valid_from:
        return f"{span.valid_from.year}年{span.valid_from.month}月{span.valid_from.day}日起使用"
    return ""


def name_on(ref: Reference, region: str, day: datetime.date) -> str | None:
    """The name the region had on ``day`` according to the history (None when the history says nothing)."""
    for span in ref.history:
        if span.region == region and span.valid_on(day):
            return span.name
    return None


def seed_reference(issuer_code: str = "654200") -> Reference:
    """The reference shipped in ``jiuzhu/data`` (regions.json, classification_codes.json), as the demo loads it."""
    from ..classification import shipped, shipped_codes
    from ..regions import load_seed_history, load_seed_tree, seed_data

    return Reference(
        tree=load_seed_tree(),
        issuer_code=issuer_code,
        budget_units={normalise_name(u["name"]): u["region"] for u in seed_data()["budget_units"]},
        codes={(c.fiscal_year, c.code): CodeRef(c.kind, c.name) for c in shipped_codes()},
        tags={t["code"]: t["name"] for t in shipped()["direct_fund_tags"]},
        history=load_seed_history(),
    )
