"""Read an allocation/adjustment table a clerk keeps in Excel (XLSX) or CSV into domain lines.

The layout is Attachment 1's: a header row naming 调减/调增 (the two-row header is fine), an optional 合计
row, one row per region. Amounts are in the table's unit (单位：万元 unless it says 元, or the column title
says （万元）/（元）). Every bad cell is a problem with its row and column — the row of the file; nothing is read
half-way. Every export of ``exports`` reads back: the XLSX 附件1, the CSV and the JSON (in 元).
"""

import json
import re
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from jiuzhu.core.errors import InvalidInput
from jiuzhu.core.tables import read_table
from jiuzhu.domain.allocation import AdjustmentLine, DeclaredRow, Totals, validate_lines
from jiuzhu.domain.factor import Factor
from jiuzhu.domain.money import MoneyError, parse_amount
from jiuzhu.domain.problems import Problem, Where
from jiuzhu.domain.regions import RegionTree

MAX_BYTES = 5 * 1024 * 1024
HEADERS = {
    "region": ("地区", "地（州、市）", "县（市）", "单位", "name", "mof_div_code", "财政区划代码"),
    "base": ("自治区补助资金额度", "补助资金额度", "原额度", "base"),
    "decrease": ("调减资金情况", "调减", "decrease"),
    "increase": ("调增资金情况", "调增", "increase"),
    "net": ("调整数小计", "net"),
    "final": ("调整后各地实际安排资金合计", "调整后合计", "final"),
}


@dataclass(frozen=True)
class ReadTable:
    lines: list[AdjustmentLine]
    declared: list[DeclaredRow]
    declared_total: Totals | None
    problems: list[Problem]
    sheet: str = ""
    row_numbers: tuple[int, ...] = ()
    """The file's row of each line."""
    total_row: int | None = None
    """The file's row of the 合计 row."""

    def validate(self, tree: RegionTree, issuer_code: str) -> list[Problem]:
        """The reading problems, or else the table's problems (``validate_lines``) at the file's rows."""
        if self.problems:
            return self.problems
        problems = validate_lines(
            self.lines,
            tree=tree,
            issuer_code=issuer_code,
            declared=self.declared,
            declared_total=self.declared_total,
            row_numbers=self.row_numbers,
            total_row=self.total_row,
        )
        return [replace(p, where=replace(p.where, sheet=self.sheet)) for p in problems]

    def at_file_rows(self, problems: list[Problem]) -> list[Problem]:
        """Problems a service found in the lines (rows 1…n, the lines' order) at the file's rows instead."""

        def row(number: int | None) -> int | None:
            if number is not None and 1 <= number <= len(self.row_numbers):
                return self.row_numbers[number - 1]
            return number

        return [replace(p, where=replace(p.where, sheet=self.sheet, row=row(p.where.row))) for p in problems]


JSON_COLUMNS = ("name", "base", "decrease", "increase", "net", "final")


def read_rows(data: bytes) -> tuple[str, list[list[str]]]:
    """(sheet name, rows as text) from XLSX/XLS content, CSV (UTF-8 or GB18030), by content
    (``jiuzhu.core.tables``), or the JSON export. A file that cannot be read raises ValueError with the reason
    in Chinese."""
    if data.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"{":
        return "JSON", _json_rows(data)
    try:
        table = read_table(data, max_bytes=MAX_BYTES)
    except InvalidInput as exc:
        raise ValueError("；".join(p.message for p in exc.problems)) from exc
    return table.sheet or "CSV", [[_cell_text(c) for c in row] for row in table.rows]


def _json_rows(data: bytes) -> list[list[str]]:
    """The JSON export as a table in 元: 单位, header, 合计, one row per region (the JSON's rows from row 4)."""
    if len(data) > MAX_BYTES:
        raise ValueError(f"文件超过{MAX_BYTES // (1024 * 1024)} MB，请拆分后再导入")
    try:
        document = json.loads(data.decode("utf-8-sig"))
        total, lines = document["total"], document["rows"]
        rows = [["单位：元"], list(JSON_COLUMNS)]
        rows.append(["合计", *(str(total[k]) for k in JSON_COLUMNS[1:])])
        rows += [[str(r[k]) for k in JSON_COLUMNS] for r in lines]
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError("JSON文件不是本系统导出的分配表（应有 total 与 rows）") from exc
    return rows


def _cell_text(value: object) -> str:
    # Spreadsheet numbers arrive as float; their shortest repr is the number the clerk typed.
    if isinstance(value, float):
        return repr(value).removesuffix(".0")
    return str(value).strip()


def parse_table(sheet: str, rows: list[list[str]], tree: RegionTree, *, unit: str = "万元") -> ReadTable:
    header_index = next(
        (i for i, r in enumerate(rows) if any("调减" in c or c == "decrease" for c in r)), None
    )
    if header_index is None:
        return ReadTable(
            [], [], None, [Problem("NO_HEADER", "未找到表头（应包含“调减”“调增”列）", Where(sheet=sheet))]
        )
    if any("单位" in c and "元" in c and "万元" not in c for r in rows[:header_index] for c in r):
        unit = "元"
    # A two-row header whose merged titles (地区, 额度) sit in the row above the one naming 调减.
    header = rows[max(header_index - 1, 0) : header_index + 2]
    columns, title_unit = _columns(header)
    unit = title_unit or unit
    missing = [k for k in ("region", "base", "decrease", "increase") if k not in columns]
    if missing:
        return ReadTable(
            [],
            [],
            None,
            [
                Problem(
                    "MISSING_COLUMN",
                    f"缺少列：{'、'.join(HEADERS[k][0] for k in missing)}",
                    Where(sheet=sheet, row=header_index + 1),
                )
            ],
        )
    lines, declared, problems, numbers = [], [], [], []
    total: Totals | None = None
    total_row: int | None = None
    for number, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        name = _at(row, columns["region"])
        if not name or name in {"1", "2", "3"} or all(not c for c in row):
            continue
        values, cell_problems = _amounts(row, columns, sheet, number, unit)
        problems += cell_problems
        if cell_problems:
            continue
        if name == "合计":
            total, total_row = _totals(values), number
            continue
        node = tree.find(name)
        code = node.code if node else name
        lines.append(
            AdjustmentLine(
                code,
                values["base"] or Decimal(0),
                values["decrease"] or Decimal(0),
                values["increase"] or Decimal(0),
            )
        )
        declared.append(DeclaredRow(net=values.get("net"), final=values.get("final")))
        numbers.append(number)
    return ReadTable(lines, declared, total, problems, sheet, tuple(numbers), total_row)


_TITLE_UNIT = re.compile(r"[（(](万元|元)[）)]$")


def _columns(header_rows: list[list[str]]) -> tuple[dict[str, int], str]:
    """Each known column's index, and the unit the amount columns' titles state (the CSV export's （万元）)."""
    found: dict[str, int] = {}
    units: set[str] = set()
    for row in header_rows:
        for index, title in enumerate(row):
            clean = "".join(title.split())
            stated = _TITLE_UNIT.search(clean)
            if stated:
                clean = clean[: stated.start()]
            if clean.endswith(
                "补助资金额度"
            ):  # 自治区… or 中央…, as the export titles it by the fund's source
                clean = "补助资金额度"
            for key, names in HEADERS.items():
                if key not in found and clean in names:
                    found[key] = index
                    if stated and key != "region":
                        units.add(stated.group(1))
    return found, units.pop() if len(units) == 1 else ""


def _at(row: list[str], index: int) -> str:
    return row[index].strip() if index < len(row) else ""


def _amounts(
    row: list[str],
    columns: dict[str, int],
    sheet: str,
    number: int,
    unit: str,
) -> tuple[dict[str, Decimal | None], list[Problem]]:
    values: dict[str, Decimal | None] = {}
    problems = []
    for key in ("base", "decrease", "increase", "net", "final"):
        text = _at(row, columns[key]) if key in columns else ""
        if not text:
            values[key] = None
            continue
        try:
            values[key] = parse_amount(text, unit=unit)
        except MoneyError as exc:
            problems.append(
                Problem("BAD_AMOUNT", str(exc), Where(sheet=sheet, row=number, column=HEADERS[key][0]))
            )
    return values, problems


def _totals(values: dict[str, Decimal | None]) -> Totals:
    zero = Decimal(0)
    base, dec, inc = (values[k] or zero for k in ("base", "decrease", "increase"))
    return Totals(
        base=base,
        decrease=dec,
        increase=inc,
        net=values["net"] if values["net"] is not None else inc - dec,
        final=values["final"] if values["final"] is not None else base + inc - dec,
    )


@dataclass(frozen=True)
class FactorTable:
    region_codes: list[str]
    factors: list[Factor]
    problems: list[Problem]


def parse_factor_table(sheet: str, rows: list[list[str]], tree: RegionTree) -> FactorTable:
    """地区 | factor… header, a 权重 row of weights, then one row per region with the factor values."""
    rows = [r for r in rows if any(c.strip() for c in r)]
    if len(rows) < 3 or rows[0][0].strip() not in HEADERS["region"]:
        return FactorTable(
            [], [], [Problem("NO_HEADER", "第一行应为表头：地区、各因素名称", Where(sheet=sheet, row=1))]
        )
    names = [c.strip() for c in rows[0][1:] if c.strip()]
    problems: list[Problem] = []
    weights = [_decimal(rows[1], i + 1, sheet, 2, names[i], problems) for i in range(len(names))]
    if rows[1][0].strip() != "权重":
        problems.append(Problem("NO_WEIGHTS", "第二行应为“权重”行", Where(sheet=sheet, row=2)))
    codes: list[str] = []
    values: list[dict[str, Decimal]] = [{} for _ in names]
    for number, row in enumerate(rows[2:], start=3):
        node = tree.find(row[0])
        if node is None:
            problems.append(
                Problem(
                    "UNKNOWN_REGION", f"未知的地区“{row[0]}”", Where(sheet=sheet, row=number, column="地区")
                )
            )
            continue
        codes.append(node.code)
        for i, name in enumerate(names):
            values[i][node.code] = _decimal(row, i + 1, sheet, number, name, problems)
    factors = [Factor(name, weights[i], values[i]) for i, name in enumerate(names)]
    return FactorTable(codes, factors, problems)


def _decimal(
    row: list[str], index: int, sheet: str, number: int, column: str, problems: list[Problem]
) -> Decimal:
    text = _at(row, index).replace(",", "") or "0"
    try:
        value = Decimal(text)
        if not value.is_finite():
            raise InvalidOperation
        return value
    except InvalidOperation:
        problems.append(
            Problem("BAD_NUMBER", f"“{text}”不是有效的数值", Where(sheet=sheet, row=number, column=column))
        )
        return Decimal(0)
