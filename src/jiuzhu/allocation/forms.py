"""Reading the editor's cells into domain lines, collecting every bad cell as a problem."""

from collections.abc import Mapping

from jiuzhu.domain.allocation import COLUMNS, AdjustmentLine
from jiuzhu.domain.money import MoneyError, parse_amount
from jiuzhu.domain.problems import Problem, Where

EDITABLE = ("base", "decrease", "increase")


def parse_cells(
    region_codes: list[str], cells: Mapping[str, str], *, unit: str = "万元"
) -> tuple[list[AdjustmentLine], list[Problem]]:
    """``cells`` maps ``{key}_{region_code}`` to the text typed; blank counts as zero."""
    lines, problems = [], []
    for index, code in enumerate(region_codes, start=1):
        values = {}
        for key in EDITABLE:
            text = (cells.get(f"{key}_{code}") or "").strip() or "0"
            try:
                values[key] = parse_amount(text, unit=unit)
            except MoneyError as exc:
                problems.append(
                    Problem("BAD_AMOUNT", str(exc), Where(row=index, column=COLUMNS[key], entity=code))
                )
        if len(values) == len(EDITABLE):
            lines.append(AdjustmentLine(code, **values))
    return lines, problems


def column_key(title: str) -> str:
    return next((k for k, t in COLUMNS.items() if t == title), "")
