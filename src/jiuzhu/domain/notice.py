"""A notice (公文) as content: what the DOCX and PDF generators lay out in GB/T 9704 form.

Everything the bureau words its own way (issuing bodies, 主送, 抄送, 印发机关, the body text) comes in as data
from the notice template; this module only holds the parts and the small rules of the format (a title split
over lines by meaning, the 署名 centred over the 成文日期).
"""

import datetime
import itertools
import math
from dataclasses import dataclass, field
from decimal import Decimal

from .money import WAN


class Style:
    BODY = "body"
    """正文 paragraph, 仿宋, indented two characters."""
    H1 = "h1"
    """一级标题 (一、…), 黑体."""
    H2 = "h2"
    """二级标题 (（一）…), 楷体."""


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: str = Style.BODY


def parse_body(text: str) -> tuple[Paragraph, ...]:
    """Paragraphs separated by line breaks; ``# `` starts a 黑体 heading, ``## `` a 楷体 one."""
    out = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("## "):
            out.append(Paragraph(line[3:].strip(), Style.H2))
        elif line.startswith("# "):
            out.append(Paragraph(line[2:].strip(), Style.H1))
        else:
            out.append(Paragraph(line))
    return tuple(out)


def cn_date(day: datetime.date) -> str:
    """2022年10月31日: Arabic numerals, no leading zeros."""
    return f"{day.year}年{day.month}月{day.day}日"


def text_width(text: str) -> float:
    """Width in characters of the body font: a Chinese character is 1, a half-width digit or letter 0.5."""
    return sum(0.5 if ord(c) < 0x2000 else 1.0 for c in text)


#: Words a title may break after (so each line ends on a whole word); checked longest first.
_BREAK_AFTER = ("救助", "资金", "方案", "关于", "下达", "调整", "年度", "年", "区", "的", "和", "及")


def split_title(title: str, *, per_line: float = 20) -> tuple[str, ...]:
    """The title over as few lines as fit ``per_line`` characters (2号 in a 156 mm 版心), broken after whole
    words, lines as even as possible with the longer line first (an inverted trapezoid)."""
    if text_width(title) <= per_line:
        return (title,)
    lines = math.ceil(text_width(title) / per_line)
    return tuple(_best_split(title, lines, per_line))


def _best_split(title: str, lines: int, per_line: float) -> list[str]:
    if lines == 1:
        return [title]
    best: tuple[float, list[str]] | None = None
    for i in range(1, len(title)):
        head, rest = title[:i], title[i:]
        if text_width(head) > per_line or not head.endswith(_BREAK_AFTER) or rest[0] in "的，、）":
            continue
        if head[-1].isdigit() and rest[0].isdigit():
            continue
        tail = _best_split(rest, lines - 1, per_line)
        if any(text_width(t) > per_line for t in tail):
            continue
        widths = [text_width(head), *map(text_width, tail)]
        score = max(widths) - min(widths) + sum(2 for a, b in itertools.pairwise(widths) if b > a)
        if best is None or score < best[0]:
            best = (score, [head, *tail])
    if best is None:  # no word boundary fits: break by width
        cut = int(per_line)
        return [title[:cut], *_best_split(title[cut:], lines - 1, per_line)]
    return best[1]


def signature_indent(names: str, date_text: str, *, date_indent: float = 4) -> float:
    """Right indent (characters) of the 署名 line so that it is centred over the date, which stands four
    characters in from the right (GB/T 9704, with a seal)."""
    return max(0.0, date_indent + (text_width(date_text) - text_width(names)) / 2)


@dataclass(frozen=True)
class AllocationRow:
    seq: int | None
    name: str
    values: tuple[Decimal, Decimal, Decimal, Decimal, Decimal]
    """(1) … (5) in 元."""

    def wan(self) -> tuple[str, ...]:
        return tuple(f"{(v / WAN).normalize():f}" for v in self.values)

    def amount_wan(self) -> str:
        """A 下达's one figure: what the region gets, (5)."""
        return self.wan()[4]


@dataclass(frozen=True)
class AllocationAttachment:
    title: str
    source_label: str
    """自治区 in 自治区补助资金额度."""
    total: AllocationRow
    rows: tuple[AllocationRow, ...]
    is_adjustment: bool = True
    """An adjustment prints (1)…(5); a 下达 prints a plain table: 序号, 地区, 金额."""


@dataclass(frozen=True)
class TargetAttachment:
    title: str
    year: int
    project: str
    provincial_finance: str
    provincial_department: str
    local_department: str
    amount_wan: str
    provincial_wan: str
    local_wan: str
    columns: tuple[str, ...]
    goals: tuple[str, ...]
    rows: tuple[tuple[str, str, str, str, int, int], ...]
    """(一级, 二级, 三级, 指标值, span of 一级 or 0, span of 二级 or 0)."""


@dataclass(frozen=True)
class FeedbackAttachment:
    title: str
    columns: tuple[str, ...]
    notes: tuple[str, ...]
    blank_rows: int = 3


@dataclass(frozen=True)
class Notice:
    issuers: tuple[str, ...]
    """发文机关 (stacked in the 发文机关标志, one per line)."""
    mark_suffix: str
    """文件, to the right of the names (may be empty)."""
    doc_no: str
    title: str
    addressees: str
    body: tuple[Paragraph, ...]
    doc_date: datetime.date
    copy_to: str
    """抄送 bodies (without 抄送：), ending with 。."""
    printer: str
    """印发机关."""
    print_date: datetime.date
    allocation: AllocationAttachment
    targets: TargetAttachment | None = None
    feedback: FeedbackAttachment | None = None
    title_lines: tuple[str, ...] = field(default=())

    @property
    def attachment_titles(self) -> tuple[str, ...]:
        parts = [self.allocation, self.targets, self.feedback]
        return tuple(p.title for p in parts if p is not None)

    @property
    def signers_text(self) -> str:
        return "\u3000\u3000".join(self.issuers)

    @property
    def lines_of_title(self) -> tuple[str, ...]:
        return self.title_lines or split_title(self.title)
