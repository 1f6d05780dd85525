"""Read an allocation/adjustment table a clerk keeps in Excel (XLSX) or CSV into domain lines.

The layout is Attachment 1's: a header row naming 调减/调增 (the two-row header is fine), an optional 合计
row, one row per region. Amounts are in the table's unit (单位：万元 unless it says 元). Every bad cell is a
problem with its row and column; nothing is read half-way.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from jiuzhu.core.errors import InvalidInput
from jiuzhu.core.tables import read_table
from jiuzhu.domain.allocation import AdjustmentLine, DeclaredRow, Totals
from jiuzhu.domain.factor import Factor
from jiuzhu.domain.money import MoneyError, parse_amount
from jiuzhu.domain.problems import Problem, Where
from jiuzhu.domain.regions import RegionTree

MAX_BYTES = 5 * 1024 * 1024
HEADERS = {
    "region": ("地区", "地（州、市）", "县（市）", "单位", "mof_div_code", "财政区划代码"),
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


def read_rows(data: bytes) -> tuple[str, list[list[str]]]:
    """(sheet name, rows as text) from XLSX/XLS content or CSV (UTF-8 or GB18030), by content
    (``jiuzhu.core.tables``). A file that cannot be read raises ValueError with the reason in Chinese."""
    try:
        table = read_table(data, max_bytes=MAX_BYTES)
    except InvalidInput as exc:
        raise ValueError("；".join(p.message for p in exc.problems)) from exc
    return table.sheet or "CSV", [[_cell_text(c) for c in row] for row in table.rows]


def _cell_text(value: object) -> str:
    # Spreadsheet numbers arrive as float; their shortest repr is the number the clerk typed.
    if isinstance(value, float):
        return repr(value).removesuffix(".0")
    return str(value).strip()


def parse_table(sheet: str, rows: list[list[str]], tree: RegionTree, *, unit: str = "万元") -> ReadTable:
    header_index = next((i for i, r in enumerate(rows) if any("调减" in c for c in r)), None)
    if header_index is None:
        return ReadTable(
            [], [], None, [Problem("NO_HEADER", "未找到表头（应包含“调减”“调增”列）", Where(sheet=sheet))]
        )
    if any("单位" in c and "元" in c and "万元" not in c for r in rows[:header_index] for c in r):
        unit = "元"
    columns = _columns(rows[header_index : header_index + 2])
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
    lines, declared, problems = [], [], []
    total: Totals | None = None
    for number, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        name = _at(row, columns["region"])
        if not name or name in {"1", "2", "3"} or all(not c for c in row):
            continue
        values, cell_problems = _amounts(row, columns, sheet, number, unit)
        problems += cell_problems
        if cell_problems:
            continue
        if name == "合计":
            total = _totals(values)
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
    return ReadTable(lines, declared, total, problems)


def _columns(header_rows: list[list[str]]) -> dict[str, int]:
    found: dict[str, int] = {}
    for row in header_rows:
        for index, title in enumerate(row):
            clean = "".join(title.split())
            for key, names in HEADERS.items():
                if key not in found and clean in names:
                    found[key] = index
    return found


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
