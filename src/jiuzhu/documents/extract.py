"""A notice's text from an upload or a file, by content: PDF (its text layer), DOCX, or plain text.

PDF text comes from poppler's ``pdftotext -layout`` (poppler-utils is already a system dependency for
rendering checks): it keeps table columns apart by runs of spaces, which the checker reads as cells, and it
reads the CID fonts WeasyPrint and LibreOffice embed. DOCX is read with python-docx, paragraphs and table rows
in body order, table cells joined by tabs.
"""

import io
import subprocess
import zipfile

from docx import Document
from docx.oxml.ns import qn

MAX_BYTES = 10 * 1024 * 1024


class ExtractError(ValueError):
    """A file the checker cannot read; ``str()`` is a message in Chinese."""


def kind_of(data: bytes) -> str:
    """``pdf``, ``docx`` or ``text``, judged by content; raises ExtractError otherwise."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                if "word/document.xml" in z.namelist():
                    return "docx"
        except zipfile.BadZipFile as exc:
            raise ExtractError("文件已损坏，无法读取") from exc
        raise ExtractError("不支持的文件类型：只接受 DOCX、带文字层的 PDF 或纯文本")
    if b"\x00" in data[:4096]:
        raise ExtractError("不支持的文件类型：只接受 DOCX、带文字层的 PDF 或纯文本")
    return "text"


def extract_text(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        size, limit = len(data) // 2**20, MAX_BYTES // 2**20
        raise ExtractError(f"文件过大（{size} MB），上限为 {limit} MB")
    kind = kind_of(data)
    if kind == "pdf":
        return pdf_text(data)
    if kind == "docx":
        return docx_text(data)
    return decode_text(data)


def decode_text(data: bytes) -> str:
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
