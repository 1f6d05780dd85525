"""Exact money: Decimal 元 in Python, integer 分 (fen) at rest.

Parsing accepts what clerks type and files contain (``1,234.56``, ``413万元``, ``４１３``, ``-120``) and refuses
anything that is not a whole number of fen; nothing is ever rounded silently. Units (元, 万元) exist only here,
at the edges.
"""

import re
import unicodedata
from decimal import ROUND_DOWN, Decimal, InvalidOperation

import cn2an

FEN = Decimal("0.01")
WAN = Decimal(10000)
#: The largest amount accepted: 10^14 元 (百万亿), far above any budget and well inside a 64-bit count of fen.
MAX_YUAN = Decimal(10) ** 14

_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_UNITS = (("万元", WAN), ("万", WAN), ("元", Decimal(1)))


class MoneyError(ValueError):
    """An amount that cannot be taken exactly; ``str()`` is a message for the user, in Chinese."""


def parse_amount(value: object, *, unit: str = "元") -> Decimal:
    """Return the amount in 元 given text, an int or a Decimal; ``unit`` applies when the text names none."""
    if isinstance(value, (bool, float)):
        raise MoneyError("金额不能是浮点数，请以文本或整数提供")
    if isinstance(value, int | Decimal):
        return _checked(Decimal(value) * _unit_factor(unit), str(value))
    if not isinstance(value, str):
        raise MoneyError(f"无法识别的金额：{value!r}")
    text = unicodedata.normalize("NFKC", value).strip().replace(" ", "").replace("¥", "")
    text = text.replace("，", ",").replace("−", "-")
    if not text:
        raise MoneyError("金额为空")
    factor = _unit_factor(unit)
    for suffix, suffix_factor in _UNITS:
        if text.endswith(suffix):
            text, factor = text[: -len(suffix)], suffix_factor
            break
    if not _NUMBER.match(text):
        raise MoneyError(f"“{value}”不是有效的金额")
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation as exc:  # the regex admits only valid decimals; kept as a guard
        raise MoneyError(f"“{value}”不是有效的金额") from exc
    return _checked(number * factor, value)


def _unit_factor(unit: str) -> Decimal:
    for name, factor in _UNITS:
        if unit == name:
            return factor
    raise MoneyError(f"未知的金额单位：{unit}")


def _checked(amount: Decimal, original: object) -> Decimal:
    if not amount.is_finite():
        raise MoneyError(f"“{original}”不是有效的金额")
    if abs(amount) >= MAX_YUAN:
        raise MoneyError(f"“{original}”超出允许的金额范围")
    if amount != amount.quantize(FEN, rounding=ROUND_DOWN):
        raise MoneyError(f"“{original}”精确到分以下（最多两位小数的元），请核对")
    return amount.quantize(FEN)


def to_fen(amount: Decimal) -> int:
    """Whole fen of an exact amount in 元; refuses a fraction of a fen."""
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise MoneyError(f"{amount} 元不是整分金额")
    return int(fen)


def from_fen(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(FEN)


def to_wan(amount: Decimal) -> Decimal:
    """元 → 万元, exact (a Decimal division by 10^4 never rounds an amount in fen)."""
    return amount / WAN


def format_yuan(amount: Decimal, *, grouping: bool = True) -> str:
    """``4130000`` → ``4,130,000.00``."""
    return f"{amount.quantize(FEN):,.2f}" if grouping else f"{amount.quantize(FEN):.2f}"


def format_wan(amount: Decimal, *, places: int = 4, grouping: bool = True, trim: bool = False) -> str:
    """``4130000`` 元 → ``413.0000`` 万元; ``trim`` drops trailing zeros (``413``), as the notice prints."""
    wan = to_wan(amount)
    if trim:
        return f"{wan.normalize():,f}" if grouping else f"{wan.normalize():f}"
    quantum = Decimal(1).scaleb(-places)
    if wan != wan.quantize(quantum, rounding=ROUND_DOWN):
        raise MoneyError(f"{format_yuan(amount)} 元以万元保留{places}位小数会丢失精度")
    return f"{wan.quantize(quantum):,.{places}f}" if grouping else f"{wan.quantize(quantum):.{places}f}"


def daxie(amount: Decimal) -> str:
    """大写金额, e.g. 4130000 → 肆佰壹拾叁万元整."""
    if amount < 0:
        return "负" + daxie(-amount)
    return str(cn2an.an2cn(str(amount.quantize(FEN)), "rmb"))
