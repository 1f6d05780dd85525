"""The notice as PDF: HTML laid out by WeasyPrint (fonts named per GB/T 9704, Noto CJK as the fallback).

The 版记 sits at the bottom of the last even page of the main text. WeasyPrint lays the document out once
to see where the 成文日期 ends; the second layout pushes the 版记 down to the page bottom, onto the next even
page when the text ends on an odd page or the 版记 does not fit below it.
"""

from typing import Any

from django.template.loader import render_to_string
from weasyprint import HTML

from jiuzhu.domain.notice import Notice, cn_date, signature_indent

#: CSS px per mm (WeasyPrint lays out in CSS px, 96 per inch).
PX_PER_MM = 96 / 25.4
#: The bottom of the 版心 on a portrait page: 297 mm − 35 mm.
CONTENT_BOTTOM = (297 - 35) * PX_PER_MM


def notice_html(notice: Notice, *, banji_gap: float = 0, banji_new_page: bool = False) -> str:
    columns = len(notice.targets.columns) if notice.targets else 0
    numbers = 2 + (notice.targets is not None)
    return render_to_string("documents/notice_print.html", {
        "n": notice,
        "doc_date": cn_date(notice.doc_date),
        "print_date": cn_date(notice.print_date),
        "signers_indent": signature_indent(notice.signers_text, cn_date(notice.doc_date)),
        "banji_gap": f"{banji_gap:.2f}",
        "banji_new_page": banji_new_page,
        "span_all": 3 + columns,
        "span_rest": max(1, columns - 2),
        "a_source": notice.allocation.source_label,
        "feedback_number": numbers,
        "blank_rows": range(1, (notice.feedback.blank_rows if notice.feedback else 0) + 1),
    })


def _find(box: Any, element_id: str) -> Any:
    element = getattr(box, "element", None)
    if element is not None and element.get("id") == element_id:
        return box
    for child in getattr(box, "children", ()):
        found = _find(child, element_id)
        if found is not None:
            return found
    return None


def _locate(document: Any, element_id: str) -> tuple[int, Any]:
    for index, page in enumerate(document.pages):
        box = _find(page._page_box, element_id)
        if box is not None:
            return index, box
    raise LookupError(element_id)


def render_pdf(notice: Notice) -> bytes:
    document = HTML(string=notice_html(notice)).render()
    page, signed = _locate(document, "signed")
    _, banji = _locate(document, "banji")
    height = banji.margin_height()
    room = CONTENT_BOTTOM - (signed.position_y + signed.margin_height())
    if page % 2 == 1 and room >= height:  # page index 1, 3 … is an even page number
        html = notice_html(notice, banji_gap=room - height)
    else:
        html = notice_html(notice, banji_gap=CONTENT_BOTTOM - 37 * PX_PER_MM - height, banji_new_page=True)
    return bytes(HTML(string=html).write_pdf())
