"""Hostile DOCX files sent to the notice checker are refused before python-docx parses them, each refusal in
Chinese stating the limit, within little memory and time; an ordinary notice still reads. The files are made
here (a zip bomb is 200 KB made, 200 MB inflated), never committed."""

import io
import struct
import time
import tracemalloc
import zipfile

import pytest
from docx import Document

from jiuzhu.documents.extract import ExtractError, extract_text

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOC_NO = "塔地财社〔2022〕82号"


def plain_docx() -> bytes:
    document = Document()
    document.add_paragraph(f"关于调整下达2022年困难群众救助补助资金的通知（{DOC_NO}）")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _rebuilt(replace: dict[str, bytes] | None = None, extra: dict[str, bytes] | None = None) -> bytes:
    """The plain DOCX with members replaced or added; a large member is written streamed."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(plain_docx())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z,
    ):
        for info in src.infolist():
            z.writestr(info.filename, (replace or {}).get(info.filename) or src.read(info.filename))
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


def _bomb(size: int) -> bytes:
    """word/document.xml of ``size`` bytes of empty paragraphs, deflated (about 1/1000 of its size)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(plain_docx())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z,
    ):
        for info in src.infolist():
            if info.filename != "word/document.xml":
                z.writestr(info.filename, src.read(info.filename))
        with z.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(f'<w:document xmlns:w="{W_NS}"><w:body>'.encode())
            block, written = b"<w:p/>" * 100_000, 0
            while written < size:
                member.write(block)
                written += len(block)
            member.write(b"</w:body></w:document>")
    return out.getvalue()


def _lying_size() -> bytes:
    """document.xml declares 1000 bytes in both headers but inflates to 6 MB."""
    data = bytearray(
        _rebuilt(
            {"word/document.xml": f'<w:document xmlns:w="{W_NS}"><w:body>'.encode() + b"<w:p/>" * 1_000_000}
        )
    )
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo("word/document.xml")
    struct.pack_into("<I", data, info.header_offset + 22, 1000)
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46 : at + 46 + length]) == b"word/document.xml":
            struct.pack_into("<I", data, at + 24, 1000)
        at = data.find(b"PK\x01\x02", at + 4)
    return bytes(data)


def _stated_members(count: int) -> bytes:
    """A DOCX whose zip end record states ``count`` members (its directory is not that long)."""
    data = bytearray(plain_docx())
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, count, count)
    return bytes(data)


HOSTILE = [
    ("200 MB of paragraphs in 200 KB", lambda: _bomb(200 << 20), "解压后为20\\d\\.\\d+MB，超过上限16MB"),
    ("just past the XML limit", lambda: _bomb(4 << 20), "文字部分解压后为4.\\d+MB，超过上限4MB"),
    (
        "a picture past the inflated limit",
        lambda: _rebuilt(extra={"word/media/image1.png": bytes(17 << 20)}),
        "超过上限16MB",
    ),
    ("1001 parts", lambda: _rebuilt(extra={f"word/x{i}.xml": b"" for i in range(1001)}), "超过上限1000个"),
    ("an end record stating 60000 parts", lambda: _stated_members(60000), "60000个部件，超过上限1000个"),
    ("a part larger than it declares", _lying_size, "DOCX 文件无法读取"),
    ("a zip cut in half", lambda: plain_docx()[:4000], "已损坏"),
    ("a zip header and noise", lambda: b"PK\x03\x04" + b"\x00\xff" * 5000, "已损坏"),
    ("no word/document.xml", lambda: _only({"a.txt": b"x"}), "不支持的文件类型"),
]


def _only(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(("name", "build", "message"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_a_hostile_docx_is_refused_in_chinese_with_the_limit(name, build, message):
    data = build()
    assert len(data) < 10 << 20  # every one fits the upload's 10 MB
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(ExtractError, match=message):
            extract_text(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 10
    # (tracemalloc sees Python's allocations, not lxml's: none is made, the refusal comes before parsing)
    assert peak < 64 << 20, f"{name}: {peak >> 20} MB"


def test_a_docx_within_the_limits_still_reads():
    assert DOC_NO in extract_text(plain_docx())
    assert extract_text(_bomb(2 << 20)).count("\n") > 300_000  # 2 MB of XML: read, paragraph by paragraph
    with_picture = _rebuilt(extra={"word/media/image1.png": bytes(12 << 20)})
    assert DOC_NO in extract_text(with_picture)


@pytest.mark.django_db
def test_the_checker_page_refuses_a_bomb_and_stores_nothing(users, client, demo):
    from django.apps import apps
    from django.core.files.uploadedfile import SimpleUploadedFile

    from helpers import log_in

    def counts():
        return {
            m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label != "sessions"
        }

    user = users["dq_cz_jb"]
    log_in(client, user)
    before = counts()
    upload = SimpleUploadedFile("通知.docx", _bomb(200 << 20), content_type="application/octet-stream")
    page = client.post("/documents/check/", {"file": upload}, follow=True).content.decode()
    assert "超过上限16MB" in page
    assert counts() == before
