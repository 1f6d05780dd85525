"""The usage report's arithmetic: FIFO attribution, lagging, and rounding that adds up as printed."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from jiuzhu.domain.usage_report import (
    Line,
    Receipt,
    attribute_paid,
    is_lagging,
    lines_of,
    printed,
    split_rounded,
    time_elapsed_rate,
)

D = Decimal


def test_fifo_spends_the_earliest_document_first_and_a_decrease_spends_nothing():
    assert attribute_paid([D("2560000.00"), D("100000.00")], D("2600000.00")) == [
        D("2560000.00"),
        D("40000.00"),
    ]
    assert attribute_paid([D("300.00"), D("-100.00")], D("150.00")) == [D("150.00"), D("0.00")]


def test_lines_of_keep_each_funds_totals():
    receipts = [
        Receipt("塔地财社〔2022〕8号", "自治区资金", D("1000.00")),
        Receipt("塔地财社〔2022〕5号", "中央资金", D("500.00")),
        Receipt("塔地财社〔2022〕82号", "自治区资金", D("-200.00")),
    ]
    lines = lines_of(receipts, {"自治区资金": D("700.00"), "中央资金": D("10.00")})
    assert [x.paid for x in lines] == [D("700.00"), D("10.00"), D("0.00")]
    assert sum(x.unpaid for x in lines if x.fund == "自治区资金") == D("100.00")


def test_lagging_is_more_than_the_threshold_behind_time():
    assert time_elapsed_rate(10) * 3 == 250  # 83.33…%
    behind = Line("x", "f", D("100.00"), D("73.00"))  # 10.33 points behind in October
    level = Line("x", "f", D("100.00"), D("73.34"))  # 9.99 points behind
    assert is_lagging(behind, 10, D(10)) and not is_lagging(level, 10, D(10))
    assert not is_lagging(Line("x", "f", D("-5.00"), D(0)), 10, D(10))


def test_rounding_hands_the_leftover_to_the_largest_remainders():
    # 60 元, 60 元, 80 元 = 0.006, 0.006, 0.008 万元: 合计 0.02 万元; the 80 元 and the first 60 元 get the 0.01s
    assert split_rounded([6_000, 6_000, 8_000]) == ([1, 0, 1], 2)


@given(st.lists(st.integers(min_value=-(10**12), max_value=10**12), min_size=1, max_size=40))
def test_rounded_lines_sum_to_the_printed_total(fen):
    lines, total = split_rounded(fen)
    assert sum(lines) == total
    assert all(abs(p * 10_000 - f) < 10_000 for p, f in zip(lines, fen, strict=True))
    assert abs(total * 10_000 - sum(fen)) <= 5_000


@given(
    st.lists(
        st.tuples(st.integers(min_value=1, max_value=10**11), st.integers(min_value=0, max_value=100)),
        min_size=1,
        max_size=20,
    )
)
def test_printed_columns_and_rows_add_up(rows):
    lines = [Line("d", "f", D(a) / 100, (D(a) * pct / 100).quantize(D(1)) / 100) for a, pct in rows]
    p = printed(lines)
    assert sum(p.amount) == p.total_amount and sum(p.paid) == p.total_paid
    assert sum(p.unpaid) == p.total_unpaid
    assert all(a - b == u for a, b, u in zip(p.amount, p.paid, p.unpaid, strict=True))
