"""The pages of a GB/T 9704 DOCX: A4 portrait (the 正文 and the 版记) and landscape (the attachments) sections,
and the page numbers "— n —" outside (odd pages right, even pages left)."""

from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph as DocxParagraph

from .docx_text import SONGTI, set_fonts, text_run


def page_field(paragraph: DocxParagraph, size: float) -> None:
    """— PAGE — in 4号 宋体."""
    text_run(paragraph, "— ", family=SONGTI, size=size, spacing=None)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        run.font.size = Pt(size)
        set_fonts(run._r.get_or_add_rPr(), SONGTI)
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
    text_run(paragraph, " —", family=SONGTI, size=size, spacing=None)


def footers(section: Section) -> None:
    """Odd pages: number on the right, one character in; even pages: on the left."""
    for footer, align, key in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right_indent"),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left_indent"),
    ):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.alignment = align
        setattr(paragraph.paragraph_format, key, Pt(14))
        page_field(paragraph, 14)


def portrait(section: Section) -> None:
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


def landscape(document: DocxDocument) -> Section:
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
