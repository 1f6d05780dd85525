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

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from jiuzhu.domain.notice import Notice, Style, cn_date, signature_indent, text_width

from .docx_attachments import write_allocation, write_feedback, write_targets
from .docx_pages import footers, landscape, portrait
from .docx_tables import table_borders
from .docx_text import (
    FANGSONG,
    HEITI,
    KAITI,
    PAGE_PT,
    PITCH_PT,
    RED,
    SECTPR_AFTER_VALIGN,
    XIAOBIAOSONG,
    border,
    format_small,
    insert_ordered,
    para,
    prepare_styles,
    text_run,
)


def _write_head(document: DocxDocument, notice: Notice) -> None:
    para(document, pitch=35 / 25.4 * 72)  # the 发文机关标志 stands 35 mm below the top of the 版心
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
        text_run(paragraph, name, family=XIAOBIAOSONG, size=30, color=RED, spacing=None)
    if notice.mark_suffix:
        cell = table.cell(0, 1)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        cell.width = Mm(40)
        paragraph = cell.paragraphs[0]
        paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        paragraph.paragraph_format.line_spacing = Pt(56)
        paragraph.paragraph_format.left_indent = Mm(4)
        text_run(paragraph, notice.mark_suffix, family=XIAOBIAOSONG, size=50, color=RED, spacing=80)
    para(document, notice.doc_no, align=WD_ALIGN_PARAGRAPH.CENTER, before=2 * PITCH_PT, spacing=None)
    line = para(document, pitch=4 / 25.4 * 72)  # the red line 4 mm below the 发文字号, as wide as the 版心
    border(line, "bottom", size_eighths=18, color="FF0000")
    title = para(document, align=WD_ALIGN_PARAGRAPH.CENTER, pitch=33, before=2 * PITCH_PT)
    for i, text in enumerate(notice.lines_of_title):
        if i:
            title.add_run().add_break(WD_BREAK.LINE)
        text_run(title, text, family=XIAOBIAOSONG, size=22, spacing=None)
    para(document, notice.addressees, before=PITCH_PT)


def _write_body(document: DocxDocument, notice: Notice) -> None:
    """The 正文, 附件说明, 署名 and 成文日期."""
    families = {Style.H1: HEITI, Style.H2: KAITI, Style.BODY: FANGSONG}
    for p in notice.body:
        para(
            document,
            p.text,
            first_indent_chars=2,
            family=families.get(p.style, FANGSONG),
            align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        )
    for i, title in enumerate(notice.attachment_titles, start=1):
        text = f"{'附件：' if i == 1 else ''}{i}.{title}"
        para(
            document,
            text,
            left_chars=6,
            first_indent_chars=-4 if i == 1 else -1,
            before=PITCH_PT if i == 1 else 0,
        )
    date = cn_date(notice.doc_date)
    para(
        document,
        notice.signers_text,
        align=WD_ALIGN_PARAGRAPH.RIGHT,
        before=3 * PITCH_PT,
        right_chars=signature_indent(notice.signers_text, date),
        spacing=None,
    )
    para(document, date, align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=4, spacing=None)


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
    portrait(section)
    for footer in (section.footer, section.even_page_footer):
        footer.is_linked_to_previous = False  # an empty footer: no page number
    v_align = OxmlElement("w:vAlign")
    v_align.set(qn("w:val"), "bottom")
    insert_ordered(section._sectPr, v_align, SECTPR_AFTER_VALIGN)
    para(document, pitch=max(1.0, PAGE_PT - _banji_height(notice) - 1 - 6))
    table = document.add_table(rows=2, cols=1)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    cc = table.cell(0, 0).paragraphs[0]
    format_small(cc, left=4, first=-3)
    text_run(cc, "抄送：" + notice.copy_to, size=14, spacing=None)
    printed = table.cell(1, 0).paragraphs[0]
    format_small(printed, left=1, right=1)
    printed.paragraph_format.tab_stops.add_tab_stop(Mm(156) - Pt(28), WD_TAB_ALIGNMENT.RIGHT)
    text_run(printed, f"{notice.printer}\t{cn_date(notice.print_date)}印发", size=14, spacing=None)
    table_borders(table, top=8, bottom=8, inside_h=4, sides=False)
    para(document, pitch=1)


def render_docx(notice: Notice) -> bytes:
    document = Document()
    prepare_styles(document)
    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    portrait(section)
    footers(section)
    body = document.paragraphs[0] if document.paragraphs else None
    if body is not None:  # the default template's empty first paragraph
        body._p.getparent().remove(body._p)
    _write_head(document, notice)
    _write_body(document, notice)
    landscape(document)
    write_allocation(document, notice)
    write_targets(document, notice)
    write_feedback(document, notice, 2 + (notice.targets is not None))
    _write_banji(document, notice)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
