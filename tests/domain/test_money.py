from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiuzhu.domain.money import (
    MoneyError,
    daxie,
    format_wan,
    format_yuan,
    from_fen,
    parse_amount,
    to_fen,
)

fen_amounts = st.integers(min_value=-(10**15), max_value=10**15).map(from_fen)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234.56", "1234.56"),
        ("413万元", "4130000.00"),
        ("4,130,000.00元", "4130000.00"),
        ("４１３", "413.00"),
        ("-120", "-120.00"),
        ("  86 ", "86.00"),
        ("0.000001万元", "0.01"),
        ("－61", "-61.00"),
    ],
)
def test_parse_accepts_what_clerks_type(text, expected):
    assert parse_amount(text) == Decimal(expected)


def test_unit_applies_when_text_names_none():
    assert parse_amount("533", unit="万元") == Decimal("5330000.00")
    assert parse_amount("533元", unit="万元") == Decimal("533.00")


@pytest.mark.parametrize(
    "text",
    ["12.345", "12.345元", "1e30", "abc", "", "1,2,3", "0.0000001万元", "1" * 20, "NaN", "Infinity", "1.2.3"],
)
def test_parse_refuses_inexact_or_not_money(text):
    with pytest.raises(MoneyError) as err:
        parse_amount(text)
    assert str(err.value)  # a Chinese message for the user
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(err.value))


def test_float_is_refused():
    with pytest.raises(MoneyError):
        parse_amount(1.5)


def test_formats():
    assert format_yuan(Decimal("4130000")) == "4,130,000.00"
    assert format_wan(Decimal("4130000")) == "413.0000"
    assert format_wan(Decimal("4130000"), places=2) == "413.00"
    assert format_wan(Decimal("-1200000"), trim=True) == "-120"
    assert format_wan(Decimal("12345678.9"), trim=True) == "1,234.56789"
    with pytest.raises(MoneyError):
        format_wan(Decimal("0.01"), places=4)


def test_daxie():
    assert daxie(Decimal("4130000")) == "肆佰壹拾叁万元整"
    assert daxie(Decimal("1234.56")) == "壹仟贰佰叁拾肆元伍角陆分"


@given(fen_amounts)
def test_fen_round_trip(amount):
    assert from_fen(to_fen(amount)) == amount


@given(fen_amounts)
def test_format_then_parse_round_trip(amount):
    assert parse_amount(format_yuan(amount)) == amount
    assert parse_amount(format_yuan(amount) + "元") == amount
    assert parse_amount(format_wan(amount, places=6) + "万元") == amount
    assert parse_amount(format_wan(amount, trim=True), unit="万元") == amount


@given(st.integers(min_value=1, max_value=9), fen_amounts)
def test_sub_fen_is_refused_not_rounded(extra, amount):
    text = format_yuan(amount, grouping=False) + str(extra)
    with pytest.raises(MoneyError):
        parse_amount(text)
