"""The generated notice of 塔地财社〔2022〕82号, rendered once per module (PDF by WeasyPrint, DOCX
converted by LibreOffice), then read back as text, as pixels, as XML, and through the notice checker."""

import io
import re
import shutil
import subprocess
import zipfile

import pytest
from django.core.management import call_command
from django.db import transaction
from docx import Document
from docx.enum.section import WD_SECTION
from docx.oxml.ns import qn
from PIL import Image

from jiuzhu.documents.checking import check_file

DOC = "塔地财社〔2022〕82号"
#: LibreOffice's PDF export leaves out the blank pages it inserts (before a section that starts on an even
#: page) unless told otherwise; a printed notice has them.
LO_PDF = 'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}'
#: pytest-django sets up the test database only for sessions with a test that asks for it.
pytestmark = pytest.mark.django_db
needs_poppler = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")


@pytest.fixture(scope="module")
def files(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo loaded, both files exported through `jiuzhu export notice`, and everything rolled back; the
    findings of the checker over each file are taken while the reference tables are still there."""
    out = tmp_path_factory.mktemp("notice")
    result = {}
    with django_db_blocker.unblock(), transaction.atomic():
        from jiuzhu.demo.scenario import load_demo

        load_demo()
        for suffix in ("docx", "pdf"):
            call_command("export_notice", "--doc", DOC, "--out", str(out / f"notice.{suffix}"))
            result[suffix] = (out / f"notice.{suffix}").read_bytes()
        if shutil.which("soffice"):
            subprocess.run(
                [
                    "soffice",
                    "--headless",
                    "--convert-to",
                    LO_PDF,
                    "--outdir",
                    str(out / "lo"),
                    str(out / "notice.docx"),
                ],
                check=True,
                capture_output=True,
                timeout=120,
            )
            result["lo_pdf"] = (out / "lo" / "notice.pdf").read_bytes()
        result["findings"] = {k: check_file(result[k]) for k in ("docx", "pdf", "lo_pdf") if k in result}
        transaction.set_rollback(True)
    return result


def pdf_text(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def page_png(data: bytes, page: int) -> Image.Image:
    png = subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "40",
            "-f",
            str(page),
            "-l",
            str(page),
            "-",
        ],
        input=data,
        capture_output=True,
        check=True,
    ).stdout
    return Image.open(io.BytesIO(png)).convert("RGB")


def ink(image: Image.Image) -> tuple[int, int]:
    """(non-white pixels, red pixels)."""
    pixels = (
        list(image.get_flattened_data()) if hasattr(image, "get_flattened_data") else list(image.getdata())
    )
    dark = sum(1 for r, g, b in pixels if min(r, g, b) < 200)
    red = sum(1 for r, g, b in pixels if r > 180 and g < 90 and b < 90)
    return dark, red


EXPECTED_TEXT = [
    "塔城地区财政局",
    "塔城地区民政局",
    "文件",
    DOC,
    "关于调整2022年自治区困难群众救助",
    "补助资金分配方案的通知",
    "各县（市）财政局、民政局：",
    "调整后当年实际安排补助资金413万元（大写：肆佰壹拾叁万元整）",
    "“1100248社会保障和就业共同财政事权转移支付收入”",
    "“2089999其他社会保障和就业支出”",
    "“01自治区直达资金”",
    "附件：1.2022年自治区财政困难群众救助补助资金调整分配表",
    "2022年10月31日",
    "抄送：地区审计局，本局预算科（政府债务管理科）、国库科、财政评价监督科。",
    "塔城地区财政局办公室",
    "2022年10月31日印发",
    "附件1",
    "合计533337217-120413",
    "和布克赛尔县43310-3112",
    "附件2",
    "自治区对地方转移支付区域绩效目标表",
    "低保对象人数应保尽保",
    "附件3",
    "自治区财政资金使用情况跟踪反馈表",
    "说明：1、县市（单位）根据实际收到财政专项资金情况自行添加行",
]


@needs_poppler
@pytest.mark.parametrize("key", ["pdf", "lo_pdf"])
def test_rendered_text_has_every_part(files, key):
    if key not in files:
        pytest.skip("LibreOffice not installed")
    text = compact(pdf_text(files[key]))
    missing = [part for part in EXPECTED_TEXT if compact(part) not in text]
    assert missing == []


@needs_poppler
@pytest.mark.parametrize("key", ["pdf", "lo_pdf"])
def test_first_page_is_printed_with_the_red_mark(files, key):
    if key not in files:
        pytest.skip("LibreOffice not installed")
    dark, red = ink(page_png(files[key], 1))
    assert dark > 2000, "page 1 is (nearly) blank"
    assert red > 300, "no red 发文机关标志 / red line on page 1"
    top_half = page_png(files[key], 1).crop((0, 0, 331, 234))
    assert ink(top_half)[1] > 200  # the red mark sits in the upper part of the page


def pdf_pages(data: bytes) -> list[str]:
    """Each page's text, compacted (pdftotext ends every page with a form feed)."""
    return [compact(page) for page in pdf_text(data).split("\f")[:-1]]


def pdf_orientations(data: bytes) -> list[bool]:
    """Per page: portrait?"""
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "99", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    return [float(w) < float(h) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)]


@needs_poppler
@pytest.mark.parametrize("key", ["pdf", "lo_pdf"])
def test_pdf_order_main_text_attachments_then_the_banji_on_the_last_even_page(files, key):
    """GB/T 9704: the attachments follow the 正文, each on new pages, and precede the 版记, which stands alone
    on the last page (封四), an even page, a blank page before it when needed."""
    if key not in files:
        pytest.skip("LibreOffice not installed")
    pages = pdf_pages(files[key])
    portrait = pdf_orientations(files[key])
    assert len(pages) == len(portrait) and len(pages) % 2 == 0
    signed = next(i for i, page in enumerate(pages) if "2022年10月31日" in page and "印发" not in page)
    marks = [next(i for i, page in enumerate(pages) if page.startswith(f"附件{n}")) for n in (1, 2, 3)]
    assert signed + 1 == marks[0] < marks[1] < marks[2] < len(pages) - 1
    assert [i for i, page in enumerate(pages) if "抄送" in page or "印发" in page] == [len(pages) - 1]
    assert pages[-1].startswith("抄送：地区审计局")
    assert pages[-1].endswith("塔城地区财政局办公室2022年10月31日印发")
    assert all(portrait[: marks[0]]) and not any(portrait[marks[0] : marks[2] + 1]) and portrait[-1]


@needs_poppler
@pytest.mark.parametrize("key", ["pdf", "lo_pdf"])
def test_pdf_page_numbers_run_through_the_attachments_but_not_the_blank_and_banji_pages(files, key):
    if key not in files:
        pytest.skip("LibreOffice not installed")
    pages = pdf_pages(files[key])
    numbers = [re.findall(r"—(\d+)—", page) for page in pages]
    last_text = max(i for i, page in enumerate(pages[:-1]) if page)  # the last page of 附件3
    assert numbers[: last_text + 1] == [[str(n)] for n in range(1, last_text + 2)]
    assert numbers[last_text + 1 :] == [[] for _ in pages[last_text + 1 :]]
    assert all(page == "" for page in pages[last_text + 1 : -1])  # a blank page before the 版记, if any


@needs_poppler
def test_pdf_embeds_cjk_fonts(files):
    fonts = subprocess.run(
        ["pdffonts", "-"], input=files["pdf"], capture_output=True, check=True
    ).stdout.decode()
    assert "CJK" in fonts


def test_generated_notice_passes_its_own_checker(files):
    assert {k: [str(p) for p in v] for k, v in files["findings"].items()} == {
        k: [] for k in files["findings"]
    }


def docx_xml(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(name).decode()


def test_docx_fonts_are_explicit_east_asian_without_theme_fonts(files):
    document, styles = (
        docx_xml(files["docx"], "word/document.xml"),
        docx_xml(files["docx"], "word/styles.xml"),
    )
    for xml in (document, styles):
        assert not re.search(r"w:(asciiTheme|hAnsiTheme|eastAsiaTheme|cstheme)=", xml)
    fonts = re.findall(r"<w:rFonts [^>]*>", document)
    assert fonts and all('w:eastAsia="' in f and 'w:hint="eastAsia"' in f for f in fonts)
    used = set(re.findall(r'w:eastAsia="([^"]+)"', document))
    assert {"仿宋_GB2312", "方正小标宋简体", "黑体"} <= used
    assert 'w:eastAsia="zh-CN"' in styles


def test_docx_layout(files):
    document = Document(io.BytesIO(files["docx"]))
    first = document.sections[0]

    def mm(length):
        return round(length / 36000, 1)  # EMU per mm

    assert (mm(first.page_width), mm(first.page_height)) == (210, 297)
    assert (mm(first.top_margin), mm(first.left_margin)) == (37, 28)
    assert mm(first.page_width - first.left_margin - first.right_margin) == 156
    assert mm(first.page_height - first.top_margin - first.bottom_margin) == 225
    # the main text, one landscape section per attachment, the 版记's portrait section
    assert len(document.sections) == 5
    assert all(s.page_width > s.page_height for s in document.sections[1:-1])
    last = document.sections[-1]
    assert (mm(last.page_width), mm(last.page_height), mm(last.top_margin), mm(last.left_margin)) == (
        210,
        297,
        37,
        28,
    )
    assert document.settings.odd_and_even_pages_header_footer
    assert "PAGE" in docx_xml(files["docx"], "word/footer1.xml") + docx_xml(files["docx"], "word/footer2.xml")
    red = [
        r.text
        for p in document.tables[0].rows[0].cells[0].paragraphs
        for r in p.runs
        if r.font.color.rgb is not None and str(r.font.color.rgb) == "FF0000"
    ]
    assert red == ["塔城地区财政局", "塔城地区民政局"]


def body_blocks(document):
    """(kind, text) of each paragraph and table in body order; a table by its first cell's text."""
    blocks = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            blocks.append(("p", "".join(t.text or "" for t in child.iter(qn("w:t")))))
        elif child.tag == qn("w:tbl"):
            first = next(child.iter(qn("w:tc")))
            blocks.append(("tbl", "".join(t.text or "" for t in first.iter(qn("w:t")))))
    return blocks


def test_docx_order_main_text_attachments_then_the_banji(files):
    document = Document(io.BytesIO(files["docx"]))
    blocks = body_blocks(document)
    first = {text: i for i, (_, text) in reversed(list(enumerate(blocks)))}
    banji = [i for i, (_, text) in enumerate(blocks) if "抄送" in text or "印发" in text]
    assert [blocks[i] for i in banji] == [
        ("tbl", "抄送：地区审计局，本局预算科（政府债务管理科）、国库科、财政评价监督科。")
    ]
    assert first["2022年10月31日"] < first["附件1"] < first["附件2"] < first["附件3"] < banji[0]
    assert blocks[banji[0] + 1 :] == [("p", "")]  # only the paragraph that closes the body
    last = document.sections[-1]
    assert last.start_type == WD_SECTION.EVEN_PAGE  # a blank page before it when the attachments end even
    assert last._sectPr.find(qn("w:vAlign")).get(qn("w:val")) == "bottom"
    for footer in (last.footer, last.even_page_footer):  # no page number on the 版记 page
        assert not footer.is_linked_to_previous
        assert "PAGE" not in "".join(footer._element.itertext())
    for section in document.sections[1:-1]:  # the attachments' numbers continue the main text's
        assert section.footer.is_linked_to_previous and section.even_page_footer.is_linked_to_previous
        assert section._sectPr.find(qn("w:pgNumType")) is None


def test_docx_attachment_tables_repeat_their_header_rows(files):
    """As the PDF's <thead>: Word repeats a table's first rows marked w:tblHeader on each page it runs onto."""
    document = Document(io.BytesIO(files["docx"]))

    def headers(table):
        return [
            tr.trPr is not None and tr.trPr.find(qn("w:tblHeader")) is not None for tr in table._tbl.tr_lst
        ]

    firsts = [table.cell(0, 0).text for table in document.tables]
    assert firsts[1:-1] == ["序号", "项目名称", "一级指标", "序号"] and firsts[-1].startswith("抄送：")
    allocation, project, indicators, feedback = document.tables[1:5]
    assert headers(allocation)[:4] == [True, True, True, False]
    assert not any(headers(project))  # the project part of 附件2 stands once, above the indicators
    assert headers(indicators)[:2] == [True, False]
    assert [c.text for c in indicators.rows[0].cells[:4]] == ["一级指标", "二级指标", "三级指标", "指标值"]
    assert headers(feedback)[:2] == [True, False]
