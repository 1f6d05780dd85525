"""证件号码: the GB 11643 check of 居民身份证号码 (python-stdnum), and masking for pages and logs."""

from functools import lru_cache

from stdnum.cn import ric
from stdnum.exceptions import ValidationError

RIC_LENGTH = 18


@lru_cache(maxsize=65536)
def ric_problem(number: str) -> str | None:
    """Why ``number`` is not a valid 居民身份证号码, in Chinese; None when it is.

    Checks length, digits, the birth date and the GB 11643 check digit. python-stdnum's ``validate`` also
    checks the birth place against the year a county code was valid; real IDs keep the code of the office that
    issued them (塔城市 654201 for people born before 1984), so that check would refuse real people and is not
    applied.
    """
    compact = ric.compact(number)
    if len(compact) != RIC_LENGTH:
        return f"身份证号码应为18位，实为{len(compact)}位"
    if not compact[:-1].isdigit() or not (compact[-1].isdigit() or compact[-1] == "X"):
        return "身份证号码只能由数字组成（最后一位可为X）"
    try:
        ric.get_birth_date(compact)
    except ValidationError:
        return "身份证号码中的出生日期无效"
    if compact[-1] != ric.calc_check_digit(compact):
        return "身份证号码校验位错误（GB 11643）"
    return None


def with_check_digit(first17: str) -> str:
    """The 18-character number for 17 digits (for synthetic data and tests)."""
    return first17 + ric.calc_check_digit(first17 + "0")


def mask(number: str) -> str:
    """654201199001011234 → 654201********1234; short numbers keep only their last two characters."""
    if len(number) >= 10:
        return number[:6] + "*" * (len(number) - 10) + number[-4:]
    return "*" * max(len(number) - 2, 0) + number[-2:]
