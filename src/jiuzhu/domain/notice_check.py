"""Check a notice's text: what a clerk typing it lets slip through.

The input is the notice as plain text, one line per paragraph or table row, table cells separated by a tab
(or, from a PDF's layout text, by two or more spaces). Each rule is a small function over the parsed text
returning problems that name the line (``Where.row`` is the 1-based line number). Reference data (the region
tree, budget units, classification codes, direct-fund tags) comes in as arguments.

The 版记 (抄送, 印发机关和印发日期) may stand after the attachments, at the end, as GB/T 9704 puts it and the
generated notices have it, or between the 成文日期 and the attachments, as clerks have typed it (the seed notice);
both read the same, and the second order is a warning.
"""

import bisect
import datetime
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from .allocation import AdjustmentLine, DeclaredRow, Totals, validate_lines
from .docno import DocNo, DocNoError, parse_docno
from .money import WAN, daxie
from .problems import Problem, Severity, Where
from .regions import RegionNode, RegionTree, normalise_name


@dataclass(frozen=True)
class CodeRef:
    kind: str
    """``income`` or ``expenditure``."""
    name: str


@dataclass(frozen=True)
class Reference:
    """What the checker compares a notice against."""

    tree: RegionTree
    issuer_code: str
    """The issuing region (its area bounds the regions a table may name)."""
    budget_units: Mapping[str, str] = field(default_factory=dict)
    """Budget-unit name → the region code it belongs to (地区社会福利院 → 654200)."""
    codes: Mapping[tuple[int, str], CodeRef] = field(default_factory=dict)
    """(fiscal year, code) → the code's kind and name."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """直达资金标识 code → name."""


# ---------------------------------------------------------------------------------------------------- parsing

_CJK = "\u3400-\u9fff\uf900-\ufaff"
_CJK_PUNCT = "，。、；：？！（）《》〈〉“”‘’【】〔〕"
_LONE_SPACE = re.compile(rf"(?<=[{_CJK}{_CJK_PUNCT}]) (?=[{_CJK}{_CJK_PUNCT}])")
_CELL_SPLIT = re.compile(r"\t| {2,}|\u3000{2,}")
_DATE = r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
_DATE_ONLY = re.compile(rf"^{_DATE}$")
_PRINTED = re.compile(rf"{_DATE}\s*印发")
_ANNOUNCE = re.compile(r"^附\s*件\s*[：:]\s*(.*)$")
_COPY_TO = re.compile(r"^抄\s*送\s*[：:]")
_ITEM = re.compile(r"^(\d+)\s*[.．、]\s*(.+)$")
_MARKER = re.compile(r"^附\s*件\s*(\d+)$")
_HEADING = re.compile(r"^([一二三四五六七八九十]{1,3})、")
_DOCNO_LIKE = re.compile(r"[〔\[【(（［]\s*\d{4}\s*[〕\]】)）］]\s*第?\s*\d*\s*号")
_CITED_DOCNO = re.compile(rf"([{_CJK}]{{2,10}}[〔\[【［][^〕\]】］]*[〕\]】］][^号，。；）)]{{0,8}}号)")
_UNIT_LINE = re.compile(r"^(单位[：:].*|[（(]\s*\d{4}\s*年度?\s*[）)])$")


@dataclass(frozen=True)
class Line:
    number: int
    text: str
    """Stripped, with stray single spaces between Chinese characters removed (PDF text has them)."""
    raw: str

    @property
    def cells(self) -> list[str]:
        """Table cells, empty ones included (a row may start with empty cells)."""
        return [c.strip() for c in _CELL_SPLIT.split(self.raw.rstrip())]

    @property
    def is_table_row(self) -> bool:
        return len([c for c in self.cells if c]) >= 2


def split_lines(text: str) -> list[Line]:
    out = []
    for number, original in enumerate(text.splitlines(), start=1):
        raw = original.replace("\xa0", " ").rstrip()
        out.append(Line(number, _LONE_SPACE.sub("", raw.strip()), raw))
    return out


def _fold(text: str) -> str:
    """For comparing titles and names: NFKC, no whitespace."""
    return "".join(unicodedata.normalize("NFKC", text).split())


@dataclass
class Parsed:
    lines: list[Line]
    docno_line: Line | None = None
    announce: list[tuple[Line, int | None, str]] = field(default_factory=list)
    """附件说明 items: (line, the number written, the title)."""
    body_end: int = 0
    """Index (0-based, exclusive) of the first line after the 正文."""
    tail_start: int = 0
    """Index of the first line after the 附件说明 (or after the 版记 when it precedes the attachments): where
    the attachments begin."""
    tail_end: int | None = None
    """Index of the first line of the 版记 when it follows the attachments (where they end), else None."""
    banji_at: int | None = None
    """Index of the 版记's first line (抄送, or the 印发 line when there is no 抄送)."""
    banji_first: bool = False
    """The 版记 precedes the attachments (GB/T 9704 puts it last)."""
    tables: list["AllocTable"] = field(default_factory=list)

    @property
    def tail(self) -> list[Line]:
        """The lines of the attachments."""
        return self.lines[self.tail_start : self.tail_end]


def _nonblank(lines: Sequence[Line], start: int = 0, end: int | None = None) -> list[int]:
    return [i for i in range(start, len(lines) if end is None else end) if lines[i].text]


def parse(text: str) -> Parsed:
    lines = split_lines(text)
    parsed = Parsed(lines=lines)
    head = _nonblank(lines)[:15]
    parsed.docno_line = next(
        (lines[i] for i in head if _DOCNO_LIKE.search(lines[i].text) and not lines[i].is_table_row), None
    )
    announce_at = next((i for i, x in enumerate(lines) if _ANNOUNCE.match(x.text)), None)
    if announce_at is not None:
        parsed.body_end = announce_at
        first = _ANNOUNCE.match(lines[announce_at].text)
        assert first is not None
        items = [(lines[announce_at], first[1])]
        last = announce_at
        present = [_fold(t) for _, _, t in _attachment_titles(lines, announce_at + 1)]
        for i in _nonblank(lines, announce_at + 1):
            if lines[i].is_table_row:
                break
            if not _ITEM.match(lines[i].text):
                # an item's title wrapped over lines (PDF text): join while it still reads as a present title
                joined = items[-1][1] + lines[i].text
                title = _fold(_ITEM.sub(r"\2", joined))
                if not any(t.startswith(title) for t in present):
                    break
                items[-1] = (items[-1][0], joined)
            else:
                items.append((lines[i], lines[i].text))
            last = i
        for line, item in items:
            m = _ITEM.match(item)
            parsed.announce.append((line, int(m[1]), m[2].strip()) if m else (line, None, item.strip()))
        parsed.tail_start = last + 1
    else:
        parsed.body_end = next((i for i, x in enumerate(lines) if _DATE_ONLY.match(x.text)), len(lines))
        parsed.tail_start = parsed.body_end
    printed = next((i for i, x in enumerate(lines) if _PRINTED.search(x.text)), None)
    if printed is not None and printed >= parsed.tail_start:
        parsed.banji_at = _banji_start(lines, printed, parsed.tail_start)
        if _attachment_titles(lines, printed + 1):  # the attachments follow the 版记
            parsed.tail_start = printed + 1
            parsed.banji_first = True
        else:  # the 版记 closes the notice
            parsed.tail_end = parsed.banji_at
    parsed.tables = _alloc_tables(lines)
    return parsed


def _banji_start(lines: Sequence[Line], printed: int, floor: int) -> int:
    """The 抄送 line a few lines above the 印发 line (the 印发机关 may stand on a line of its own), else the
    印发 line itself."""
    above = [i for i in _nonblank(lines, floor) if i < printed][-4:]
    return next((i for i in reversed(above) if _COPY_TO.match(lines[i].text)), printed)


# ------------------------------------------------------------------------------------------ allocation tables


def _number(cell: str) -> Decimal | None:
    text = unicodedata.normalize("NFKC", cell).replace(",", "").replace("−", "-").strip()
    if not re.fullmatch(r"[+-]?\d+(\.\d+)?", text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        return None


@dataclass(frozen=True)
class AllocRow:
    line: Line
    seq: int | None
    name: str
    values: tuple[Decimal, Decimal, Decimal, Decimal, Decimal]
    """(1) base, (2) 调减, (3) 调增, (4) 调整数小计, (5) 调整后合计, as written (万元)."""


@dataclass
class AllocTable:
    rows: list[AllocRow]
    unit: Decimal = WAN
    """元 per written unit (a table says 单位：万元 or 单位：元)."""

    @property
    def total_row(self) -> AllocRow | None:
        return next((r for r in self.rows if _fold(r.name) in ("合计", "总计")), None)

    @property
    def region_rows(self) -> list[AllocRow]:
        total = self.total_row
        return [r for r in self.rows if r is not total]


def _alloc_row(line: Line) -> AllocRow | None:
    """序号 | name | five numbers (a row of the 1, 2, 3, 4=3-2, 5=1+4 table)."""
    cells = [c for c in line.cells if c != ""]
    if len(cells) not in (6, 7):
        return None
    numbers = [_number(c) for c in cells[-5:]]
    if any(n is None for n in numbers):
        return None
    head = cells[:-5]
    seq = int(head[0]) if len(head) == 2 and head[0].isdigit() else None
    name = head[-1]
    if _number(name) is not None or (len(head) == 2 and seq is None):
        return None
    values = tuple(n for n in numbers if n is not None)
    return AllocRow(line, seq, name, values)  # type: ignore[arg-type]


def _alloc_tables(lines: Sequence[Line]) -> list[AllocTable]:
    tables: list[AllocTable] = []
    current: AllocTable | None = None
    unit = WAN
    for line in lines:
        if line.text.startswith("单位"):
            unit = WAN if "万元" in line.text else Decimal(1)
        row = _alloc_row(line) if line.is_table_row else None
        if row is not None:
            if current is None:
                current = AllocTable(rows=[], unit=unit)
                tables.append(current)
            current.rows.append(row)
        elif line.text and not line.is_table_row:
            current = None
    return tables


def _table_problems(table: AllocTable, ref: Reference) -> list[Problem]:
    """Each row 4=3-2 and 5=1+4, the 合计 row against the rows, and the regions (the domain's own rules)."""
    rows = table.region_rows
    codes = [_resolve(r.name, ref) for r in rows]
    lines = [
        AdjustmentLine(code or r.name, *(v * table.unit for v in r.values[:3]))
        for r, code in zip(rows, codes, strict=True)
    ]
    declared = [DeclaredRow(net=r.values[3] * table.unit, final=r.values[4] * table.unit) for r in rows]
    total = table.total_row
    declared_total = Totals(*(v * table.unit for v in total.values)) if total else None
    problems = validate_lines(
        lines, tree=ref.tree, issuer_code=ref.issuer_code, declared=declared, declared_total=declared_total
    )
    out = []
    for p in problems:
        line = total.line if p.where.entity == "合计" and total else rows[(p.where.row or 1) - 1].line
        where = Where(row=line.number, column=p.where.column)
        out.append(Problem(p.code, _in_wan(p.message, table.unit), where, p.severity, p.numbers))
    return out


def _in_wan(message: str, unit: Decimal) -> str:
    """The domain's messages print 元; a table in 万元 is easier to read back in 万元."""
    if unit != WAN:
        return message

    def repl(m: re.Match[str]) -> str:
        yuan = Decimal(m[1].replace(",", ""))
        return f"{(yuan / WAN).normalize():f}万元"

    return re.sub(r"(-?[\d,]+\.\d{2})元", repl, message)


def _resolve(name: str, ref: Reference) -> str | None:
    """The region code a table's name stands for: a region (by any of its names) or a budget unit's region."""
    node = ref.tree.find(name)
    if node is not None:
        return node.code
    return ref.budget_units.get(normalise_name(name))


# ------------------------------------------------------------------------------------------------------ rules

Rule = Callable[[Parsed, Reference], list[Problem]]


def _at(line: Line, **kw: str) -> Where:
    return Where(row=line.number, **kw)


_BLANK_TRIGGERS = (
    "资金",
    "安排",
    "下达",
    "合计",
    "共计",
    "总计",
    "金额",
    "调减",
    "调增",
    "拨付",
    "补助",
    "追加",
    "收回",
    "为",
    "计",
)
_DIGITISH = set("0123456789０１２３４５６７８９.零〇一二三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟")


@dataclass(frozen=True)
class Joined:
    """The 正文's lines as one string (a paragraph wrapped over lines, as PDF text is, reads as one)."""

    text: str
    starts: list[int]
    lines: list[Line]

    def line_at(self, offset: int) -> Line:
        return self.lines[bisect.bisect_right(self.starts, offset) - 1]


def _joined(parsed: Parsed) -> Joined:
    lines = [x for x in parsed.lines[: parsed.body_end] if x.text and not x.is_table_row]
    starts, offset = [], 0
    for line in lines:
        starts.append(offset)
        offset += len(line.text)
    return Joined("".join(x.text for x in lines), starts, lines)


def blank_figures(parsed: Parsed, ref: Reference) -> list[Problem]:
    """A unit with no figure before it: 「调整后当年实际安排补助资金 万元」."""
    problems = []
    suggestion = _suggested_total(parsed)
    body = _joined(parsed)
    text = body.text
    for m in re.finditer(r"万元|元", text):
        if m.group() == "元" and text[m.start() - 1 : m.start()] == "万":
            continue
        before = text[: m.start()].rstrip()
        if not before or before[-1] in _DIGITISH or before[-1] in "（(：:／/":
            continue
        if "单位" in before[-4:] or not before.endswith(_BLANK_TRIGGERS):
            continue
        line = body.line_at(m.start())
        snippet = before[-14:].lstrip(" ，。；：、") + " " + m.group()  # the gap, as a space
        numbers: dict[str, Decimal | int | str] = {"text": snippet}
        message = f"金额空缺：「{snippet}」中没有填写数字"
        if suggestion is not None and m.group() == "万元":
            numbers["suggested"] = suggestion
            message += f"；按附件分配表合计（第5栏）应为{suggestion}万元"
        problems.append(Problem("BLANK_FIGURE", message, _at(line), numbers=numbers))
    return problems


def _suggested_total(parsed: Parsed) -> str | None:
    """The allocation table's 合计 of column 5 in 万元, or the sum of its rows when there is no 合计 row."""
    if not parsed.tables:
        return None
    table = parsed.tables[0]
    total = table.total_row
    final = total.values[4] if total else sum((r.values[4] for r in table.region_rows), Decimal(0))
    return f"{(final * table.unit / WAN).normalize():f}"


_STATED_TOTAL = re.compile(r"(?:安排|下达|调整后)[^，。；\d]{0,16}?资金\s*(-?[\d,]+(?:\.\d+)?)\s*万元")
_STATED_DAXIE = re.compile(r"大写[：:]?\s*([零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整]+)")


def stated_totals(parsed: Parsed, ref: Reference) -> list[Problem]:
    """A total written in the 正文 (in figures or in 大写) that differs from the allocation table's 合计."""
    suggestion = _suggested_total(parsed)
    if suggestion is None:
        return []
    expected = Decimal(suggestion)
    problems = []
    body = _joined(parsed)
    for m in _STATED_TOTAL.finditer(body.text):
        stated = Decimal(m[1].replace(",", ""))
        if stated != expected:
            problems.append(
                Problem(
                    "STATED_TOTAL_MISMATCH",
                    f"正文写明{stated.normalize():f}万元，附件分配表合计（第5栏）为{suggestion}万元",
                    _at(body.line_at(m.start(1))),
                    numbers={"stated": stated, "table": expected},
                )
            )
    for m in _STATED_DAXIE.finditer(body.text):
        want = daxie(expected * WAN)
        if m[1] != want:
            problems.append(
                Problem(
                    "STATED_DAXIE_MISMATCH",
                    f"大写金额“{m[1]}”与附件分配表合计{suggestion}万元（{want}）不符",
                    _at(body.line_at(m.start(1))),
                    numbers={"stated": m[1], "expected": want},
                )
            )
    return problems


def table_arithmetic(parsed: Parsed, ref: Reference) -> list[Problem]:
    problems: list[Problem] = []
    for table in parsed.tables:
        problems += _table_problems(table, ref)
    return problems


def _sequence(items: Sequence[tuple[Line, int]], what: str, column: str = "") -> list[Problem]:
    """Numbers that should run first, first+1, …; each one out of place is named with the one it should be."""
    problems: list[Problem] = []
    if not items:
        return problems
    start = items[0][1]
    written = "、".join(str(n) for _, n in items)
    for k, (line, n) in enumerate(items):
        if n != start + k:
            problems.append(
                Problem(
                    "SEQUENCE_ORDER",
                    f"{what}顺序有误：本行为{n}，按顺序应为{start + k}（全部为{written}）",
                    _at(line, column=column),
                    numbers={"written": n, "expected": start + k},
                )
            )
    return problems


_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}


def _cn_number(text: str) -> int:
    """一 … 九十九."""
    if "十" not in text:
        return _CN_DIGITS[text]
    tens, _, ones = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def sequence_order(parsed: Parsed, ref: Reference) -> list[Problem]:
    """序号 of each table, the 正文's 一、二、… and the 附件说明's 1. 2. …"""
    problems = []
    for table in parsed.tables:
        problems += _sequence([(r.line, r.seq) for r in table.rows if r.seq is not None], "序号", "序号")
    headings = []
    for line in parsed.lines[: parsed.body_end]:
        m = _HEADING.match(line.text)
        if m and all(c in "一二三四五六七八九十" for c in m[1]):
            headings.append((line, _cn_number(m[1])))
    problems += _sequence(headings, "正文层次序号")
    problems += _sequence([(line, n) for line, n, _ in parsed.announce if n is not None], "附件说明序号")
    return problems


_REGION_LIKE = re.compile(rf"^[{_CJK}]{{2,12}}(县|市|区|州|旗)$")
_NOT_REGION = ("各县", "县市", "地州", "县级", "本级", "省级", "自治区", "地区")


def _region_mentions(parsed: Parsed, ref: Reference) -> list[tuple[Line, str]]:
    """Names in the allocation tables' name column, and region-like or known names in other tables' cells."""
    mentions = [(r.line, r.name) for t in parsed.tables for r in t.region_rows]
    in_tables = {r.line.number for t in parsed.tables for r in t.rows}
    for line in parsed.tail:
        if not line.is_table_row or line.number in in_tables:
            continue
        for cell in line.cells:
            name = normalise_name(cell)
            if not name or _number(name) is not None:
                continue
            known = ref.tree.find(name) is not None or name in ref.budget_units
            looks = _REGION_LIKE.match(name) and not name.startswith(_NOT_REGION) and not _fragment(name, ref)
            if known or looks:
                mentions.append((line, name))
    return mentions


def _fragment(name: str, ref: Reference) -> bool:
    """Part of a known name (a table header cell wrapped over two lines in PDF text: 和布克 / 赛尔县)."""
    known = [*(n for node in ref.tree for n in node.names), *ref.budget_units]
    return any(k != name and (k.endswith(name) or k.startswith(name)) for k in known)


def region_names(parsed: Parsed, ref: Reference) -> list[Problem]:
    """Unknown names (outside allocation tables: the table rules cover those); one region under two names."""
    problems: list[Problem] = []
    first_form: dict[str, tuple[Line, str]] = {}
    reported: set[tuple[str, str]] = set()
    table_lines = {r.line.number for t in parsed.tables for r in t.rows}
    for line, name in _region_mentions(parsed, ref):
        node: RegionNode | None = ref.tree.find(name)
        if node is None:
            if name not in ref.budget_units and line.number not in table_lines:
                problems.append(Problem("UNKNOWN_REGION", f"未知的地区名称“{name}”", _at(line, entity=name)))
            continue
        seen = first_form.setdefault(node.code, (line, name))
        if seen[1] != name and (node.code, name) not in reported:
            reported.add((node.code, name))
            problems.append(
                Problem(
                    "REGION_TWO_NAMES",
                    f"“{name}”与第{seen[0].number}行的“{seen[1]}”是同一地区（{node.name}），全文应统一写作"
                    f"“{node.short_name}”",
                    _at(line),
                    numbers={"first_line": seen[0].number, "code": node.code},
                )
            )
    return problems


def document_number(parsed: Parsed, ref: Reference) -> list[Problem]:
    """The 发文字号 near the top parses and is written canonically; each 文号 cited in the 正文 parses."""
    problems = []
    line = parsed.docno_line
    if line is None:
        problems.append(Problem("DOCNO_MISSING", "未找到发文字号（如：塔地财社〔2022〕82号）", Where(row=1)))
    else:
        try:
            docno = parse_docno(line.text)
            if str(docno) != "".join(line.text.split()):  # spaces are the PDF's, not the writer's
                problems.append(
                    Problem(
                        "DOCNO_FORM",
                        f"发文字号应写作“{docno}”（六角括号〔〕、不编虚位、不加“第”字）",
                        _at(line),
                        Severity.WARNING,
                    )
                )
        except DocNoError as exc:
            problems.append(Problem("DOCNO_INVALID", str(exc), _at(line)))
    for body_line in parsed.lines[: parsed.body_end]:
        if body_line is line:
            continue
        for m in _CITED_DOCNO.finditer(body_line.text):
            try:
                parse_docno(m[1])
            except DocNoError as exc:
                problems.append(Problem("CITED_DOCNO_INVALID", f"引用的{exc}", _at(body_line, entity=m[1])))
    return problems


def _date(m: re.Match[str], line: Line, what: str, problems: list[Problem]) -> datetime.date | None:
    try:
        value = datetime.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        problems.append(Problem("DATE_INVALID", f"{what}“{m.group()}”不是有效日期", _at(line)))
        return None
    if any(part.startswith("0") for part in (m[2], m[3])):
        problems.append(
            Problem(
                "DATE_FORM",
                f"{what}应写作“{value.year}年{value.month}月{value.day}日”（不编虚位）",
                _at(line, entity=m.group()),
                Severity.WARNING,
            )
        )
    return value


def dates(parsed: Parsed, ref: Reference) -> list[Problem]:
    """成文日期 present and valid; 印发日期 not before it; the 文号's year the 成文日期's year."""
    problems: list[Problem] = []
    signed = printed = None
    signed_line = next((x for x in parsed.lines[parsed.body_end :] if _DATE_ONLY.match(x.text)), None)
    if signed_line is None:
        problems.append(Problem("SIGNED_DATE_MISSING", "未找到成文日期", Where(row=len(parsed.lines) or 1)))
    else:
        signed = _date(_DATE_ONLY.match(signed_line.text), signed_line, "成文日期", problems)  # type: ignore[arg-type]
    printed_line = next((x for x in parsed.lines if _PRINTED.search(x.text)), None)
    if printed_line is None:
        problems.append(
            Problem(
                "PRINTED_DATE_MISSING",
                "未找到印发日期（版记应有“……印发”）",
                Where(row=len(parsed.lines) or 1),
                Severity.WARNING,
            )
        )
    else:
        printed = _date(_PRINTED.search(printed_line.text), printed_line, "印发日期", problems)  # type: ignore[arg-type]
    if signed and printed and printed < signed and printed_line:
        problems.append(
            Problem(
                "PRINTED_BEFORE_SIGNED",
                f"印发日期{_cn_date(printed)}早于成文日期{_cn_date(signed)}",
                _at(printed_line),
                numbers={"signed": signed.isoformat(), "printed": printed.isoformat()},
            )
        )
    docno = _docno(parsed)
    if signed and docno and docno.year != signed.year and signed_line:
        problems.append(
            Problem(
                "DOCNO_YEAR",
                f"文号年份{docno.year}与成文日期{_cn_date(signed)}的年份不一致",
                _at(signed_line),
                Severity.WARNING,
            )
        )
    return problems


def _cn_date(d: datetime.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _docno(parsed: Parsed) -> DocNo | None:
    if parsed.docno_line is None:
        return None
    try:
        return parse_docno(parsed.docno_line.text)
    except DocNoError:
        return None


def _attachment_titles(
    lines: Sequence[Line], start: int, end: int | None = None
) -> list[tuple[Line, int | None, str]]:
    """Attachments present in ``lines[start:end]``: a title after a 附件N marker, or a title line over a table."""
    found: list[tuple[Line, int | None, str]] = []
    nonblank = _nonblank(lines, start, end)
    taken: set[int] = set()
    for k, i in enumerate(nonblank):
        m = _MARKER.match(lines[i].text)
        if m and k + 1 < len(nonblank):
            title_at = nonblank[k + 1]
            found.append((lines[title_at], int(m[1]), lines[title_at].text))
            taken.add(title_at)
    for k, i in enumerate(nonblank[:-1]):
        line, nxt = lines[i], lines[nonblank[k + 1]]
        if i in taken or line.is_table_row or _MARKER.match(line.text) or _UNIT_LINE.match(line.text):
            continue
        titled = line.text.endswith("表") and not line.text.endswith(("：", ":"))
        if titled and len(line.text) >= 6 and (nxt.is_table_row or _UNIT_LINE.match(nxt.text)):
            found.append((line, None, line.text))
    return sorted(found, key=lambda x: x[0].number)


def attachments(parsed: Parsed, ref: Reference) -> list[Problem]:
    """Each attachment announced in the 附件说明 is present, and each present one was announced."""
    problems = []
    present = _attachment_titles(parsed.lines, parsed.tail_start, parsed.tail_end)
    present_titles = {_fold(t) for _, _, t in present}
    announced_titles = {_fold(t) for _, _, t in parsed.announce}
    for line, n, title in parsed.announce:
        if _fold(title) not in present_titles:
            problems.append(
                Problem(
                    "ATTACHMENT_MISSING",
                    f"附件说明列出附件{n or ''}“{title}”，但文中没有该附件",
                    _at(line, entity=title),
                )
            )
    count = len(parsed.announce)
    for line, n, title in present:
        if _fold(title) in announced_titles:
            continue
        label = f"附件{n}" if n else "附件"
        detail = f"（附件说明只列了{count}个）" if n and n > count else ""
        problems.append(
            Problem(
                "ATTACHMENT_UNANNOUNCED",
                f"文中有{label}“{title}”，但附件说明未列出{detail}",
                _at(line),
            )
        )
    return problems


def banji_position(parsed: Parsed, ref: Reference) -> list[Problem]:
    """GB/T 9704 puts the 版记 after the attachments, on the notice's last page; before them it is a warning."""
    if not parsed.banji_first or parsed.banji_at is None:
        return []
    return [
        Problem(
            "BANJI_BEFORE_ATTACHMENTS",
            "版记（抄送、印发机关和印发日期）应置于附件之后、公文最后一面（GB/T 9704—2012）",
            _at(parsed.lines[parsed.banji_at]),
            Severity.WARNING,
        )
    ]


_QUOTED_CODE = re.compile(r"“\s*(\d{7}|\d{5}|\d{3})(?!\d)\s*([^”]{0,40})”")
_TAG = re.compile(r"标识为?“\s*(\d{2})\s*([^”]*)”")
_LEVEL_WORD = {3: "类", 5: "款", 7: "项"}


def classification_codes(parsed: Parsed, ref: Reference) -> list[Problem]:
    """Codes quoted in the 正文 exist in the year's 政府收支分类科目 with their kind and name; tags exist."""
    problems = []
    docno = _docno(parsed)
    for line in parsed.lines[: parsed.body_end]:
        for m in _QUOTED_CODE.finditer(line.text):
            code, name = m[1], m[2].strip()
            year_m = re.search(r"(\d{4})\s*年\s*政府收支分类科目", line.text[: m.start()])
            year = int(year_m[1]) if year_m else (docno.year if docno else None)
            kind = _kind_before(line.text[: m.start()])
            problems += _code_problems(line, code, name, year=year, kind=kind, ref=ref)
        for m in _TAG.finditer(line.text):
            if ref.tags and m[1] not in ref.tags:
                problems.append(Problem("UNKNOWN_TAG", f"直达资金标识“{m[1]}”不在参照表中", _at(line)))
    return problems


def _kind_before(text: str) -> str | None:
    """收入 or 支出, whichever the clause names last before the code."""
    found = [(text.rfind(word), kind) for word, kind in (("收入", "income"), ("支出", "expenditure"))]
    position, kind = max(found)
    return kind if position >= 0 else None


def _code_problems(
    line: Line, code: str, name: str, *, year: int | None, kind: str | None, ref: Reference
) -> list[Problem]:
    matches = {y: c for (y, k), c in ref.codes.items() if k == code and (year is None or y == year)}
    where = _at(line, entity=code)
    if not matches:
        in_year = f"{year}年" if year else ""
        return [Problem("UNKNOWN_CODE", f"科目编码{code}不在{in_year}政府收支分类科目参照表中", where)]
    found = next(iter(matches.values()))
    labels = {"income": "收入分类", "expenditure": "支出功能分类"}
    problems = []
    if kind and found.kind != kind:
        problems.append(
            Problem(
                "CODE_KIND",
                f"{code}是{labels[found.kind]}科目，此处用作{labels[kind]}科目",
                where,
            )
        )
    written = name.removeprefix(_LEVEL_WORD.get(len(code), "")).strip()
    if written and written != found.name:
        problems.append(
            Problem(
                "CODE_NAME",
                f"科目{code}的名称应为“{found.name}”，文中写作“{written}”",
                where,
                Severity.WARNING,
                numbers={"written": written, "reference": found.name},
            )
        )
    return problems


RULES: tuple[Rule, ...] = (
    document_number,
    blank_figures,
    stated_totals,
    table_arithmetic,
    sequence_order,
    region_names,
    dates,
    attachments,
    banji_position,
    classification_codes,
)


def check_notice(text: str, *, reference: Reference) -> list[Problem]:
    """Every finding over the notice's text, in line order."""
    parsed = parse(text)
    problems = [p for rule in RULES for p in rule(parsed, reference)]
    return sorted(problems, key=lambda p: p.where.row or 0)
