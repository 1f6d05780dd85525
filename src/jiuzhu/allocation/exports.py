"""Attachment 1 (the allocation table) as XLSX in its official layout, CSV for Excel, and JSON in 元."""

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO

import xlsxwriter

from jiuzhu.core.spreadsheet import safe_text
from jiuzhu.domain.allocation import AdjustmentLine, in_tree_order, totals
from jiuzhu.domain.money import format_yuan, to_wan
from jiuzhu.domain.regions import RegionTree

from .models import Plan


@dataclass(frozen=True)
class TableRow:
    seq: int | None
    """序号; None on the 合计 row."""
    name: str
    mof_div_code: str
    line: AdjustmentLine


@dataclass(frozen=True)
class AllocationTable:
    title: str
    source_label: str
    total: TableRow
    rows: list[TableRow]


def build_table(plan: Plan, lines: Sequence[AdjustmentLine], tree: RegionTree) -> AllocationTable:
    """合计 first, then the regions in tree order numbered 1…n."""
    ordered = in_tree_order(lines, tree)
    rows = [
        TableRow(seq, tree.get(x.region_code).short_name, tree.get(x.region_code).mof_div_code, x)
        for seq, x in enumerate(ordered, start=1)
    ]
    t = totals(ordered)
    total = TableRow(None, "合计", "", AdjustmentLine("", t.base, t.decrease, t.increase))
    return AllocationTable(
        title=table_title(plan), source_label=plan.fund.source_label, total=total, rows=rows
    )


def table_title(plan: Plan) -> str:
    kind = "调整分配表" if plan.kind == Plan.ADJUSTMENT else "分配表"
    return f"{plan.fund.fiscal_year}年{plan.fund.source_label}财政{plan.fund.name}{kind}"


def _values(line: AdjustmentLine) -> list[Decimal]:
    return [line.base, line.decrease, line.increase, line.net, line.final]


def write_xlsx(table: AllocationTable, out: str | Path | IO[bytes]) -> None:
    """The official layout: title, 单位：万元, two-row merged header, the 1|2|3|4=3-2|5=1+4 row, then data."""
    wb = xlsxwriter.Workbook(out, {"in_memory": True})
    ws = wb.add_worksheet("附件1")
    title = wb.add_format(
        {"bold": True, "font_size": 16, "align": "center", "valign": "vcenter", "font_name": "方正小标宋简体"}
    )
    head = wb.add_format(
        {
            "bold": True,
            "border": 1,
            "align": "center",
            "valign": "vcenter",
            "text_wrap": True,
            "font_name": "黑体",
        }
    )
    cell = wb.add_format({"border": 1, "align": "center", "valign": "vcenter", "font_name": "仿宋_GB2312"})
    whole = all(
        v == v.to_integral_value() for r in [table.total, *table.rows] for v in map(to_wan, _values(r.line))
    )
    number = wb.add_format(
        {
            "border": 1,
            "align": "right",
            "valign": "vcenter",
            "font_name": "仿宋_GB2312",
            "num_format": "#,##0" if whole else "#,##0.00####",
        }
    )
    bold_number = wb.add_format(
        {"border": 1, "align": "right", "bold": True, "num_format": "#,##0" if whole else "#,##0.00####"}
    )
    ws.merge_range("A1:G1", table.title, title)
    ws.set_row(0, 36)
    ws.merge_range("A2:G2", "单位：万元", wb.add_format({"align": "right"}))
    ws.merge_range("A3:A4", "序号", head)
    ws.merge_range("B3:B4", "地（州、市）", head)
    ws.merge_range("C3:C4", f"{table.source_label}补助资金额度", head)
    ws.merge_range("D3:F3", "各地调整资金情况", head)
    ws.write_row("D4", ["调减资金情况", "调增资金情况", "调整数小计"], head)
    ws.merge_range("G3:G4", "调整后各地实际安排资金合计", head)
    ws.write_row("A5", ["", "", "1", "2", "3", "4=3-2", "5=1+4"], cell)
    for offset, row in enumerate([table.total, *table.rows]):
        r = 5 + offset
        ws.write(r, 0, "" if row.seq is None else row.seq, cell)
        ws.write_string(r, 1, safe_text(row.name), cell)
        for c, value in enumerate(_values(row.line), start=2):
            # The cell format itself is binary floating point; a whole number of fen in 万元 round-trips
            # to 6 decimals, which the number format shows exactly.
            ws.write_number(r, c, float(to_wan(value)), bold_number if row.seq is None else number)
    ws.set_column("A:A", 6)
    ws.set_column("B:B", 16)
    ws.set_column("C:G", 14)
    ws.set_row(2, 24)
    ws.set_row(3, 36)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(2, 4)
    ws.center_horizontally()
    wb.close()


CSV_HEADER = [
    "序号",
    "地区",
    "财政区划代码",
    "补助资金额度（万元）",
    "调减（万元）",
    "调增（万元）",
    "调整数小计（万元）",
    "调整后合计（万元）",
]


def write_csv(table: AllocationTable, out: IO[str]) -> None:
    """UTF-8 with BOM, so Excel and WPS open it in Chinese without asking."""
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for row in [table.total, *table.rows]:
        writer.writerow(
            [
                row.seq or "",
                safe_text(row.name),
                row.mof_div_code,
                *[f"{to_wan(v).normalize():f}" for v in _values(row.line)],
            ]
        )


def as_json(plan: Plan, table: AllocationTable) -> dict[str, object]:
    def amounts(line: AdjustmentLine) -> dict[str, str]:
        return {
            k: format_yuan(v, grouping=False)
            for k, v in zip(("base", "decrease", "increase", "net", "final"), _values(line), strict=True)
        }

    return {
        "doc_no": plan.doc_no,
        "title": table.title,
        "fiscal_year": plan.fund.fiscal_year,
        "unit": "元",
        "status": plan.status,
        "total": amounts(table.total.line),
        "rows": [
            {"seq": r.seq, "mof_div_code": r.mof_div_code, "name": r.name, **amounts(r.line)}
            for r in table.rows
        ],
    }


def render(table: AllocationTable, plan: Plan, suffix: str) -> bytes:
    """The export as bytes, by file suffix (.xlsx, .csv, .json)."""
    if suffix == ".xlsx":
        buffer = io.BytesIO()
        write_xlsx(table, buffer)
        return buffer.getvalue()
    if suffix == ".csv":
        text = io.StringIO(newline="")
        write_csv(table, text)
        return text.getvalue().encode("utf-8")
    if suffix == ".json":
        return json.dumps(as_json(plan, table), ensure_ascii=False, indent=2).encode("utf-8")
    raise ValueError(f"不支持的导出格式：{suffix}（可用 .xlsx、.csv、.json）")
