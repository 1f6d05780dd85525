"""The 正文's figures against the tables: the total in 万元 or 元, in Arabic or Chinese numerals, in 大写, and a
figure left blank (「安排补助资金 万元」), reported with the table's total as the suggestion."""

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..money import WAN, daxie
from ..problems import Problem, Where
from .layout import Parsed
from .tables import Table
from .text import CN_UPPER, Line, cn_number, daxie_value, plain


@dataclass(frozen=True)
class Joined:
    """The 正文's lines as one string (a paragraph wrapped over lines, as PDF text is, reads as one)."""

    text: str
    starts: list[int]
    lines: list[Line]

    def line_at(self, offset: int) -> Line:
        return self.lines[bisect.bisect_right(self.starts, offset) - 1]


def joined(parsed: Parsed) -> Joined:
    lines = [x for x in parsed.body if x.text and not x.is_table_row]
    starts, offset = [], 0
    for line in lines:
        starts.append(offset)
        offset += len(line.text)
    return Joined("".join(x.text for x in lines), starts, lines)


def main_table(tables: Sequence[Table]) -> Table | None:
    """The table whose total the 正文 states: the first with a 合计 row, else the first."""
    with_total = [t for t in tables if t.total_row is not None and t.columns]
    return with_total[0] if with_total else next((t for t in tables if t.columns), None)


def _in(unit: str, yuan: Decimal) -> str:
    return f"{plain(yuan / WAN)}万元" if unit == "万元" else f"{plain(yuan)}元"


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


def blank_figures(parsed: Parsed, tables: Sequence[Table]) -> list[Problem]:
    """A unit with no figure before it: 「调整后当年实际安排补助资金 万元」."""
    problems = []
    table = main_table(tables)
    total = table.main_total() if table else None
    body = joined(parsed)
    text = body.text
    for m in re.finditer(r"万元|元", text):
        if m.group() == "元" and text[m.start() - 1 : m.start()] in ("万", *CN_UPPER):
            continue
        before = text[: m.start()].rstrip()
        if not before or before[-1] in _DIGITISH or before[-1] in "（(：:／/":
            continue
        if "单位" in before[-4:] or not before.endswith(_BLANK_TRIGGERS):
            continue
        snippet = before[-14:].lstrip(" ，。；：、") + " " + m.group()  # the gap, as a space
        numbers: dict[str, Decimal | int | str] = {"text": snippet}
        message = f"金额空缺：「{snippet}」中没有填写数字"
        if total is not None:
            suggested = _in(m.group(), total)
            numbers["suggested"] = suggested.removesuffix("万元").removesuffix("元")
            message += f"；按附件分配表合计应为{suggested}"
        problems.append(
            Problem("BLANK_FIGURE", message, Where(row=body.line_at(m.start()).number), numbers=numbers)
        )
    return problems


_NUM = r"(?P<num>\d[\d,]*(?:\.\d+)?|[零〇一二三四五六七八九十百千万亿两点]+?)"
_GAP = r"(?:[^，。；：:\d（(《》“”]|\d{4}\s*年|[（(][^）)]{0,10}[）)]){0,30}?"
STATED = re.compile(
    rf"(?P<lead>安排|下达|调整后|拨付|共计|合计|总计|追加)(?P<gap>{_GAP})\s*{_NUM}\s*(?P<unit>万元|元)"
)
_FUND_WORDS = ("资金", "经费", "预算")


def _is_total(m: re.Match[str]) -> bool:
    """下达…资金413万元, 共计356800元 — not a rate (按月拨付600元, 每人每月补助…)."""
    if any(w in m["gap"] for w in _FUND_WORDS):
        return "每人" not in m["gap"] and "每月" not in m["gap"]
    return m["lead"] in ("共计", "合计", "总计") and not m["gap"].strip()


DAXIE = re.compile(
    rf"(?:大写[：:]?\s*|人民币)?(?P<dx>[{CN_UPPER}]+元(?:[{CN_UPPER}]角)?(?:[{CN_UPPER}]分)?整?)"
)
ANY_FIGURE = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(万元|元)")


def _value(num: str, unit: str) -> Decimal | None:
    if num[0].isdigit():
        value: Decimal | None = Decimal(num.replace(",", ""))
    else:
        value = cn_number(num)
    if value is None:
        return None
    return value * (WAN if unit == "万元" else 1)


def stated_totals(parsed: Parsed, tables: Sequence[Table]) -> list[Problem]:
    """A total the 正文 states (下达…资金413万元, 四百一十三万元) that no column of the tables totals."""
    table = main_table(tables)
    if table is None:
        return []
    expected = table.main_total()
    known = {v for t in tables for v in t.column_totals()}
    problems = []
    body = joined(parsed)
    for m in STATED.finditer(body.text):
        stated = _value(m["num"], m["unit"])
        if stated is None or expected is None or stated in known or not _is_total(m):
            continue
        written = m["num"] + m["unit"]
        problems.append(
            Problem(
                "STATED_TOTAL_MISMATCH",
                f"正文写明{written}，附件分配表合计为{_in(m['unit'], expected)}",
                Where(row=body.line_at(m.start("num")).number, entity=written),
                numbers={
                    "stated": stated / (WAN if m["unit"] == "万元" else 1),
                    "table": expected / (WAN if m["unit"] == "万元" else 1),
                },
            )
        )
    return problems


_PARTS = re.compile(
    r"(?P<total>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>万元|元)\s*[（(]\s*其中\s*[：:，,]?(?P<parts>[^）)]{0,80})[）)]"
)


def parts_sum(parsed: Parsed, tables: Sequence[Table]) -> list[Problem]:
    """A figure with its parts (8167万元（其中：中央补助6399万元，省级补助1768万元）): the parts add up to it."""
    body = joined(parsed)
    problems = []
    for m in _PARTS.finditer(body.text):
        parts = [_value(p[1], p[2]) for p in ANY_FIGURE.finditer(m["parts"])]
        total = _value(m["total"], m["unit"])
        if len(parts) < 2 or total is None or any(p is None for p in parts):
            continue
        added = sum((p for p in parts if p is not None), Decimal(0))
        if added != total:
            problems.append(
                Problem(
                    "PARTS_SUM_MISMATCH",
                    f"{m['total']}{m['unit']}的其中各项相加为{_in(m['unit'], added)}，两者不符",
                    Where(row=body.line_at(m.start()).number, entity=m.group()),
                    numbers={"stated": total, "computed": added},
                )
            )
    return problems


def daxie_figures(parsed: Parsed, tables: Sequence[Table]) -> list[Problem]:
    """A 大写 amount agrees with the figure it spells (the one just before it), else with the table's total."""
    table = main_table(tables)
    total = table.main_total() if table else None
    body = joined(parsed)
    problems = []
    for m in DAXIE.finditer(body.text):
        written = m["dx"]
        value = daxie_value(written)
        if len(written) < 3 or value is None:
            continue
        before = list(ANY_FIGURE.finditer(body.text, max(0, m.start() - 30), m.start()))
        if before:
            near = before[-1]
            expected, what = _value(near[1], near[2]), f"小写金额{near.group()}"
        elif total is not None:
            expected, what = total, f"附件分配表合计{_in('万元', total)}"
        else:
            continue
        if expected is None or value == expected:
            continue
        want = daxie(expected)
        problems.append(
            Problem(
                "STATED_DAXIE_MISMATCH",
                f"大写金额“{written}”与{what}（{want}）不符",
                Where(row=body.line_at(m.start("dx")).number, entity=written),
                numbers={"stated": written, "expected": want},
            )
        )
    return problems
