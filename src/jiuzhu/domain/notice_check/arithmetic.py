"""Each table's arithmetic: the formulas its header states, each column's 合计, each 小计 or group.

Messages give the figure written and the figure expected, in the table's own unit. A row that breaks a formula
is named once: the 合计 is compared with the rows' values as the formula computes them, so one wrong cell
does not also make its column's 合计 wrong.
"""

from decimal import Decimal

from ..problems import Problem, Where
from .tables import Column, Row, Table
from .text import plain


def _amount(value: Decimal, table: Table) -> str:
    return f"{plain(value)}{table.unit_label}"


def _at(row: Row, column: Column) -> Where:
    return Where(row=row.line.number, column=column.label, entity=row.name)


def row_formulas(table: Table) -> list[Problem]:
    """Every row that is not a 合计, 小计 or group head satisfies each formula of the header (4=3-2, 5=1+4, 合计=各栏之和)."""
    problems = []
    heads = {id(h) for h, cands in _groups(table) if h.kind == "group" and cands[0]}
    for row in table.rows:
        if row.kind in ("total", "subtotal") or id(row) in heads:  # their figures are sums of rows
            continue
        for column in table.columns:
            if not (column.formula or column.sums_others) or column.index >= len(row.values):
                continue
            written, expected = row.values[column.index], table.effective(row, column)
            if written is None or expected is None or written == expected:
                continue
            problems.append(
                Problem(
                    "ROW_SUM_MISMATCH",
                    f"{row.name}的“{column.label}”填为{_amount(written, table)}，按{column.rule}应为"
                    f"{_amount(expected, table)}",
                    _at(row, column),
                    numbers={"stated": written, "computed": expected, "unit": table.unit_label},
                )
            )
    return problems


def _groups(table: Table) -> list[tuple[Row, list[list[Row]]]]:
    """Each 小计 or group head with the detail rows it may sum: those after it and those before it."""
    rows = table.rows
    heads = [k for k, r in enumerate(rows) if r.kind in ("subtotal", "group", "total")]
    out = []
    for k, row in enumerate(rows):
        if row.kind not in ("subtotal", "group"):
            continue
        after_end = next((h for h in heads if h > k), len(rows))
        before_start = max((h for h in heads if h < k), default=-1) + 1
        after = [r for r in rows[k + 1 : after_end] if r.kind == "detail"]
        before = [r for r in rows[before_start:k] if r.kind == "detail"]
        if row.kind == "group" or _total_first(table):
            out.append((row, [after, before]))
        else:
            out.append((row, [before, after]))
    return out


def _total_first(table: Table) -> bool:
    total = table.total_row
    return total is not None and table.rows.index(total) < len(table.rows) // 2


def _sum(table: Table, rows: list[Row], column: Column) -> Decimal | None:
    values = [table.effective(r, column) for r in rows]
    return sum((v for v in values if v is not None), Decimal(0)) if rows else None


def detail_rows(table: Table) -> list[Row]:
    """The rows a 合计 adds up: details, and group heads that have no details of their own."""
    heads_with_rows = {id(h) for h, cands in _groups(table) if h.kind == "group" and cands[0]}
    return [
        r for r in table.rows if r.kind == "detail" or (r.kind == "group" and id(r) not in heads_with_rows)
    ]


def subtotals(table: Table) -> list[Problem]:
    """A 小计 (or a group head 一、…) equals the sum of its group's rows."""
    problems = []
    for row, candidates in _groups(table):
        if not candidates[0] and not candidates[1]:
            continue
        for column in table.columns:
            if column.index >= len(row.values) or row.values[column.index] is None:
                continue
            written = row.values[column.index]
            sums = [_sum(table, rows, column) for rows in candidates if rows]
            if written in sums or not sums:
                continue
            expected = sums[0]
            assert written is not None and expected is not None
            problems.append(
                Problem(
                    "SUBTOTAL_MISMATCH",
                    f"{row.name}的“{column.label}”填为{_amount(written, table)}，所属各行相加应为"
                    f"{_amount(expected, table)}",
                    _at(row, column),
                    numbers={"stated": written, "computed": expected, "unit": table.unit_label},
                )
            )
    return problems


def totals(table: Table) -> list[Problem]:
    """The 合计 row (first or last) against the rows it adds up, column by column."""
    total = table.total_row
    if total is None:
        return []
    rows = detail_rows(table)
    problems = []
    for column in table.columns:
        if column.index >= len(total.values) or total.values[column.index] is None:
            continue
        written = total.values[column.index]
        expected = _sum(table, rows, column)
        if expected is None or written == expected:
            continue
        assert written is not None
        problems.append(
            Problem(
                "TOTAL_MISMATCH",
                f"合计行的“{column.label}”填为{_amount(written, table)}，各行相加应为{_amount(expected, table)}",
                _at(total, column),
                numbers={"stated": written, "computed": expected, "unit": table.unit_label},
            )
        )
    return problems


def table_problems(table: Table) -> list[Problem]:
    return row_formulas(table) + subtotals(table) + totals(table)
