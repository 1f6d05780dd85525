"""Every amount table of a notice, whatever its columns.

A table is a run of rows ``[序号] name amount…`` with the header lines above it. The header may number its
columns and state formulas (``1 2 3 4=3-2 5=1+4``, ``合计（3=1+2）``) or title a column 合计 (the sum of the other
amount columns). Rows are details, a 合计 row (first or last), 小计 rows or group heads (一、…) that sum the
rows of their group. Amounts are in the unit the table states (单位：万元 or 元), decimals allowed.

Rows written one cell per line (a web page's table copied as text) are read too when a 单位 line or a title
introduces them: the header cells come first, then each row's cells.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ..money import WAN
from .text import Line, fold, number

TOTAL_NAMES = ("合计", "总计", "共计", "全区合计", "全地区合计", "全市合计", "全县合计", "合计数")
_GROUP_HEAD = re.compile(r"^([一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)])")
_FORMULA = re.compile(
    r"[（(]?(\d{1,2})[）)]?\s*=\s*((?:[（(]?\d{1,2}[）)]?\s*[+\-－—]\s*)+[（(]?\d{1,2}[）)]?)"
)
_COLUMN_NO = re.compile(r"^[（(]?(\d{1,2})[）)]?$")
_SUM_TITLES = ("合计", "小计", "总计", "合计金额", "金额合计", "资金合计", "小计金额", "合计数")
_NAME_HEADERS = ("地区", "单位", "名称", "乡镇", "县", "市", "项目", "地（州、市）", "区域")


@dataclass(frozen=True)
class Column:
    index: int
    """Position among the table's amount columns (0-based)."""
    number: int | None
    """The number the header gives the column (1, 2, … in ``1 2 3 4=3-2``)."""
    title: str
    formula: tuple[tuple[int, int], ...] = ()
    """(sign, column number) terms: ``4=3-2`` → ((1, 3), (-1, 2))."""
    sums_others: bool = False
    """A 合计 column: the sum of every other amount column."""

    @property
    def label(self) -> str:
        return self.title or (f"第{self.number}栏" if self.number else f"第{self.index + 1}个金额栏")

    @property
    def rule(self) -> str:
        if self.formula:
            terms = "".join(("+" if s > 0 else "-") + str(n) for s, n in self.formula).lstrip("+")
            return f"{self.number}={terms}"
        return "合计=各栏之和" if self.sums_others else ""


@dataclass(frozen=True)
class Row:
    line: Line
    seq: int | None
    name: str
    values: tuple[Decimal | None, ...]
    kind: str = "detail"
    """``detail``, ``total`` (合计), ``subtotal`` (小计) or ``group`` (一、… heading a group)."""


@dataclass
class Table:
    rows: list[Row]
    unit: Decimal = WAN
    """元 per written unit."""
    unit_label: str = "万元"
    header: list[Line] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    title: str = ""

    @property
    def width(self) -> int:
        return max((len(r.values) for r in self.rows), default=0)

    @property
    def total_row(self) -> Row | None:
        return next((r for r in self.rows if r.kind == "total"), None)

    @property
    def named_rows(self) -> list[Row]:
        """Rows that name a region, unit or township (not 合计/小计)."""
        return [r for r in self.rows if r.kind in ("detail", "group")]

    def column(self, number: int) -> Column | None:
        return next((c for c in self.columns if c.number == number), None)

    def main_column(self) -> Column | None:
        """The column whose total is the notice's figure: the last formula result, a 合计 column, the last."""
        results = [c for c in self.columns if c.formula]
        used = {n for c in results for _, n in c.formula}
        final = [c for c in results if c.number not in used]
        if final:
            return final[-1]
        sums = [c for c in self.columns if c.sums_others]
        return sums[0] if sums else (self.columns[-1] if self.columns else None)

    def effective(self, row: Row, column: Column) -> Decimal | None:
        """The row's value of the column as its formula computes it (as written when it has none)."""
        if column.formula:
            total = Decimal(0)
            for sign, n in column.formula:
                operand = self.column(n)
                value = self.effective(row, operand) if operand and operand is not column else None
                if value is None:
                    return None
                total += sign * value
            return total
        if column.sums_others:
            others = [row.values[c.index] if c.index < len(row.values) else None for c in self.columns]
            parts = [v for c, v in zip(self.columns, others, strict=True) if c is not column]
            present = [v for v in parts if v is not None]
            return None if len(present) < len(parts) else sum(present, Decimal(0))
        return row.values[column.index] if column.index < len(row.values) else None

    def main_total(self) -> Decimal | None:
        """The table's total of the main column, in 元: the rows' sum (the 合计 row when there are no rows)."""
        column = self.main_column()
        if column is None:
            return None
        details = [self.effective(r, column) for r in self.rows if r.kind == "detail"]
        if any(v is not None for v in details):
            return sum((v for v in details if v is not None), Decimal(0)) * self.unit
        total = self.total_row
        if total is not None and column.index < len(total.values) and total.values[column.index] is not None:
            return total.values[column.index] * self.unit  # type: ignore[operator]
        return None

    def column_totals(self) -> list[Decimal]:
        """Every column's total in 元, as the 合计 row writes it and as the rows add up (the 正文 may quote
        either: 其中中央补助…)."""
        total = self.total_row
        out = []
        for column in self.columns:
            if (
                total is not None
                and column.index < len(total.values)
                and total.values[column.index] is not None
            ):
                out.append(total.values[column.index] * self.unit)  # type: ignore[operator]
            values = [self.effective(r, column) for r in self.rows if r.kind == "detail"]
            out.append(sum((v for v in values if v is not None), Decimal(0)) * self.unit)
        return out


def row_kind(name: str) -> str:
    folded = fold(name)
    if folded in TOTAL_NAMES:
        return "total"
    if folded.endswith(("小计", "合计")) or folded.startswith("其中"):
        return "subtotal"
    if _GROUP_HEAD.match(folded):
        return "group"
    return "detail"


def parse_row(line: Line) -> Row | None:
    """``[序号] name amount… [备注]``; None for a header or text line."""
    cells = line.cells
    while cells and not cells[0]:
        cells = cells[1:]
    if len(cells) < 2:
        return None
    seq = None
    if cells[0].isdigit() and len(cells) > 2 and number(cells[1]) is None and cells[1]:
        seq, cells = int(cells[0]), cells[1:]
    name = cells[0]
    if not name or number(name) is not None or "=" in name:
        return None
    values: list[Decimal | None] = []
    for cell in cells[1:]:
        if not cell:
            values.append(None)
            continue
        value = number(cell)
        if value is None:
            break
        values.append(value)
    while values and values[-1] is None:
        values.pop()
    if not any(v is not None for v in values):
        return None
    return Row(line, seq, name, tuple(values), row_kind(name))


def find_tables(lines: Sequence[Line]) -> list[Table]:
    tables: list[Table] = []
    current: Table | None = None
    unit, unit_label = WAN, "万元"
    for i, line in enumerate(lines):
        if line.text.startswith("单位") or "单位：" in line.text or "单位:" in line.text:
            unit, unit_label = (WAN, "万元") if "万元" in line.text else (Decimal(1), "元")
        row = parse_row(line) if line.is_table_row else None
        if row is not None:
            if current is None:
                current = Table(rows=[], unit=unit, unit_label=unit_label, header=_header(lines, i))
                current.title = _title(lines, i)
                tables.append(current)
            current.rows.append(row)
        elif line.text:
            current = None
    tables += one_cell_per_line(lines)
    for table in tables:
        table.columns = columns(table)
    return sorted(tables, key=lambda t: t.rows[0].line.number)


def _header(lines: Sequence[Line], at: int) -> list[Line]:
    """The table-row lines right above the first row (header cells, column numbers)."""
    out: list[Line] = []
    i = at - 1
    while i >= 0 and (lines[i].is_table_row or not lines[i].text or _COLUMN_NO.match(lines[i].text)):
        if lines[i].text:
            out.insert(0, lines[i])
        i -= 1
    return out


def _title(lines: Sequence[Line], at: int) -> str:
    for i in range(at - 1, max(at - 12, -1), -1):
        text = lines[i].text
        if text and not lines[i].is_table_row and not text.startswith("单位") and text.endswith("表"):
            return text
    return ""


def columns(table: Table) -> list[Column]:
    """The amount columns with the titles, numbers and formulas the header gives them."""
    width = table.width
    labels: list[list[str]] = [[] for _ in range(width)]
    first = table.rows[0].line.cells
    offset = next((k for k, c in enumerate(first) if number(c) is not None and k > 0), None)
    for line in table.header:
        cells = line.cells
        filled = [c for c in cells if c]
        if offset is not None and ("\t" in line.raw or "|" in line.raw) and len(cells) > offset:
            for k in range(width):
                if offset + k < len(cells) and cells[offset + k]:
                    labels[k].append(cells[offset + k])
        elif len(filled) == width:
            for k, cell in enumerate(filled):
                labels[k].append(cell)
        elif len(filled) > width:  # the name columns' headers first, then one per amount column
            for k, cell in enumerate(filled[-width:]):
                labels[k].append(cell)
    out: list[Column] = []
    for k in range(width):
        text = "".join(fold(x) for x in labels[k])
        m = _FORMULA.search(text)
        numbered = [int(n[1]) for x in labels[k] if (n := _COLUMN_NO.match(fold(x)))]
        col_no = int(m[1]) if m else (numbered[-1] if numbered else None)
        formula = _terms(m[2]) if m else ()
        title = "".join(
            fold(x) for x in labels[k] if not _COLUMN_NO.match(fold(x)) and not _FORMULA.fullmatch(fold(x))
        )
        title = _FORMULA.sub("", title).strip("（）()")
        out.append(Column(k, col_no, title, formula))
    if any(c.formula for c in out) and any(c.number is None for c in out):
        out = [Column(c.index, c.index + 1, c.title, c.formula) for c in out]
    if not any(c.formula for c in out) and width >= 3:
        sums = [c for c in out if c.title in _SUM_TITLES]
        if len(sums) == 1:
            out = [Column(c.index, c.number, c.title, c.formula, c is sums[0]) for c in out]
    return out


def _terms(text: str) -> tuple[tuple[int, int], ...]:
    terms = []
    for sign, n in re.findall(r"([+\-－—]?)\s*[（(]?(\d{1,2})[）)]?", text):
        terms.append((-1 if sign in ("-", "－", "—") else 1, int(n)))
    return tuple(terms)


# ------------------------------------------------------------------------------------ one cell per line


def one_cell_per_line(lines: Sequence[Line]) -> list[Table]:
    """Tables copied from a web page with each cell on a line of its own, under a 单位 line or a title."""
    tables = []
    i = 0
    while i < len(lines):
        text = lines[i].text
        starts = text.startswith("单位") or (text.endswith("表") and len(text) >= 6)
        if starts and not lines[i].is_table_row:
            table, end = _cells_table(lines, i + 1)
            if table:
                tables.append(table)
                i = end
                continue
        i += 1
    return tables


def _cells_table(lines: Sequence[Line], start: int) -> tuple[Table | None, int]:
    cells: list[Line] = []
    i = start
    while i < len(lines) and (not lines[i].text or _cell_like(lines[i])):
        if lines[i].text:
            cells.append(lines[i])
        i += 1
    if len(cells) < 6:
        return None, start
    head = 0
    while head < len(cells) and number(cells[head].text) is None:
        head += 1
    if head >= len(cells):
        return None, start
    seq_header = cells[0].text in ("序号", "编号")
    row_start = head if seq_header else head - 1
    headers = [c.text for c in cells[:row_start]]
    names = [k for k, h in enumerate(headers) if any(w in h for w in _NAME_HEADERS) and "金额" not in h]
    if not names or row_start < 2:
        return None, start
    width = len(headers) - names[0] - 1
    rows = _cells_rows(cells[row_start:], width) if width > 0 else []
    if len(rows) < 2:
        return None, start
    table = Table(rows=rows, unit=WAN, unit_label="万元")
    unit_line = next((ln for ln in lines[max(start - 3, 0) : start] if ln.text.startswith("单位")), None)
    if unit_line and "万元" not in unit_line.text:
        table.unit, table.unit_label = Decimal(1), "元"
    table.header = [Line(cells[0].number, cells[0].text, "\t".join(headers[names[0] + 1 :]))]
    return table, i


def _cell_like(line: Line) -> bool:
    return len(line.text) <= 24 and not line.is_table_row and not re.search("[，。；]", line.text)


def _cells_rows(cells: Sequence[Line], width: int) -> list[Row]:
    """[序号] name then ``width`` amounts, row after row."""
    rows = []
    k = 0
    while k < len(cells):
        seq = None
        if cells[k].text.isdigit() and k + 1 < len(cells) and number(cells[k + 1].text) is None:
            seq, k = int(cells[k].text), k + 1
        if k >= len(cells) or number(cells[k].text) is not None:
            break
        name_line = cells[k]
        values = [number(c.text) for c in cells[k + 1 : k + 1 + width]]
        if len(values) < width or any(v is None for v in values):
            break
        rows.append(Row(name_line, seq, name_line.text, tuple(values), row_kind(name_line.text)))
        k += 1 + width
    return rows
