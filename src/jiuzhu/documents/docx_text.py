"""Runs and paragraphs of a GB/T 9704 DOCX (python-docx): explicit East-Asian fonts without theme attributes,
exact line pitch, no autospace; the Normal style and the document language; and where OOXML wants the children
added here (``insert_ordered``: Word refuses a file whose children are out of the schema's order)."""

from typing import Any

from docx.document import Document as DocxDocument
from docx.enum.text import WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph

FANGSONG, XIAOBIAOSONG, HEITI, KAITI, SONGTI = "仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312", "宋体"
RED = RGBColor(0xFF, 0x00, 0x00)
BODY_PT, PITCH_PT = 16.0, 28.95
#: 版心 height in pt (225 mm) and the run spacing that fits 28 characters of 3号 in 156 mm.
PAGE_PT = 225 / 25.4 * 72
CHAR_SPACING_TWIPS = -5
THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")

# The order OOXML requires of the children that are added here (Word refuses a file that breaks it).
PPR_AFTER_AUTOSPACE = (
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
PPR_AFTER_PBDR = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    *PPR_AFTER_AUTOSPACE,
)
RPR_AFTER_SPACING = (
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
SECTPR_AFTER_VALIGN = (
    "w:noEndnote",
    "w:titlePg",
    "w:textDirection",
    "w:bidi",
    "w:rtlGutter",
    "w:docGrid",
    "w:printerSettings",
    "w:sectPrChange",
)
TBLPR_AFTER_LAYOUT = ("w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription")
TBLPR_AFTER_BORDERS = ("w:shd", "w:tblLayout", *TBLPR_AFTER_LAYOUT)


def insert_ordered(parent: Any, child: Any, before: tuple[str, ...]) -> None:
    """Add ``child`` before the first existing child named in ``before`` (schema order), else at the end."""
    tags = {qn(t) for t in before}
    for existing in parent:
        if existing.tag in tags:
            existing.addprevious(child)
            return
    parent.append(child)


def set_fonts(rpr: Any, family: str) -> None:
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


def text_run(
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
    set_fonts(rpr, family)
    if spacing:
        sp = OxmlElement("w:spacing")
        sp.set(qn("w:val"), str(spacing))
        insert_ordered(rpr, sp, RPR_AFTER_SPACING)


def no_autospace(ppr: Any) -> None:
    """No extra gap between Chinese and Arabic numerals (set per paragraph: LibreOffice ignores the style)."""
    for name, before in (
        ("w:autoSpaceDE", ("w:autoSpaceDN", *PPR_AFTER_AUTOSPACE)),
        ("w:autoSpaceDN", PPR_AFTER_AUTOSPACE),
    ):
        flag = OxmlElement(name)
        flag.set(qn("w:val"), "0")
        insert_ordered(ppr, flag, before)


def prepare_styles(document: DocxDocument) -> None:
    """Normal = 3号仿宋_GB2312 at the fixed pitch; no theme fonts anywhere; language zh-CN."""
    styles = document.styles.element
    for rfonts in styles.iter(qn("w:rFonts")):
        for attr in THEME_ATTRS:
            rfonts.attrib.pop(qn(attr), None)
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr, FANGSONG)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal = document.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    set_fonts(normal.element.get_or_add_rPr(), FANGSONG)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(PITCH_PT)
    fmt.space_before = fmt.space_after = Pt(0)
    ppr = normal.element.get_or_add_pPr()
    no_autospace(ppr)
    settings = document.settings.element
    theme_lang = settings.find(qn("w:themeFontLang"))  # present in python-docx's default settings
    theme_lang.set(qn("w:val"), "zh-CN")
    theme_lang.set(qn("w:eastAsia"), "zh-CN")


def para(
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
    no_autospace(paragraph._p.get_or_add_pPr())
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
        text_run(paragraph, text, family=family, size=size, color=color, spacing=spacing)
    return paragraph


def border(paragraph: DocxParagraph, side: str, *, size_eighths: int, color: str) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        insert_ordered(ppr, borders, PPR_AFTER_PBDR)
    edge = OxmlElement(f"w:{side}")
    edge.set(qn("w:val"), "single")
    edge.set(qn("w:sz"), str(size_eighths))
    edge.set(qn("w:space"), "0")
    edge.set(qn("w:color"), color)
    borders.append(edge)


def format_small(paragraph: DocxParagraph, *, left: float = 0, right: float = 0, first: float = 0) -> None:
    no_autospace(paragraph._p.get_or_add_pPr())
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(20)
    fmt.space_before = fmt.space_after = Pt(2)
    fmt.left_indent = Pt(left * 14)
    fmt.right_indent = Pt(right * 14)
    fmt.first_line_indent = Pt(first * 14)
