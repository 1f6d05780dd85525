"""The notice as PDF: HTML laid out by WeasyPrint (fonts named per GB/T 9704, Noto CJK as the fallback).

The order is GB/T 9704's: the 正文 (ending with the 成文日期), each attachment on new (landscape) pages, and
the 版记 alone at the bottom of the last page, an even page (WeasyPrint inserts a blank page before it when the
attachments end on an even page). The blank page and the 版记 page carry no page number; the attachments'
numbers continue the 正文's. The print stylesheet (``documents/notice_print.html``) holds all of this.
"""

from django.template.loader import render_to_string
from weasyprint import HTML

from jiuzhu.domain.notice import Notice, cn_date, signature_indent


def notice_html(notice: Notice) -> str:
    columns = len(notice.targets.columns) if notice.targets else 0
    numbers = 2 + (notice.targets is not None)
    return render_to_string(
        "documents/notice_print.html",
        {
            "n": notice,
            "doc_date": cn_date(notice.doc_date),
            "print_date": cn_date(notice.print_date),
            "signers_indent": signature_indent(notice.signers_text, cn_date(notice.doc_date)),
            "span_all": 3 + columns,
            "span_rest": max(1, columns - 2),
            "a_source": notice.allocation.source_label,
            "feedback_number": numbers,
            "blank_rows": range(1, (notice.feedback.blank_rows if notice.feedback else 0) + 1),
        },
    )


def render_pdf(notice: Notice) -> bytes:
    return bytes(HTML(string=notice_html(notice)).write_pdf())
