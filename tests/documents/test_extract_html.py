"""A notice saved from a bureau's web page (HTML) reads as its text: blocks as lines, table rows as cells."""

import html
from pathlib import Path

from jiuzhu.documents.extract import extract_text, kind_of
from jiuzhu.domain.notice_check import check_notice
from jiuzhu.domain.notice_check.reference import seed_reference
from jiuzhu.domain.problems import Severity

SEED = Path(__file__).parent.parent / "fixtures" / "notice-2022-82.txt"


def as_web_page(text: str, *, charset: str = "utf-8") -> bytes:
    """The seed as a page: a header table, a <p> per paragraph, a <table> per run of tab-separated rows."""
    out = [
        f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>通知</title>',
        "<script>var 合计 = 1;</script><style>td{}</style></head><body><table>",
        "<tr><td>索引号:</td><td>11654200/2022-00082</td><td>发文字号:</td><td>塔地财社〔2022〕82号</td></tr>",
        "<tr><td>发文机关:</td><td>塔城地区财政局</td><td>成文日期:</td><td>2022年10月31日</td></tr></table>",
    ]
    in_table = False
    for line in text.split("\n"):
        if "\t" in line:
            if not in_table:
                out.append("<table>")
                in_table = True
            out.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in line.split("\t")) + "</tr>")
            continue
        if in_table:
            out.append("</table>")
            in_table = False
        out.append(f"<p>{html.escape(line).replace(' ', '&nbsp;')}</p>")
    out.append("</body></html>")
    return "\n".join(out).encode("gb18030" if charset == "gbk" else "utf-8")


def test_a_saved_web_page_is_checked_like_the_typed_notice():
    seed = SEED.read_text(encoding="utf-8")
    ref = seed_reference()
    for charset in ("utf-8", "gbk"):
        data = as_web_page(seed, charset=charset)
        assert kind_of(data) == "html"
        text = extract_text(data)
        assert "var" not in text and "<td>" not in text
        assert " | 合计 | 533 | 337 | 217 | -120 | 413" in text or "1 | 合计 | 533" in text
        found = sorted(p.code for p in check_notice(text, reference=ref) if p.severity is Severity.ERROR)
        assert found == ["BLANK_FIGURE", "REGION_TWO_NAMES", "SEQUENCE_ORDER", "SEQUENCE_ORDER"]
