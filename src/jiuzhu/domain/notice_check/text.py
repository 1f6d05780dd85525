"""The notice as lines and cells; numbers and dates as bureaus write them.

A line is a paragraph or a table row. Table cells are separated by a tab (DOCX, typed text), by ``|`` (text
copied from a web page), or by two or more spaces (a PDF's layout text).
"""

import datetime
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import cn2an

CJK = "\u3400-\u9fff\uf900-\ufaff"
CJK_PUNCT = "，。、；：？！（）《》〈〉“”‘’【】〔〕"
_LONE_SPACE = re.compile(rf"(?<=[{CJK}{CJK_PUNCT}]) (?=[{CJK}{CJK_PUNCT}])")
_CELL_SPLIT = re.compile(r"\t|\s*[|｜]\s*| {2,}|\u3000{2,}")


@dataclass(frozen=True)
class Line:
    number: int
    text: str
    """Stripped, with stray single spaces between Chinese characters removed (PDF text has them)."""
    raw: str

    @property
    def cells(self) -> list[str]:
        """Table cells, empty ones included (a row may start with empty cells)."""
        raw = self.raw.rstrip()
        framed = raw.strip()
        if len(framed) > 1 and framed[0] in "|｜" and framed[-1] in "|｜":  # | a | b |
            raw = framed[1:-1]
        return [c.strip() for c in _CELL_SPLIT.split(raw)]

    @property
    def is_table_row(self) -> bool:
        return len([c for c in self.cells if c]) >= 2


def split_lines(text: str) -> list[Line]:
    out = []
    for number, original in enumerate(text.splitlines(), start=1):
        raw = original.replace("\xa0", " ").rstrip()
        out.append(Line(number, _LONE_SPACE.sub("", raw.strip()), raw))
    return out


def fold(text: str) -> str:
    """For comparing titles and names: NFKC, no whitespace."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def nonblank(lines: Sequence[Line], start: int = 0, end: int | None = None) -> list[int]:
    return [i for i in range(start, len(lines) if end is None else end) if lines[i].text]


def number(cell: str) -> Decimal | None:
    """A table cell's amount (1,234.56, −5, full-width digits); None for anything else."""
    text = unicodedata.normalize("NFKC", cell).replace(",", "").replace("−", "-").replace(" ", "").strip()
    if not re.fullmatch(r"[+-]?\d+(\.\d+)?", text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        return None


def plain(value: Decimal) -> str:
    """413, 9.2128, -120 — no exponent, no trailing zeros."""
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "") else text


# ------------------------------------------------------------------------------------------ Chinese numerals

CN_LOWER = "零〇一二三四五六七八九十百千万亿两"
CN_UPPER = "零壹贰叁肆伍陆柒捌玖拾佰仟万亿"
_ZERO_LIKE = str.maketrans({"O": "〇", "o": "〇", "Ｏ": "〇", "○": "〇", "ｏ": "〇", "0": "〇"})


def cn_number(text: str) -> Decimal | None:
    """四百一十三, 肆佰壹拾叁, 一千零五 (also with 点: 九点二一) → a number; None when it is not one."""
    if not text:
        return None
    try:
        return Decimal(str(cn2an.cn2an(text.replace("两", "二"), "strict")))
    except (ValueError, KeyError, InvalidOperation):
        return None


def daxie_value(text: str) -> Decimal | None:
    """肆佰壹拾叁万元整, 壹拾贰万叁仟肆佰伍拾陆元伍角 → 元."""
    m = re.fullmatch(rf"([{CN_UPPER}]*)元(?:([{CN_UPPER}])角)?(?:([{CN_UPPER}])分)?整?", text)
    if not m:
        return None
    yuan = cn_number(m[1]) if m[1] else Decimal(0)
    if yuan is None:
        return None
    jiao = cn_number(m[2]) if m[2] else Decimal(0)
    fen = cn_number(m[3]) if m[3] else Decimal(0)
    if jiao is None or fen is None:
        return None
    return yuan + jiao / 10 + fen / 100


# ---------------------------------------------------------------------------------------------------- dates

_YEAR = r"\d{4}|[〇○零OoＯ0一二三四五六七八九]{4}"
_MD = r"\d{1,2}|[一二三四五六七八九十]{1,3}"
DATE = rf"(?P<y>{_YEAR})\s*年\s*(?P<m>{_MD})\s*月\s*(?P<d>{_MD})\s*日"
ISO_DATE = r"(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})"
DATE_RE = re.compile(DATE)


@dataclass(frozen=True)
class WrittenDate:
    """A date as the notice writes it."""

    text: str
    year: int
    month: int
    day: int
    chinese: bool
    """Written in Chinese numerals (二〇二二年一月四日)."""
    padded: bool
    """Month or day with a leading zero (2022年01月04日)."""

    @property
    def value(self) -> datetime.date | None:
        try:
            return datetime.date(self.year, self.month, self.day)
        except ValueError:
            return None

    @property
    def canonical(self) -> str:
        return f"{self.year}年{self.month}月{self.day}日"


def _cn_part(text: str) -> int | None:
    if text.isdigit() and text.isascii():
        return int(text)
    value = cn_number(text)
    return int(value) if value is not None else None


def written_date(m: re.Match[str]) -> WrittenDate | None:
    if m.groupdict().get("iy"):
        return WrittenDate(m.group(), int(m["iy"]), int(m["im"]), int(m["id"]), False, False)
    y_text = m["y"]
    chinese = not y_text.isdigit()
    if chinese:
        digits = y_text.translate(_ZERO_LIKE)
        year = int("".join(str("〇一二三四五六七八九".index(c)) for c in digits))
    else:
        year = int(y_text)
    month, day = _cn_part(m["m"]), _cn_part(m["d"])
    if month is None or day is None:
        return None
    chinese = chinese or not m["m"].isdigit() or not m["d"].isdigit()
    padded = not chinese and (m["m"].startswith("0") or m["d"].startswith("0"))
    return WrittenDate(m.group(), year, month, day, chinese, padded)


def find_date(text: str, *, iso: bool = False) -> WrittenDate | None:
    pattern = rf"{DATE}|{ISO_DATE}" if iso else DATE
    m = re.search(pattern, text)
    return written_date(m) if m else None


def cn_date(d: datetime.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"
