"""Allocation and adjustment tables: (1) base, (2) decrease, (3) increase, (4)=(3)−(2), (5)=(1)+(4).

Validation returns every problem of a table at once; the arithmetic is exact in 元.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .money import format_yuan
from .problems import Problem, Where
from .regions import RegionTree

ZERO = Decimal("0.00")

COLUMNS = {
    "base": "自治区补助资金额度",
    "decrease": "调减资金情况",
    "increase": "调增资金情况",
    "net": "调整数小计",
    "final": "调整后各地实际安排资金合计",
}


@dataclass(frozen=True)
class AdjustmentLine:
    """One region's row of an adjustment table, in 元."""

    region_code: str
    base: Decimal = ZERO
    """(1) what the region had before this plan."""
    decrease: Decimal = ZERO
    """(2) 调减."""
    increase: Decimal = ZERO
    """(3) 调增."""

    @property
    def net(self) -> Decimal:
        """(4) = (3) − (2)."""
        return self.increase - self.decrease

    @property
    def final(self) -> Decimal:
        """(5) = (1) + (4)."""
        return self.base + self.net


@dataclass(frozen=True)
class Totals:
    base: Decimal
    decrease: Decimal
    increase: Decimal
    net: Decimal
    final: Decimal


def totals(lines: Sequence[AdjustmentLine]) -> Totals:
    """The 合计 row."""
    return Totals(
        base=sum((x.base for x in lines), ZERO),
        decrease=sum((x.decrease for x in lines), ZERO),
        increase=sum((x.increase for x in lines), ZERO),
        net=sum((x.net for x in lines), ZERO),
        final=sum((x.final for x in lines), ZERO),
    )


@dataclass(frozen=True)
class DeclaredRow:
    """Figures a table states for (4) and (5) — from a file or a notice — to be checked against the arithmetic."""

    net: Decimal | None = None
    final: Decimal | None = None


def validate_lines(
    lines: Sequence[AdjustmentLine],
    *,
    tree: RegionTree,
    issuer_code: str,
    declared: Sequence[DeclaredRow] | None = None,
    declared_total: Totals | None = None,
    row_numbers: Sequence[int] | None = None,
    total_row: int | None = None,
) -> list[Problem]:
    """Every problem of the table: regions, signs, the decrease/base rule, and stated sums that do not add up.

    Problems name the line's place in the table (1…n) unless ``row_numbers`` gives each line's row in the file
    it was read from, and ``total_row`` the 合计 row's."""
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for index, line in enumerate(lines, start=1):
        number = row_numbers[index - 1] if row_numbers is not None else index
        problems += _region_problems(line, number, tree=tree, issuer_code=issuer_code, seen=seen)
        problems += _amount_problems(line, number, _label(tree, line.region_code))
        if declared is not None and index <= len(declared):
            problems += _declared_row_problems(
                line, declared[index - 1], number, _label(tree, line.region_code)
            )
    if declared_total is not None:
        problems += _declared_total_problems(totals(lines), declared_total, total_row)
    return problems


def _label(tree: RegionTree, code: str) -> str:
    node = tree.find(code)
    return node.short_name if node else code


def _region_problems(
    line: AdjustmentLine, index: int, *, tree: RegionTree, issuer_code: str, seen: dict[str, int]
) -> list[Problem]:
    node = tree.find(line.region_code)
    where = Where(row=index, column="地区", entity=line.region_code)
    if node is None:
        return [Problem("UNKNOWN_REGION", f"未知的地区“{line.region_code}”", where)]
    if node.code in seen:
        return [
            Problem(
                "DUPLICATE_REGION",
                f"{node.short_name}重复出现（已在第{seen[node.code]}行）",
                where,
                numbers={"first_row": seen[node.code]},
            )
        ]
    seen[node.code] = index
    if not tree.is_within(node.code, issuer_code):
        issuer = tree.find(issuer_code)
        issuer_name = issuer.name if issuer else issuer_code
        return [Problem("OUTSIDE_AREA", f"{node.name}不在发文机关（{issuer_name}）的管辖范围内", where)]
    return []


def _amount_problems(line: AdjustmentLine, index: int, label: str) -> list[Problem]:
    problems = []
    for key in ("base", "decrease", "increase"):
        value: Decimal = getattr(line, key)
        if value < 0:
            problems.append(
                Problem(
                    "NEGATIVE_AMOUNT",
                    f"{label}的{COLUMNS[key]}不能为负数（{format_yuan(value)}元）",
                    Where(row=index, column=COLUMNS[key], entity=line.region_code),
                    numbers={key: value},
                )
            )
    if line.decrease > line.base >= 0:
        problems.append(
            Problem(
                "DECREASE_ABOVE_BASE",
                f"{label}调减{format_yuan(line.decrease)}元，超过原额度{format_yuan(line.base)}元",
                Where(row=index, column=COLUMNS["decrease"], entity=line.region_code),
                numbers={"base": line.base, "decrease": line.decrease},
            )
        )
    if line.final < 0:
        problems.append(
            Problem(
                "NEGATIVE_FINAL",
                f"{label}调整后金额为负数（{format_yuan(line.final)}元）",
                Where(row=index, column=COLUMNS["final"], entity=line.region_code),
                numbers={"final": line.final},
            )
        )
    return problems


def _declared_row_problems(
    line: AdjustmentLine, stated: DeclaredRow, index: int, label: str
) -> list[Problem]:
    problems = []
    for key, computed, rule in (("net", line.net, "4=3-2"), ("final", line.final, "5=1+4")):
        value = getattr(stated, key)
        if value is not None and value != computed:
            problems.append(
                Problem(
                    "ROW_SUM_MISMATCH",
                    f"{label}的{COLUMNS[key]}填为{format_yuan(value)}元，按{rule}应为{format_yuan(computed)}元",
                    Where(row=index, column=COLUMNS[key], entity=line.region_code),
                    numbers={"stated": value, "computed": computed},
                )
            )
    return problems


def _declared_total_problems(computed: Totals, stated: Totals, row: int | None) -> list[Problem]:
    problems = []
    for key, title in COLUMNS.items():
        value, expected = getattr(stated, key), getattr(computed, key)
        if value != expected:
            problems.append(
                Problem(
                    "TOTAL_MISMATCH",
                    f"合计行的{title}填为{format_yuan(value)}元，各行相加为{format_yuan(expected)}元",
                    Where(row=row, column=title, entity="合计"),
                    numbers={"stated": value, "computed": expected},
                )
            )
    return problems


def in_tree_order(lines: Sequence[AdjustmentLine], tree: RegionTree) -> list[AdjustmentLine]:
    """Rows in the order tables print them (the tree's order), so 序号 runs 1…n."""
    return sorted(lines, key=lambda line: tree.position(line.region_code))
