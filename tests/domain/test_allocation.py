from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from jiuzhu.domain.allocation import (
    AdjustmentLine,
    DeclaredRow,
    Totals,
    in_tree_order,
    totals,
    validate_lines,
)
from jiuzhu.domain.money import parse_amount
from jiuzhu.domain.regions import load_seed_tree

TREE = load_seed_tree()
W = lambda text: parse_amount(text, unit="万元")  # noqa: E731

# Attachment 1 of 塔地财社〔2022〕82号, as the notice prints it (序号 3, 5, 4 slip included).
SEED = [
    ("地区本级", "5", "0", "0"),
    ("塔城市", "86", "61", "0"),
    ("额敏县", "111", "79", "0"),
    ("乌苏市", "102", "62", "0"),
    ("沙湾市", "75", "53", "0"),
    ("托里县", "72", "51", "0"),
    ("裕民县", "39", "0", "217"),
    ("和布克赛尔县", "43", "31", "0"),
]


def seed_lines():
    return [AdjustmentLine(TREE.find(name).code, W(b), W(d), W(i)) for name, b, d, i in SEED]


def codes(problems):
    return [p.code for p in problems]


def test_seed_adds_up_to_the_notice_totals():
    t = totals(seed_lines())
    assert (t.base, t.decrease, t.increase, t.net, t.final) == (
        W("533"),
        W("337"),
        W("217"),
        W("-120"),
        W("413"),
    )
    assert validate_lines(seed_lines(), tree=TREE, issuer_code="654200") == []


def test_yumin_row():
    yumin = next(x for x in seed_lines() if x.region_code == "654225")
    assert (yumin.net, yumin.final) == (Decimal("2170000.00"), Decimal("2560000.00"))


def test_every_problem_is_reported_at_once_with_its_place():
    lines = [
        AdjustmentLine("654201", W("86"), W("100"), W("0")),  # decrease above base, negative final
        AdjustmentLine("654201", W("1"), W("0"), W("0")),  # duplicate
        AdjustmentLine("999999", W("1"), W("0"), W("0")),  # unknown
        AdjustmentLine("654221", W("-1"), W("0"), W("0")),  # negative base, negative final
    ]
    problems = validate_lines(lines, tree=TREE, issuer_code="654200")
    assert codes(problems) == [
        "DECREASE_ABOVE_BASE",
        "NEGATIVE_FINAL",
        "DUPLICATE_REGION",
        "UNKNOWN_REGION",
        "NEGATIVE_AMOUNT",
        "NEGATIVE_FINAL",
    ]
    first = problems[0]
    assert first.where.row == 1 and first.where.column == "调减资金情况" and first.where.entity == "654201"
    assert "塔城市" in first.message and "超过原额度" in first.message
    assert first.numbers == {"base": W("86"), "decrease": W("100")}


def test_region_outside_the_issuers_area():
    problems = validate_lines([AdjustmentLine("654200", W("5"))], tree=TREE, issuer_code="654201")
    assert codes(problems) == ["OUTSIDE_AREA"]
    assert "塔城地区" in problems[0].message and "塔城市" in problems[0].message


def test_stated_sums_that_do_not_add_up():
    lines = seed_lines()
    declared = [DeclaredRow(net=x.net, final=x.final) for x in lines]
    declared[1] = DeclaredRow(net=W("-61"), final=W("26"))
    stated_total = Totals(W("533"), W("337"), W("217"), W("-120"), W("414"))
    problems = validate_lines(
        lines, tree=TREE, issuer_code="654200", declared=declared, declared_total=stated_total
    )
    assert codes(problems) == ["ROW_SUM_MISMATCH", "TOTAL_MISMATCH"]
    assert problems[0].where.row == 2 and problems[0].numbers["computed"] == W("25")
    assert problems[1].numbers == {"stated": W("414"), "computed": W("413")}


def test_rows_print_in_tree_order():
    shuffled = list(reversed(seed_lines()))
    ordered = [TREE.get(x.region_code).short_name for x in in_tree_order(shuffled, TREE)]
    assert ordered == [name for name, *_ in SEED]


fen = st.integers(min_value=0, max_value=10**12).map(lambda n: Decimal(n) / 100)


@given(st.lists(st.tuples(fen, fen, fen), min_size=1, max_size=8))
def test_adjustment_arithmetic(rows):
    lines = [AdjustmentLine(str(i), b, d, i2) for i, (b, d, i2) in enumerate(rows)]
    t = totals(lines)
    assert t.net == t.increase - t.decrease
    assert t.final == t.base + t.net
    assert t.final == sum((x.final for x in lines), Decimal(0))
    for x in lines:
        assert x.final - x.base == x.increase - x.decrease
