"""The notice's frame: 序号 order, attachments announced vs present, and where the 版记 stands."""

import re
from collections.abc import Sequence

from ..problems import Problem, Severity, Where
from .layout import Parsed, attachment_titles
from .tables import Table
from .text import Line, fold

_HEADING = re.compile(r"^([一二三四五六七八九十]{1,3})、")
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}


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
                    Where(row=line.number, column=column),
                    numbers={"written": n, "expected": start + k},
                )
            )
    return problems


def _cn_number(text: str) -> int:
    """一 … 九十九."""
    if "十" not in text:
        return _CN_DIGITS[text]
    tens, _, ones = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def sequence_order(parsed: Parsed, tables: Sequence[Table]) -> list[Problem]:
    """序号 of each table, the 正文's 一、二、… and the 附件说明's 1. 2. …"""
    problems = []
    for table in tables:
        problems += _sequence([(r.line, r.seq) for r in table.rows if r.seq is not None], "序号", "序号")
    headings = []
    for line in parsed.body:
        m = _HEADING.match(line.text)
        if m:
            headings.append((line, _cn_number(m[1])))
    problems += _sequence(headings, "正文层次序号")
    problems += _sequence([(line, n) for line, n, _ in parsed.announce if n is not None], "附件说明序号")
    return problems


def attachments(parsed: Parsed) -> list[Problem]:
    """Each attachment announced in the 附件说明 is present, and each present one was announced. A notice that
    carries none of its attachments (a web page links them as files) gets one warning instead."""
    present = attachment_titles(parsed.lines, parsed.tail_start, parsed.tail_end)
    if parsed.announce and not present and not any(x.text for x in parsed.tail if x.is_table_row):
        line = parsed.announce[0][0]
        return [
            Problem(
                "ATTACHMENTS_ABSENT",
                f"附件说明列出{len(parsed.announce)}个附件，但文中没有附件内容，未能核对附件",
                Where(row=line.number),
                Severity.WARNING,
            )
        ]
    problems = []
    present_titles = {fold(t) for _, _, t in present}
    announced_titles = {fold(t) for _, _, t in parsed.announce}
    for line, n, title in parsed.announce:
        if fold(title) not in present_titles:
            problems.append(
                Problem(
                    "ATTACHMENT_MISSING",
                    f"附件说明列出附件{n or ''}“{title}”，但文中没有该附件",
                    Where(row=line.number, entity=title),
                )
            )
    count = len(parsed.announce)
    for line, n, title in present:
        if fold(title) in announced_titles:
            continue
        label = f"附件{n}" if n else "附件"
        detail = f"（附件说明只列了{count}个）" if n and n > count else ""
        problems.append(
            Problem(
                "ATTACHMENT_UNANNOUNCED",
                f"文中有{label}“{title}”，但附件说明未列出{detail}",
                Where(row=line.number),
            )
        )
    return problems


def banji_position(parsed: Parsed) -> list[Problem]:
    """GB/T 9704 puts the 版记 after the attachments, on the notice's last page; before them it is a warning."""
    if not parsed.banji_first or parsed.banji_at is None:
        return []
    return [
        Problem(
            "BANJI_BEFORE_ATTACHMENTS",
            "版记（抄送、印发机关和印发日期）应置于附件之后、公文最后一面（GB/T 9704—2012）",
            Where(row=parsed.lines[parsed.banji_at].number),
            Severity.WARNING,
        )
    ]
