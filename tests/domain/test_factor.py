from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiuzhu.domain.factor import Factor, FactorError, exact_shares, split_by_factors

KEYS = ["654201", "654221", "654202"]


def test_split_by_people_and_need():
    factors = [
        Factor(
            "低保对象人数",
            Decimal("0.6"),
            {"654201": Decimal(3000), "654221": Decimal(5000), "654202": Decimal(2000)},
        ),
        Factor(
            "财力系数", Decimal("0.4"), {"654201": Decimal(1), "654221": Decimal(1), "654202": Decimal(2)}
        ),
    ]
    parts = split_by_factors(Decimal("1000000.00"), factors, KEYS)
    # exact shares: 0.6*0.3+0.4*0.25 = 0.28, 0.6*0.5+0.1 = 0.40, 0.6*0.2+0.2 = 0.32
    assert parts == {
        "654201": Decimal("280000.00"),
        "654221": Decimal("400000.00"),
        "654202": Decimal("320000.00"),
    }


def test_remainder_goes_to_largest_remainders_and_sums_exactly():
    equal = [Factor("人数", Decimal(1), dict.fromkeys(KEYS, Decimal(1)))]
    parts = split_by_factors(Decimal("0.10"), equal, KEYS)
    assert sum(parts.values()) == Decimal("0.10")
    assert sorted(parts.values()) == [Decimal("0.03"), Decimal("0.03"), Decimal("0.04")]
    assert parts["654201"] == Decimal("0.04")  # ties go to the first listed


def test_whole_wan_units():
    equal = [Factor("人数", Decimal(1), dict.fromkeys(KEYS, Decimal(1)))]
    parts = split_by_factors(Decimal("4130000"), equal, KEYS, unit=Decimal(10000))
    assert sum(parts.values()) == Decimal("4130000")
    assert all(p % 10000 == 0 for p in parts.values())
    with pytest.raises(FactorError, match="整数倍"):
        split_by_factors(Decimal("4130000.01"), equal, KEYS, unit=Decimal(10000))


def test_refusals_are_in_chinese():
    with pytest.raises(FactorError, match="全为零"):
        split_by_factors(Decimal(100), [Factor("人数", Decimal(1), {})], KEYS)
    with pytest.raises(FactorError, match="负"):
        split_by_factors(Decimal(100), [Factor("人数", Decimal(-1), dict.fromkeys(KEYS, Decimal(1)))], KEYS)


values = st.integers(min_value=0, max_value=10**6).map(Decimal)


@given(
    total_fen=st.integers(min_value=0, max_value=10**12),
    weights=st.lists(st.integers(min_value=1, max_value=100).map(Decimal), min_size=1, max_size=3),
    data=st.data(),
)
def test_parts_sum_to_total_and_stay_within_one_unit(total_fen, weights, data):
    keys = [f"r{i}" for i in range(data.draw(st.integers(min_value=1, max_value=9)))]
    factors = []
    for n, w in enumerate(weights):
        column = {k: data.draw(values) for k in keys}
        if not any(column.values()):
            column[keys[0]] = Decimal(1)
        factors.append(Factor(f"f{n}", w, column))
    total = Decimal(total_fen) / 100
    parts = split_by_factors(total, factors, keys)
    assert sum(parts.values()) == total
    exact = exact_shares(total, factors, keys)
    for key in keys:
        assert abs(Fraction(parts[key]) - exact[key]) < Fraction(1, 100)
        assert parts[key] >= 0
