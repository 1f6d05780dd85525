"""Where the parts of a notice are: the web page's header table, 发文字号, 正文, 附件说明, 版记, attachments.

The 版记 (抄送, 印发机关和印发日期) may stand after the attachments, at the end, as GB/T 9704 puts it and the
generated notices have it, or between the 成文日期 and the attachments, as clerks have typed it (the seed
notice); both read the same, and the second order is a warning.

A notice copied from a bureau's web page starts with a header table (索引号 / 发文机关 / 发文字号 / 成文日期 …,
cells separated by ``|`` or on lines of their own); its values are kept in ``Parsed.meta`` and the notice's
own text begins after it.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..docno import DocNo, DocNoError, parse_docno
from .text import DATE, ISO_DATE, Line, WrittenDate, find_date, fold, nonblank, split_lines

_DATE_ONLY = re.compile(rf"^{DATE}$")
PRINTED = re.compile(rf"{DATE}\s*印发")
ANNOUNCE = re.compile(r"^附\s*件\s*[：:]\s*(.*)$")
_COPY_TO = re.compile(r"^抄\s*送\s*[：:]")
ITEM = re.compile(r"^(\d+)\s*[.．、]\s*(.+)$")
MARKER = re.compile(r"^附\s*件\s*(\d+)$")
UNIT_LINE = re.compile(r"^(单位[：:].*|[（(]\s*\d{4}\s*年度?\s*[）)])$")
DOCNO_CELL = re.compile(
    r"^(?:发文字号[：:])?\s*([^\s，。；：:、“”《》]{1,16}[〔\[【(（［]\s*\d{4}\s*[〕\]】)）］]\s*第?\s*\d*\s*号)$"
)

_META_KEYS = {
    "索引号": "index",
    "发文机关": "issuer",
    "发布机构": "issuer",
    "发文字号": "docno",
    "文号": "docno",
    "成文日期": "signed",
    "生成日期": "signed",
    "发布日期": "published",
    "标题": "title",
    "名称": "title",
    "分类": "category",
    "主题分类": "category",
    "组配分类": "category",
    "主题词": "keywords",
}
_META_KEY = re.compile(
    "(" + "|".join(r"\s*".join(k) for k in sorted(_META_KEYS, key=len, reverse=True)) + r")\s*[:：]"
)


@dataclass
class Parsed:
    lines: list[Line]
    meta: dict[str, tuple[Line, str]] = field(default_factory=dict)
    """The web page's header table: key (docno, signed, issuer, title …) → (its line, the value)."""
    start: int = 0
    """Index of the first line of the notice itself (after a web page's header table)."""
    docno_line: Line | None = None
    docno_text: str = ""
    """The 发文字号 as written on its line."""
    announce: list[tuple[Line, int | None, str]] = field(default_factory=list)
    """附件说明 items: (line, the number written, the title)."""
    body_end: int = 0
    """Index (0-based, exclusive) of the first line after the 正文."""
    tail_start: int = 0
    """Index of the first line of the attachments."""
    tail_end: int | None = None
    """Index of the first line of the 版记 when it follows the attachments (where they end), else None."""
    banji_at: int | None = None
    """Index of the 版记's first line (抄送, or the 印发 line when there is no 抄送)."""
    banji_first: bool = False
    """The 版记 precedes the attachments (GB/T 9704 puts it last)."""

    @property
    def tail(self) -> list[Line]:
        """The lines of the attachments."""
        return self.lines[self.tail_start : self.tail_end]

    @property
    def body(self) -> list[Line]:
        return self.lines[self.start : self.body_end]

    @property
    def docno(self) -> DocNo | None:
        text = self.docno_text or self.meta.get("docno", (None, ""))[1]
        try:
            return parse_docno(text) if text else None
        except DocNoError:
            return None

    def signed(self) -> tuple[Line, WrittenDate] | None:
        """The 成文日期: the date line after the 正文, else the web header's 成文日期."""
        for line in self.lines[self.body_end :]:
            if _DATE_ONLY.match(line.text):
                found = find_date(line.text)
                if found:
                    return line, found
        if "signed" in self.meta:
            line, value = self.meta["signed"]
            found = find_date(value, iso=True)
            if found:
                return line, found
        return None


def _meta(lines: Sequence[Line]) -> tuple[dict[str, tuple[Line, str]], int]:
    """The header table's values and the index after its last line (0 when there is none)."""
    meta: dict[str, tuple[Line, str]] = {}
    end = misses = 0
    pending: str | None = None  # a key whose value is on the next line (cells one per line)
    for i in nonblank(lines)[:40]:
        text = lines[i].raw.lstrip(" \t|｜")
        keys = list(_META_KEY.finditer(text))
        if not keys or keys[0].start() != 0:
            if pending and _fits(pending, lines[i].text):
                meta[pending] = (lines[i], lines[i].text)
                end, pending = i + 1, None
                continue
            pending = None
            misses += 1
            if meta and misses > 3:
                break
            continue
        misses = 0
        pending = None
        for k, m in enumerate(keys):
            stop = keys[k + 1].start() if k + 1 < len(keys) else len(text)
            value = text[m.end() : stop].replace("|", " ").replace("｜", " ").strip()
            key = _META_KEYS["".join(m[1].split())]
            if value and key not in meta:
                meta[key] = (lines[i], value)
            elif not value and k + 1 == len(keys) and key not in meta:
                pending = key
        end = i + 1
    return (meta, end) if len(meta) >= 2 else ({}, 0)


def _fits(key: str, value: str) -> bool:
    """A value on the line after its key: a 文号 for 发文字号, a date for the dates, anything for the rest."""
    if key == "docno":
        return bool(DOCNO_CELL.match("".join(value.split())))
    if key in ("signed", "published"):
        return find_date(value, iso=True) is not None
    return not value.startswith("关于")


def _docno_line(lines: Sequence[Line], start: int) -> tuple[Line, str] | None:
    """The notice's own 发文字号: a line (or a cell of it) that is a 文号 and nothing else — a sentence that
    mentions a 文号 is never it."""
    for i in nonblank(lines, start)[:15]:
        for cell in lines[i].cells:
            m = DOCNO_CELL.match("".join(cell.split()))
            if m and not lines[i].text.startswith(("根据", "按照", "依据")):
                return lines[i], m[1]
    return None


def parse(text: str) -> Parsed:
    lines = split_lines(text)
    meta, start = _meta(lines)
    parsed = Parsed(lines=lines, meta=meta, start=start)
    found = _docno_line(lines, start)
    if found:
        parsed.docno_line, parsed.docno_text = found
    announce_at = next((i for i in range(start, len(lines)) if ANNOUNCE.match(lines[i].text)), None)
    if announce_at is not None:
        _read_announce(parsed, announce_at)
    else:
        parsed.body_end = next(
            (i for i in range(start, len(lines)) if _DATE_ONLY.match(lines[i].text)), len(lines)
        )
        parsed.tail_start = parsed.body_end
    printed = next((i for i, x in enumerate(lines) if PRINTED.search(x.text)), None)
    if printed is not None and printed >= parsed.tail_start:
        parsed.banji_at = _banji_start(lines, printed, parsed.tail_start)
        if attachment_titles(lines, printed + 1):  # the attachments follow the 版记
            parsed.tail_start = printed + 1
            parsed.banji_first = True
        else:  # the 版记 closes the notice
            parsed.tail_end = parsed.banji_at
    return parsed


def _read_announce(parsed: Parsed, announce_at: int) -> None:
    lines = parsed.lines
    parsed.body_end = announce_at
    first = ANNOUNCE.match(lines[announce_at].text)
    assert first is not None
    items = [(lines[announce_at], first[1])]
    last = announce_at
    present = [fold(t) for _, _, t in attachment_titles(lines, announce_at + 1)]
    for i in nonblank(lines, announce_at + 1):
        if lines[i].is_table_row:
            break
        if not ITEM.match(lines[i].text):
            # an item's title wrapped over lines (PDF text): join while it still reads as a present title
            joined = items[-1][1] + lines[i].text
            title = fold(ITEM.sub(r"\2", joined))
            if not any(t.startswith(title) for t in present):
                break
            items[-1] = (items[-1][0], joined)
        else:
            items.append((lines[i], lines[i].text))
        last = i
    for line, item in items:
        m = ITEM.match(item)
        parsed.announce.append((line, int(m[1]), m[2].strip()) if m else (line, None, item.strip()))
    parsed.tail_start = last + 1


def _banji_start(lines: Sequence[Line], printed: int, floor: int) -> int:
    """The 抄送 line a few lines above the 印发 line (the 印发机关 may stand on a line of its own), else the
    印发 line itself."""
    above = [i for i in nonblank(lines, floor) if i < printed][-4:]
    return next((i for i in reversed(above) if _COPY_TO.match(lines[i].text)), printed)


def attachment_titles(
    lines: Sequence[Line], start: int, end: int | None = None
) -> list[tuple[Line, int | None, str]]:
    """Attachments present in ``lines[start:end]``: a title after a 附件N marker, or a title line over a table."""
    found: list[tuple[Line, int | None, str]] = []
    rows = nonblank(lines, start, end)
    taken: set[int] = set()
    for k, i in enumerate(rows):
        m = MARKER.match(lines[i].text)
        if m and k + 1 < len(rows):
            title_at = rows[k + 1]
            found.append((lines[title_at], int(m[1]), lines[title_at].text))
            taken.add(title_at)
    for k, i in enumerate(rows[:-1]):
        line, nxt = lines[i], lines[rows[k + 1]]
        if i in taken or line.is_table_row or MARKER.match(line.text) or UNIT_LINE.match(line.text):
            continue
        titled = line.text.endswith("表") and not line.text.endswith(("：", ":"))
        if titled and len(line.text) >= 6 and (nxt.is_table_row or UNIT_LINE.match(nxt.text) or _cell(nxt)):
            found.append((line, None, line.text))
    return sorted(found, key=lambda x: x[0].number)


def _cell(line: Line) -> bool:
    """A short line under a title: the first cell of a table written one cell per line (序号)."""
    return line.text in ("序号", "地区", "单位", "项目")


__all__ = ["ISO_DATE", "Parsed", "attachment_titles", "parse"]
