"""The notice as DOCX (python-docx), laid out per GB/T 9704 so that Word and WPS show it as issued.

Fonts are named per the standard (仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312) with the East-Asian
attributes set and the theme font attributes removed, since Word lets a theme font override an explicit
one; the document language is zh-CN. Pages: A4, 37 mm top, 28 mm left, 版心 156 × 225 mm, 3号 body at a
fixed 28.95 pt pitch; page numbers "— n —" outside (odd right, even left).

The order is GB/T 9704's: the 正文 (ending with the 成文日期), each attachment in its own landscape section,
then the 版记 in a last portrait section that starts on an even page (Word and LibreOffice insert a blank page
before it when the attachments end on an even page; LibreOffice's PDF export leaves such pages out unless its
IsSkipEmptyPages option is false), with no page number, its content at the bottom of the page. The
attachments' page numbers continue the 正文's.
"""

import io
import math
from collections.abc import Iterable
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph as DocxParagraph

from jiuzhu.domain.notice import Notice, Style, cn_date, signature_indent, text_width

FANGSONG, XIAOBIAOSONG, HEITI, KAITI, SONGTI = "仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312", "宋体"
RED = RGBColor(0xFF, 0x00, 0x00)
BODY_PT, PITCH_PT = 16.0, 28.95
#: 版心 height in pt (225 mm) and the run spacing that fits 28 characters of 3号 in 156 mm.
PAGE_PT = 225 / 25.4 * 72
CHAR_SPACING_TWIPS = -5
THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


# The order OOXML requires of the children that are added here (Word refuses a file that breaks it).
_PPR_AFTER_AUTOSPACE = (
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
_PPR_AFTER_PBDR = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    *_PPR_AFTER_AUTOSPACE,
)
_RPR_AFTER_SPACING = (
    "w:w",
    "w:kern",
    "w:position",
    "w:sz",
    "w:szCs",
    "w:highlight",
    "w:u",
    "w:effect",
    "w:bdr",
    "w:shd",
    "w:fitText",
    "w:vertAlign",
    "w:rtl",
    "w:cs",
    "w:em",
    "w:lang",
    "w:eastAsianLayout",
    "w:specVanish",
    "w:oMath",
)
_SECTPR_AFTER_VALIGN = (
    "w:noEndnote",
    "w:titlePg",
    "w:textDirection",
    "w:bidi",
    "w:rtlGutter",
    "w:docGrid",
    "w:printerSettings",
    "w:sectPrChange",
)
_TBLPR_AFTER_LAYOUT = ("w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription")
_TBLPR_AFTER_BORDERS = ("w:shd", "w:tblLayout", *_TBLPR_AFTER_LAYOUT)


def _insert(parent: Any, child: Any, before: tuple[str, ...]) -> None:
    """Add ``child`` before the first existing child named in ``before`` (schema order), else at the end."""
    tags = {qn(t) for t in before}
    for existing in parent:
        if existing.tag in tags:
            existing.addprevious(child)
            return
    parent.append(child)


# ------------------------------------------------------------------------------------------------ fonts


def _set_fonts(rpr: Any, family: str) -> None:
    """Explicit fonts on every script, the East-Asian hint, and no theme attribute to override them."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in THEME_ATTRS:
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), family)
    rfonts.set(qn("w:hint"), "eastAsia")


def _run(
    paragraph: DocxParagraph,
    text: str,
    *,
    family: str = FANGSONG,
    size: float = BODY_PT,
    color: RGBColor | None = None,
    bold: bool = False,
    spacing: int | None = CHAR_SPACING_TWIPS,
) -> None:
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    rpr = run._r.get_or_add_rPr()
    _set_fonts(rpr, family)
    if spacing:
        sp = OxmlElement("w:spacing")
        sp.set(qn("w:val"), str(spacing))
        _insert(rpr, sp, _RPR_AFTER_SPACING)


def _no_autospace(ppr: Any) -> None:
    """No extra gap between Chinese and Arabic numerals (set per paragraph: LibreOffice ignores the style)."""
    for name, before in (
        ("w:autoSpaceDE", ("w:autoSpaceDN", *_PPR_AFTER_AUTOSPACE)),
        ("w:autoSpaceDN", _PPR_AFTER_AUTOSPACE),
    ):
        flag = OxmlElement(name)
        flag.set(qn("w:val"), "0")
        _insert(ppr, flag, before)


def _prepare_styles(document: DocxDocument) -> None:
    """Normal = 3号仿宋_GB2312 at the fixed pitch; no theme fonts anywhere; language zh-CN."""
    styles = document.styles.element
    for rfonts in styles.iter(qn("w:rFonts")):
        for attr in THEME_ATTRS:
            rfonts.attrib.pop(qn(attr), None)
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr, FANGSONG)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal = document.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    _set_fonts(normal.element.get_or_add_rPr(), FANGSONG)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(PITCH_PT)
    fmt.space_before = fmt.space_after = Pt(0)
    ppr = normal.element.get_or_add_pPr()
    _no_autospace(ppr)
    settings = document.settings.element
    theme_lang = settings.find(qn("w:themeFontLang"))  # present in python-docx's default settings
    theme_lang.set(qn("w:val"), "zh-CN")
    theme_lang.set(qn("w:eastAsia"), "zh-CN")


# --------------------------------------------------------------------------------------------- paragraphs


def _para(
    container: Any,
    text: str = "",
    *,
    align: Any = None,
    family: str = FANGSONG,
    size: float = BODY_PT,
    color: RGBColor | None = None,
    pitch: float = PITCH_PT,
    before: float = 0,
    first_indent_chars: float = 0,
    left_chars: float = 0,
    right_chars: float = 0,
    spacing: int | None = CHAR_SPACING_TWIPS,
) -> DocxParagraph:
    paragraph: DocxParagraph = container.add_paragraph()
    _no_autospace(paragraph._p.get_or_add_pPr())
    fmt = paragraph.paragraph_format
    if align is not None:
        paragraph.alignment = align
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(pitch)
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(0)
    if first_indent_chars:
        fmt.first_line_indent = Pt(first_indent_chars * size)
    if left_chars:
        fmt.left_indent = Pt(left_chars * size)
    if right_chars:
        fmt.right_indent = Pt(right_chars * size)
    if text:
        _run(paragraph, text, family=family, size=size, color=color, spacing=spacing)
    return paragraph


def _border(paragraph: DocxParagraph, side: str, *, size_eighths: int, color: str) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        _insert(ppr, borders, _PPR_AFTER_PBDR)
    edge = OxmlElement(f"w:{side}")
    edge.set(qn("w:val"), "single")
    edge.set(qn("w:sz"), str(size_eighths))
    edge.set(qn("w:space"), "0")
    edge.set(qn("w:color"), color)
    borders.append(edge)


def _page_field(paragraph: DocxParagraph, size: float) -> None:
    """— PAGE — in 4号 宋体."""
    _run(paragraph, "— ", family=SONGTI, size=size, spacing=None)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        run.font.size = Pt(size)
        _set_fonts(run._r.get_or_add_rPr(), SONGTI)
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            t = OxmlElement("w:t")
            t.text = text
            run._r.append(t)
    _run(paragraph, " —", family=SONGTI, size=size, spacing=None)


def _footers(section: Section) -> None:
    """Odd pages: number on the right, one character in; even pages: on the left."""
    for footer, align, key in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right_indent"),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left_indent"),
    ):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.alignment = align
        setattr(paragraph.paragraph_format, key, Pt(14))
        _page_field(paragraph, 14)


def _portrait(section: Section) -> None:
    s = section
    s.orientation = WD_ORIENT.PORTRAIT
    s.page_width, s.page_height = Mm(210), Mm(297)
    s.top_margin, s.bottom_margin, s.left_margin, s.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
    s.footer_distance = Mm(35 - 7 - 5)  # the number's top 7 mm below the 版心
    s.header_distance = Mm(15)
    # No snapping to a document grid: every paragraph sets its exact pitch (a grid would double the title's).
    grid = s._sectPr.find(qn("w:docGrid"))
    if grid is not None:
        s._sectPr.remove(grid)


def _landscape(document: DocxDocument) -> Section:
    section: Section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = (
        Mm(28),
        Mm(26),
        Mm(37),
        Mm(35),
    )
    section.footer_distance = Mm(26 - 7 - 5)
    return section


# ---------------------------------------------------------------------------------------- the main text


def _write_head(document: DocxDocument, notice: Notice) -> None:
    _para(document, pitch=35 / 25.4 * 72)  # the 发文机关标志 stands 35 mm below the top of the 版心
    table = document.add_table(rows=1, cols=2 if notice.mark_suffix else 1)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    names = table.cell(0, 0)
    names.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    names.width = Mm(90)
    for i, name in enumerate(notice.issuers):
        paragraph = names.paragraphs[0] if i == 0 else names.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.DISTRIBUTE
        paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        paragraph.paragraph_format.line_spacing = Pt(40)
        _run(paragraph, name, family=XIAOBIAOSONG, size=30, color=RED, spacing=None)
    if notice.mark_suffix:
        cell = table.cell(0, 1)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        cell.width = Mm(40)
        paragraph = cell.paragraphs[0]
        paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        paragraph.paragraph_format.line_spacing = Pt(56)
        paragraph.paragraph_format.left_indent = Mm(4)
        _run(paragraph, notice.mark_suffix, family=XIAOBIAOSONG, size=50, color=RED, spacing=80)
    _para(document, notice.doc_no, align=WD_ALIGN_PARAGRAPH.CENTER, before=2 * PITCH_PT, spacing=None)
    line = _para(document, pitch=4 / 25.4 * 72)  # the red line 4 mm below the 发文字号, as wide as the 版心
    _border(line, "bottom", size_eighths=18, color="FF0000")
    title = _para(document, align=WD_ALIGN_PARAGRAPH.CENTER, pitch=33, before=2 * PITCH_PT)
    for i, text in enumerate(notice.lines_of_title):
        if i:
            title.add_run().add_break(WD_BREAK.LINE)
        _run(title, text, family=XIAOBIAOSONG, size=22, spacing=None)
    _para(document, notice.addressees, before=PITCH_PT)


def _write_body(document: DocxDocument, notice: Notice) -> None:
    """The 正文, 附件说明, 署名 and 成文日期."""
    families = {Style.H1: HEITI, Style.H2: KAITI, Style.BODY: FANGSONG}
    for p in notice.body:
        _para(
            document,
            p.text,
            first_indent_chars=2,
            family=families.get(p.style, FANGSONG),
            align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        )
    for i, title in enumerate(notice.attachment_titles, start=1):
        text = f"{'附件：' if i == 1 else ''}{i}.{title}"
        _para(
            document,
            text,
            left_chars=6,
            first_indent_chars=-4 if i == 1 else -1,
            before=PITCH_PT if i == 1 else 0,
        )
    date = cn_date(notice.doc_date)
    _para(
        document,
        notice.signers_text,
        align=WD_ALIGN_PARAGRAPH.RIGHT,
        before=3 * PITCH_PT,
        right_chars=signature_indent(notice.signers_text, date),
        spacing=None,
    )
    _para(document, date, align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=4, spacing=None)


def _banji_height(notice: Notice) -> float:
    """Points the 版记 takes: 4号 lines at a 20 pt pitch, 2 pt before and after each item, and the rules."""
    cell = 156 / 25.4 * 72 - 2 * 5.4  # the 版心 less Word's default cell margins
    first, rest = (cell - 14) / 14, (cell - 4 * 14) / 14  # characters on the first line of 抄送 and after
    width = text_width("抄送：" + notice.copy_to) + 1  # a character of slack for the line-breaking rules
    cc_lines = 1 if width <= first else 1 + math.ceil((width - first) / rest)
    return (cc_lines + 1) * 20 + 2 * 4 + 3


def _write_banji(document: DocxDocument, notice: Notice) -> None:
    """The 版记 on the last page, an even one, at the bottom, with no page number.

    The section starts on the next even page and aligns its content to the bottom (Word); a spacer above the
    版记 does the same where that alignment is not read (LibreOffice), with a few points of slack, and a 1 pt
    paragraph closes the document (a document cannot end with a table).
    """
    section = document.add_section(WD_SECTION.EVEN_PAGE)
    _portrait(section)
    for footer in (section.footer, section.even_page_footer):
        footer.is_linked_to_previous = False  # an empty footer: no page number
    v_align = OxmlElement("w:vAlign")
    v_align.set(qn("w:val"), "bottom")
    _insert(section._sectPr, v_align, _SECTPR_AFTER_VALIGN)
    _para(document, pitch=max(1.0, PAGE_PT - _banji_height(notice) - 1 - 6))
    table = document.add_table(rows=2, cols=1)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    cc = table.cell(0, 0).paragraphs[0]
    _format_small(cc, left=4, first=-3)
    _run(cc, "抄送：" + notice.copy_to, size=14, spacing=None)
    printed = table.cell(1, 0).paragraphs[0]
    _format_small(printed, left=1, right=1)
    printed.paragraph_format.tab_stops.add_tab_stop(Mm(156) - Pt(28), WD_TAB_ALIGNMENT.RIGHT)
    _run(printed, f"{notice.printer}\t{cn_date(notice.print_date)}印发", size=14, spacing=None)
    _table_borders(table, top=8, bottom=8, inside_h=4, sides=False)
    _para(document, pitch=1)


def _format_small(paragraph: DocxParagraph, *, left: float = 0, right: float = 0, first: float = 0) -> None:
    _no_autospace(paragraph._p.get_or_add_pPr())
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(20)
    fmt.space_before = fmt.space_after = Pt(2)
    fmt.left_indent = Pt(left * 14)
    fmt.right_indent = Pt(right * 14)
    fmt.first_line_indent = Pt(first * 14)


# ---------------------------------------------------------------------------------------------- tables


def _table_borders(
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
    _insert(tbl_pr, borders, _TBLPR_AFTER_BORDERS)


def _cell(
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
    _no_autospace(paragraph._p.get_or_add_pPr())
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(size * 1.35)
    fmt.first_line_indent = Pt(0)
    for i, line in enumerate(text.split("\n")):
        if i:
            paragraph.add_run().add_break(WD_BREAK.LINE)
        _run(paragraph, line, family=family, size=size, bold=bold, spacing=None)


def _repeat_header(table: Table, rows: int) -> None:
    """The first ``rows`` rows repeat at the top of each page the table runs onto."""
    for row in table.rows[:rows]:
        flag = OxmlElement("w:tblHeader")
        row._tr.get_or_add_trPr().append(flag)


def _merge(table: Table, start: tuple[int, int], end: tuple[int, int], text: str, **kw: Any) -> None:
    cell = table.cell(*start).merge(table.cell(*end))
    _cell(cell, text, **kw)


def _widths(table: Table, widths_mm: Iterable[float]) -> None:
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
    _insert(tbl.tblPr, layout, _TBLPR_AFTER_LAYOUT)
    for tr in tbl.tr_lst:
        col = 0
        for tc in tr.tc_lst:
            span = tc.grid_span
            tc.width = sum(widths[col : col + span], Mm(0))
            col += span


def _attachment_head(
    document: DocxDocument, number: int, title: str, subtitle: str = "", unit: str = ""
) -> None:
    _para(document, f"附件{number}", family=HEITI, spacing=None)
    _para(
        document,
        title,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        family=XIAOBIAOSONG,
        size=20,
        pitch=30,
        before=12,
        spacing=None,
    )
    if subtitle:
        _para(document, subtitle, align=WD_ALIGN_PARAGRAPH.CENTER, pitch=20, spacing=None)
    if unit:
        _para(document, unit, align=WD_ALIGN_PARAGRAPH.RIGHT, size=12, pitch=20, spacing=None)


def _write_issue_table(document: DocxDocument, notice: Notice) -> None:
    """A 下达's Attachment 1: 序号, 地区, 金额 — no adjustment columns."""
    a = notice.allocation
    _attachment_head(document, 1, a.title, unit="单位：万元")
    table = document.add_table(rows=1 + 1 + len(a.rows), cols=3)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for c, text in enumerate(("序号", "地区", "金额")):
        _cell(table.cell(0, c), text, family=HEITI)
    _repeat_header(table, 1)
    for r, row in enumerate([a.total, *a.rows], start=1):
        _cell(table.cell(r, 0), "" if row.seq is None else str(row.seq))
        _cell(table.cell(r, 1), row.name, bold=row.seq is None)
        _cell(table.cell(r, 2), row.amount_wan(), align=WD_ALIGN_PARAGRAPH.RIGHT, bold=row.seq is None)
    _widths(table, (20, 70, 60))
    _table_borders(table)


def _write_allocation(document: DocxDocument, notice: Notice) -> None:
    a = notice.allocation
    if not a.is_adjustment:
        _write_issue_table(document, notice)
        return
    _attachment_head(document, 1, a.title, unit="单位：万元")
    table = document.add_table(rows=3 + 1 + len(a.rows), cols=7)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    head: dict[str, Any] = {"family": HEITI}
    _merge(table, (0, 0), (1, 0), "序号", **head)
    _merge(table, (0, 1), (1, 1), "地（州、市）", **head)
    _merge(table, (0, 2), (1, 2), f"{a.source_label}补助资金额度", **head)
    _merge(table, (0, 3), (0, 5), "各地调整资金情况", **head)
    _merge(table, (0, 6), (1, 6), "调整后各地实际安排资金合计", **head)
    for c, text in enumerate(("调减资金情况", "调增资金情况", "调整数小计"), start=3):
        _cell(table.cell(1, c), text, family=HEITI)
    for c, text in enumerate(("", "", "1", "2", "3", "4=3-2", "5=1+4")):
        _cell(table.cell(2, c), text)
    _repeat_header(table, 3)
    for r, row in enumerate([a.total, *a.rows], start=3):
        _cell(table.cell(r, 0), "" if row.seq is None else str(row.seq))
        _cell(table.cell(r, 1), row.name, bold=row.seq is None)
        for c, value in enumerate(row.wan(), start=2):
            _cell(table.cell(r, c), value, align=WD_ALIGN_PARAGRAPH.RIGHT, bold=row.seq is None)
    _widths(table, (16, 38, 34, 34, 34, 34, 35))
    _table_borders(table)


def _write_targets(document: DocxDocument, notice: Notice) -> None:
    t = notice.targets
    if t is None:
        return
    _landscape(document)
    _attachment_head(document, 2, t.title, subtitle=f"（{t.year}年度）")
    n = len(t.columns)
    cols = 4 + n
    rest = (225 - 19 - 21 - 63 - 22) / max(1, n)
    widths = (19, 21, 63, 22, *([rest] * n))
    table = document.add_table(rows=6, cols=cols)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    small: dict[str, Any] = {"size": 10.5}
    head: dict[str, Any] = {"size": 10.5, "family": HEITI}
    _cell(table.cell(0, 0), "项目名称", **head)
    _merge(table, (0, 1), (0, cols - 1), t.project, **small)
    _cell(table.cell(1, 0), "省级财政部门", **head)
    _merge(table, (1, 1), (1, 3), t.provincial_finance, **small)
    _merge(table, (1, 4), (1, 5), "省级主管部门", **head)
    _merge(table, (1, 6), (1, cols - 1), t.provincial_department, **small)
    _cell(table.cell(2, 0), "地区主管部门", **head)
    _merge(table, (2, 1), (2, cols - 1), t.local_department, **small)
    _merge(table, (3, 0), (4, 0), "资金情况（万元）", **head)
    _merge(table, (3, 1), (3, 3), "年度金额", **head)
    _merge(table, (3, 4), (3, 5), f"其中：{notice.allocation.source_label}财政下达", **head)
    _merge(table, (3, 6), (3, cols - 1), "地方补助", **head)
    _merge(table, (4, 1), (4, 3), t.amount_wan, **small)
    _merge(table, (4, 4), (4, 5), t.provincial_wan, **small)
    _merge(table, (4, 6), (4, cols - 1), t.local_wan, **small)
    _cell(table.cell(5, 0), "年度总体目标", **head)
    _merge(table, (5, 1), (5, cols - 1), "\n".join(t.goals), align=WD_ALIGN_PARAGRAPH.LEFT, **small)
    _widths(table, widths)
    _table_borders(table)
    # The indicators are a table of their own, so that their header row repeats on each page (Word repeats
    # only a table's first rows); a paragraph of no height keeps Word from joining it to the table above.
    _para(document, pitch=0.1)
    table = document.add_table(rows=1 + len(t.rows), cols=cols)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for c, text in enumerate(("一级指标", "二级指标", "三级指标", "指标值", *t.columns)):
        _cell(table.cell(0, c), text, **head)
    _repeat_header(table, 1)
    for r, (l1, l2, l3, value, span1, span2) in enumerate(t.rows, start=1):
        if span1:
            _merge(table, (r, 0), (r + span1 - 1, 0), l1, **small)
        if span2:
            _merge(table, (r, 1), (r + span2 - 1, 1), l2, **small)
        _cell(table.cell(r, 2), l3, align=WD_ALIGN_PARAGRAPH.LEFT, **small)
        _cell(table.cell(r, 3), value, **small)
    _widths(table, widths)
    _table_borders(table)


def _write_feedback(document: DocxDocument, notice: Notice, number: int) -> None:
    f = notice.feedback
    if f is None:
        return
    _landscape(document)
    _attachment_head(document, number, f.title, unit="单位：万元")
    _para(document, "县市（单位）名称：", size=12, pitch=20, spacing=None)
    columns = ("序号", *f.columns)
    table = document.add_table(rows=2 + f.blank_rows + 1, cols=len(columns))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for c, text in enumerate(columns):
        _cell(table.cell(0, c), text, size=11, family=HEITI)
    _repeat_header(table, 1)
    _cell(table.cell(1, 1), "合计")
    for i in range(1, f.blank_rows + 1):
        _cell(table.cell(1 + i, 0), str(i))
    _cell(table.cell(1 + f.blank_rows + 1, 0), "…")
    for row in table.rows[1:]:
        row.height = Mm(8)
    _widths(table, (12, 30, 18, 18, 20, 24, 20, 20, 33, 30))
    _table_borders(table)
    for i, note in enumerate(f.notes):
        _para(
            document,
            ("说明：" if i == 0 else "") + note,
            size=12,
            pitch=20,
            left_chars=3,
            first_indent_chars=-3 if i == 0 else 0,
            before=6 if i == 0 else 0,
            spacing=None,
        )


def render_docx(notice: Notice) -> bytes:
    document = Document()
    _prepare_styles(document)
    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    _portrait(section)
    _footers(section)
    body = document.paragraphs[0] if document.paragraphs else None
    if body is not None:  # the default template's empty first paragraph
        body._p.getparent().remove(body._p)
    _write_head(document, notice)
    _write_body(document, notice)
    _landscape(document)
    _write_allocation(document, notice)
    _write_targets(document, notice)
    _write_feedback(document, notice, 2 + (notice.targets is not None))
    _write_banji(document, notice)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
