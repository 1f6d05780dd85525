"""指标值 as a structure: a comparison with number and unit, a qualitative value with the rule it implies, a
deadline relative to an event, or blank. ``parse_value`` reads what a clerk types; ``str()`` of a parsed value
is its canonical text, and parsing that text gives the same value back.
"""

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class TargetValueError(ValueError):
    """An 指标值 the system cannot read; the message is for the clerk."""


class Op(StrEnum):
    GE = "≥"
    LE = "≤"
    EQ = "="
    GT = ">"
    LT = "<"


#: What a clerk may type for each comparison (full-width forms are read as ASCII first).
OP_SPELLINGS = {
    "≥": Op.GE,
    ">=": Op.GE,
    "≧": Op.GE,
    "≤": Op.LE,
    "<=": Op.LE,
    "≦": Op.LE,
    "=": Op.EQ,
    ">": Op.GT,
    "<": Op.LT,
}


class Rule(StrEnum):
    """What a qualitative value asks of the year's actual."""

    NOT_BELOW_LAST_YEAR = "not_below_last_year"
    """不低于上年: this year's actual ≥ last year's."""
    ABOVE_LAST_YEAR = "above_last_year"
    """稳步提高, 有所提升, 进一步改善: this year's actual > last year's, else the reviewer judges."""
    REVIEWER = "reviewer"
    """应保尽保, 及时返乡: judged by the reviewer on the evidence."""


RULE_LABELS = {
    Rule.NOT_BELOW_LAST_YEAR: "与上年实际值比较，不低于上年",
    Rule.ABOVE_LAST_YEAR: "与上年实际值比较，高于上年",
    Rule.REVIEWER: "由评审人根据佐证材料判定",
}

#: The qualitative values in use, with their rules.
QUALITATIVE: dict[str, Rule] = {
    "不低于上年": Rule.NOT_BELOW_LAST_YEAR,
    "稳步提高": Rule.ABOVE_LAST_YEAR,
    "有所提升": Rule.ABOVE_LAST_YEAR,
    "有所提高": Rule.ABOVE_LAST_YEAR,
    "进一步改善": Rule.ABOVE_LAST_YEAR,
    "逐步提高": Rule.ABOVE_LAST_YEAR,
    "应保尽保": Rule.REVIEWER,
    "及时返乡": Rule.REVIEWER,
    "及时足额发放": Rule.REVIEWER,
    "长期": Rule.REVIEWER,
}


@dataclass(frozen=True)
class Comparison:
    op: Op
    number: Decimal
    """Never negative."""
    unit: str
    """%, 人, 人次, 元/人·月, 万元 … (may be empty)."""

    def __str__(self) -> str:
        return f"{self.op.value}{self.number:f}{self.unit}"


@dataclass(frozen=True)
class Qualitative:
    text: str
    rule: Rule

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Deadline:
    event: str
    """What starts the clock: 收到补助资金."""
    days: int
    unit: str = "日"
    """日 (calendar days) or 个工作日."""

    def __str__(self) -> str:
        return f"{self.event}后{self.days}{self.unit}内"


@dataclass(frozen=True)
class Blank:
    """A target still to be set."""

    def __str__(self) -> str:
        return ""


TargetValue = Comparison | Qualitative | Deadline | Blank

_OPS = "|".join(re.escape(s) for s in sorted(OP_SPELLINGS, key=len, reverse=True))
_COMPARISON = re.compile(rf"({_OPS})\s*(\d+(?:\.\d+)?)\s*([^\d\s<>=≥≤≧≦.]*)")
_DEADLINE = re.compile(r"(收到\S+?)后(\d+)(日|天|个工作日)内")
_HINT = "应写成比较值（如 ≥95%、≥21933人、≤4758万元）、定性值（如 应保尽保、不低于上年）或时限（如 收到补助资金后30日内），也可留空"


def parse_value(text: str) -> TargetValue:
    """The structure of one typed 指标值; ``TargetValueError`` with a Chinese message when it cannot be read."""
    s = unicodedata.normalize("NFKC", text).strip()  # full-width ＞＝％ as their ASCII forms
    if not s:
        return Blank()
    m = _COMPARISON.fullmatch(s)
    if m:
        return Comparison(OP_SPELLINGS[m[1]], Decimal(m[2]), m[3])
    m = _DEADLINE.fullmatch(s)
    if m:
        return Deadline(m[1], int(m[2]), "日" if m[3] == "天" else m[3])
    if s in QUALITATIVE:
        return Qualitative(s, QUALITATIVE[s])
    raise TargetValueError(f"无法识别指标值「{s}」：{_HINT}")


def canonical(text: str) -> str:
    return str(parse_value(text))


def kind_label(value: TargetValue) -> str:
    if isinstance(value, Comparison):
        return "定量"
    if isinstance(value, Qualitative):
        return "定性"
    if isinstance(value, Deadline):
        return "时限"
    return "待定"
