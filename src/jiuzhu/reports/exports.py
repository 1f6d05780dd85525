"""Attachment 3's layout as XLSX and PDF: title, 单位：万元, 县市（单位）名称, the notice's header row, 合计 then the
numbered lines, the 说明 notes and the rounding note. Amounts in 万元 with two decimals (``domain.usage_report``:
合计 half up, lines by largest remainder, so the printed lines add up to the printed 合计).

The first column holds the 县市（单位）名称 (the notice's header cell); the second the 合计 and the line numbers
before the fund's name, as the notice's blank form has them.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string

from jiuzhu.core.spreadsheet import safe_text
from jiuzhu.domain.usage_report import (
    HEADER_ROW,
    NAME_LABEL,
    NOTES,
    ROUNDING_NOTE,
    TITLE,
    UNIT_NOTE,
    Line,
    percent_text,
    printed,
    units_text,
)
from jiuzhu.regions.models import BudgetUnit, Region

from .figures import ledger_lines


@dataclass(frozen=True)
class Entry:
    """A line of the printed table, with the region it belongs to and the county's explanations."""

    region: Region
    line: Line
    reason: str = ""
    measures: str = ""


@dataclass(frozen=True)
class Table:
    name: str
    period: str
    rows: list[list[str]]
    """合计 first, then the numbered lines; each as the ten printed cells"""


def table(name: str, period: str, entries: Sequence[Entry]) -> Table:
    lines = [e.line for e in entries]
    p = printed(lines)
    total_amount = sum((x.amount for x in lines), Decimal(0))
    total_paid = sum((x.paid for x in lines), Decimal(0))
    total_rate = percent_text(total_paid * 100 / total_amount if total_amount > 0 else None)
    rows = [
        [
            name,
            "合计",
            "",
            units_text(p.total_amount),
            units_text(p.total_paid),
            "",
            units_text(p.total_unpaid),
            total_rate,
            "",
            "",
        ]
    ]
    for i, e in enumerate(entries):
        rows.append(
            [
                e.line.unit or e.region.short_name,
                f"{i + 1}．{e.line.fund}",
                e.line.doc_no,
                units_text(p.amount[i]),
                units_text(p.paid[i]),
                "、".join(e.line.purposes),
                units_text(p.unpaid[i]),
                percent_text(e.line.rate),
                e.reason,
                e.measures,
            ]
        )
    return Table(name, period, rows)


AMOUNT_COLUMNS = (3, 4, 6)


def measures_text(line: Any) -> str:
    if not line.measures:
        return ""
    return f"{line.measures}（{line.measures_due:%Y年%m月%d日}前）" if line.measures_due else line.measures


def report_table(report: Any) -> Table:
    """One region's report with its stored figures and the county's explanations."""
    from .selectors import report_lines

    rows = list(report.lines.all())
    entries = [
        Entry(report.region, line, row.reason, measures_text(row))
        for row, line in zip(rows, report_lines(report), strict=True)
    ]
    name = report.unit.name if report.unit_id and report.unit else report.region.name
    return table(name, f"{report.year}年{report.month}月", entries)


def consolidated_table(region: Region, c: Any, name: str = "") -> Table:
    """An area's consolidation (``selectors.consolidated``): every reporting region's lines in one table."""
    entries = []
    for row in c.rows:
        stored = list(row["report"].lines.all()) if row["report"] else []
        for i, line in enumerate(row["lines"]):
            extra = stored[i] if i < len(stored) else None
            entries.append(
                Entry(
                    row["region"], line, extra.reason if extra else "", measures_text(extra) if extra else ""
                )
            )
    return table(name or f"{region.name}（汇总）", f"{c.year}年{c.month}月", entries)


def export(
    region: Region, year: int, month: int, suffix: str, user: Any, unit: BudgetUnit | None = None
) -> bytes:
    """The file for ``jiuzhu export usage-report`` and the export page: a prefecture (or any region with
    regions below it) gets the consolidation, a county its own report (its ledger figures if none is open),
    a budget unit its report (likewise)."""
    from .selectors import consolidated, visible_reports

    if suffix not in (".xlsx", ".pdf"):
        raise ValueError("只支持 .xlsx 或 .pdf")
    if region.level == "county" or unit is not None:
        report = visible_reports(user).filter(region=region, unit=unit, year=year, month=month).first()
        if report is not None:
            t = report_table(report)
        elif unit is not None:
            entries = [Entry(region, line) for line in ledger_lines(region, year, month, unit)]
            t = table(unit.name, f"{year}年{month}月", entries)
        else:
            c = consolidated(user, region=region, year=year, month=month)
            t = consolidated_table(region, c, name=region.name)
    else:
        t = consolidated_table(region, consolidated(user, region=region, year=year, month=month))
    return write_xlsx(t) if suffix == ".xlsx" else write_pdf(t)


def write_xlsx(t: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "跟踪反馈表"
    width = len(HEADER_ROW)
    ws.append([f"{TITLE}（{t.period}）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws["A1"].font = Font(size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append([f"{NAME_LABEL}{t.name}"] + [""] * (width - 2) + [UNIT_NOTE])
    ws.append(list(HEADER_ROW))
    for row in t.rows:
        cells: list[object] = [safe_text(c) for c in row]
        for c in AMOUNT_COLUMNS:
            cells[c] = Decimal(row[c].replace(",", ""))
        ws.append(cells)
    thin = Side(style="thin")
    for r in ws.iter_rows(min_row=3, max_row=3 + len(t.rows)):
        for cell in r:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            if cell.column - 1 in AMOUNT_COLUMNS and cell.row > 3:
                cell.number_format = "#,##0.00"
    for note in (*NOTES, ROUNDING_NOTE):
        ws.append([note])
    for col, w in zip("ABCDEFGHIJ", (14, 30, 22, 12, 12, 26, 12, 10, 26, 26), strict=True):
        ws.column_dimensions[col].width = w
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def write_pdf(t: Table) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "reports/print.html",
        {
            "title": TITLE,
            "t": t,
            "unit": UNIT_NOTE,
            "name_label": NAME_LABEL,
            "header": [h.split(" ") for h in HEADER_ROW],
            "notes": (*NOTES, ROUNDING_NOTE),
            "amount_columns": AMOUNT_COLUMNS,
        },
    )
    return bytes(HTML(string=html).write_pdf())
