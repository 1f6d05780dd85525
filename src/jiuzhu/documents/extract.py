"""A notice's text from an upload or a file, by content: PDF (its text layer), DOCX, a web page saved as HTML,
or plain text.

PDF text comes from poppler's ``pdftotext -layout`` (poppler-utils is already a system dependency for
rendering checks): it keeps table columns apart by runs of spaces, which the checker reads as cells, and it
reads the CID fonts WeasyPrint and LibreOffice embed. DOCX is read with python-docx, paragraphs and table rows
in body order, table cells joined by tabs, once its zip has passed the upload limits (``core.limits``: parts,
inflated bytes — python-docx would hold a zip bomb's whole tree). A saved web page (a bureau publishes its notices so) keeps its
block elements as lines and its table rows as cells joined by `` | ``; scripts and styles are dropped.
"""

import html
import io
import re
import subprocess
import zipfile
from dataclasses import replace
from html.parser import HTMLParser

from docx import Document
from docx.oxml.ns import qn

from jiuzhu.core.errors import InvalidInput
from jiuzhu.core.limits import Limits, megabytes, upload_limits
from jiuzhu.core.workbooks import open_package

MAX_BYTES = 10 * 1024 * 1024


class ExtractError(ValueError):
    """A file the checker cannot read; ``str()`` is a message in Chinese."""


def kind_of(data: bytes) -> str:
    """``pdf``, ``docx`` or ``text``, judged by content; raises ExtractError otherwise."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        with _checked_package(data) as z:
            if "word/document.xml" in z.namelist():
                return "docx"
        raise ExtractError("不支持的文件类型：只接受 DOCX、带文字层的 PDF、网页 HTML 或纯文本")
    if b"\x00" in data[:4096]:
        raise ExtractError("不支持的文件类型：只接受 DOCX、带文字层的 PDF、网页 HTML 或纯文本")
    head = data[:2048].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head[:512]:
        return "html"
    return "text"


def document_limits() -> Limits:
    """The upload limits, with a document's inflated bytes (``Limits.document_bytes``) as the inflated limit."""
    limits = upload_limits()
    return replace(limits, inflated_bytes=min(limits.inflated_bytes, limits.document_bytes))


def _checked_package(data: bytes) -> zipfile.ZipFile:
    """The DOCX's zip, refused before python-docx reads it when its parts are too many or inflate too far, in all or in its XML (a
    zip member never inflates past the size it declares: ``zipfile`` stops there)."""
    limits = document_limits()
    try:
        package = open_package(data, limits, what="文档")
    except InvalidInput as exc:
        raise ExtractError("；".join(p.message for p in exc.problems)) from exc
    xml = sum(m.file_size for m in package.infolist() if m.filename.endswith((".xml", ".rels")))
    if xml > limits.document_xml_bytes:
        package.close()
        raise ExtractError(
            f"文档的文字部分解压后为{megabytes(xml)}，超过上限{megabytes(limits.document_xml_bytes)}"
        )
    return package


def extract_text(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        size, limit = len(data) // 2**20, MAX_BYTES // 2**20
        raise ExtractError(f"文件过大（{size} MB），上限为 {limit} MB")
    kind = kind_of(data)
    if kind == "pdf":
        return pdf_text(data)
    if kind == "docx":
        return docx_text(data)
    if kind == "html":
        return html_text(decode_text(data))
    return decode_text(data)


def decode_text(data: bytes) -> str:
    declared = re.search(rb"charset=[\"']?([-\w]+)", data[:2048])
    if declared and declared[1].lower() in (b"gbk", b"gb2312", b"gb18030"):
        return data.decode("gb18030", errors="replace")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ExtractError("无法识别文本编码（应为 UTF-8 或 GB18030）")


def pdf_text(data: bytes) -> str:
    try:
        result = subprocess.run(
            ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"],
            input=data,
            capture_output=True,
            timeout=60,
            check=False,
        )
    except FileNotFoundError as exc:
        raise ExtractError("服务器未安装 pdftotext（poppler-utils），无法读取 PDF") from exc
    if result.returncode != 0:
        raise ExtractError("PDF 无法读取（文件损坏或已加密）")
    text = result.stdout.decode("utf-8", errors="replace").replace("\f", "\n")
    if not text.strip():
        raise ExtractError("PDF 没有文字层（可能是扫描件），无法检查")
    return text


def docx_text(data: bytes) -> str:
    """Body paragraphs and table rows in document order; a row's cells joined by tabs (each cell once)."""
    try:
        document = Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several kinds for a broken package
        raise ExtractError("DOCX 文件无法读取") from exc
    lines: list[str] = []
    for block in document.element.body.iterchildren():
        if block.tag == qn("w:p"):
            lines.append(_paragraph_text(block))
        elif block.tag == qn("w:tbl"):
            for tr in block.iter(qn("w:tr")):
                cells = [
                    " ".join(_paragraph_text(p) for p in tc.iter(qn("w:p"))).strip()
                    for tc in tr.iterchildren(qn("w:tc"))
                ]
                lines.append("\t".join(cells))
    return "\n".join(lines)


def _paragraph_text(p: object) -> str:
    parts = []
    for node in p.iter(qn("w:t"), qn("w:tab"), qn("w:br")):  # type: ignore[attr-defined]
        if node.tag == qn("w:t"):
            parts.append(node.text or "")
        elif node.tag == qn("w:tab"):
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


_BLOCKS = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section", "article", "title"}


class _PageText(HTMLParser):
    """Lines from a web page: a block element ends a line, a table row is one line of cells."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.line: list[str] = []
        self.cells: list[str] | None = None
        self.in_cell = False
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        elif tag == "tr":
            self._end_line()
            self.cells, self.in_cell = [], False
        elif tag in ("td", "th") and self.cells is not None:
            self._end_cell()
            self.line, self.in_cell = [], True
        elif tag in _BLOCKS and self.cells is None:
            self._end_line()

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag in ("td", "th"):
            self._end_cell()
        elif tag == "tr" and self.cells is not None:
            self._end_cell()
            cells = list(self.cells)
            while cells and not cells[-1]:
                cells.pop()
            if any(cells):
                self.lines.append(" | ".join(cells))
            self.cells, self.line = None, []
        elif tag in _BLOCKS and self.cells is None:
            self._end_line()

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.line.append(data)

    def _end_cell(self) -> None:
        if self.in_cell and self.cells is not None:
            self.cells.append(" ".join("".join(self.line).split()))
        self.line, self.in_cell = [], False

    def _end_line(self) -> None:
        text = "".join(self.line).replace("\xa0", " ").strip()
        self.line = []
        if text:
            self.lines.append(text)


def html_text(page: str) -> str:
    parser = _PageText()
    parser.feed(page)
    parser.close()
    parser._end_line()
    return html.unescape("\n".join(parser.lines))
