"""Tables of a GB/T 9704 DOCX: borders, centred cells in a given font, merged cells, header rows that repeat on
each page, and fixed column widths that both Word and LibreOffice read."""

from collections.abc import Iterable
from typing import Any

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Cell

from .docx_text import (
    FANGSONG,
    TBLPR_AFTER_BORDERS,
    TBLPR_AFTER_LAYOUT,
    insert_ordered,
    no_autospace,
    text_run,
)


def table_borders(
    table: Table, *, top: int = 4, bottom: int = 4, inside_h: int = 4, sides: bool = True
) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side, size in (
        ("top", top),
        ("left", 4 if sides else 0),
        ("bottom", bottom),
        ("right", 4 if sides else 0),
        ("insideH", inside_h),
        ("insideV", 4 if sides else 0),
    ):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "single" if size else "nil")
        edge.set(qn("w:sz"), str(size))
        edge.set(qn("w:space"), "0")
        edge.set(qn("w:color"), "000000")
        borders.append(edge)
    insert_ordered(tbl_pr, borders, TBLPR_AFTER_BORDERS)


def fill_cell(
    cell: _Cell,
    text: str,
    *,
    size: float = 12,
    family: str = FANGSONG,
    align: Any = WD_ALIGN_PARAGRAPH.CENTER,
    bold: bool = False,
) -> None:
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph = cell.paragraphs[0]
    no_autospace(paragraph._p.get_or_add_pPr())
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(size * 1.35)
    fmt.first_line_indent = Pt(0)
    for i, line in enumerate(text.split("\n")):
        if i:
            paragraph.add_run().add_break(WD_BREAK.LINE)
        text_run(paragraph, line, family=family, size=size, bold=bold, spacing=None)


def repeat_header(table: Table, rows: int) -> None:
    """The first ``rows`` rows repeat at the top of each page the table runs onto."""
    for row in table.rows[:rows]:
        flag = OxmlElement("w:tblHeader")
        row._tr.get_or_add_trPr().append(flag)


def merge(table: Table, start: tuple[int, int], end: tuple[int, int], text: str, **kw: Any) -> None:
    cell = table.cell(*start).merge(table.cell(*end))
    fill_cell(cell, text, **kw)


def fix_widths(table: Table, widths_mm: Iterable[float]) -> None:
    """Fixed column widths, in the grid (which LibreOffice reads) and on every cell (which Word reads)."""
    widths = [Mm(w) for w in widths_mm]
    table.autofit = False
    tbl = table._tbl
    for col, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=False):
        col.set(qn("w:w"), str(width.twips))
    tbl_w = tbl.tblPr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        tbl.tblPr.append(tbl_w)
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(sum(w.twips for w in widths)))
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    insert_ordered(tbl.tblPr, layout, TBLPR_AFTER_LAYOUT)
    for tr in tbl.tr_lst:
        col = 0
        for tc in tr.tc_lst:
            span = tc.grid_span
            tc.width = sum(widths[col : col + span], Mm(0))
            col += span
