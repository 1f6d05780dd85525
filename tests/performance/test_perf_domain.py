"""Typed target values and self-evaluation scores: the reference's values round-trip, random comparisons
round-trip, scores stay within 0 and the 分值, and the published slips (missed target, full marks) cannot happen."""

import json
from decimal import Decimal
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiuzhu.domain.performance.scoring import Entry, Judgement, evaluate, grade, points, score_entry
from jiuzhu.domain.performance.values import (
    Blank,
    Comparison,
    Deadline,
    Op,
    Qualitative,
    Rule,
    TargetValueError,
    parse_value,
)


def reference_values() -> list[str]:
    raw = json.loads(
        resources.files("jiuzhu.data").joinpath("performance_targets_2022.json").read_text("utf-8")
    )
    return [i["value"] for s in raw["sets"] for i in s["indicators"]]


def test_every_value_of_the_reference_parses_and_prints_back_unchanged():
    values = reference_values()
    assert len(values) == 22
    for text in values:
        assert str(parse_value(text)) == text


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("≥95%", Comparison(Op.GE, Decimal(95), "%")),
        ("≥21933人", Comparison(Op.GE, Decimal(21933), "人")),
        ("≥530元/人·月", Comparison(Op.GE, Decimal(530), "元/人·月")),
        ("≤4758万元", Comparison(Op.LE, Decimal(4758), "万元")),
        ("=100%", Comparison(Op.EQ, Decimal(100), "%")),
        ("不低于上年", Qualitative("不低于上年", Rule.NOT_BELOW_LAST_YEAR)),
        ("应保尽保", Qualitative("应保尽保", Rule.REVIEWER)),
        ("收到补助资金后30日内", Deadline("收到补助资金", 30)),
        ("", Blank()),
    ],
)
def test_kinds_of_value(text, value):
    assert parse_value(text) == value


def test_what_clerks_type_reads_to_the_canonical_text():
    assert str(parse_value(" >= 95 % ")) == "≥95%"
    assert str(parse_value("＜＝4758万元")) == "≤4758万元"
    assert str(parse_value("收到补助资金后30天内")) == "收到补助资金后30日内"


@pytest.mark.parametrize("text", ["大约95%", "≥", "95%", "越多越好", "≥-5%"])
def test_unreadable_values_are_a_chinese_error(text):
    with pytest.raises(TargetValueError, match="无法识别指标值"):
        parse_value(text)


UNITS = st.sampled_from(["", "%", "人", "人次", "户", "元/人·月", "万元", "元", "个"])
NUMBERS = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


@given(st.sampled_from(list(Op)), NUMBERS, UNITS)
def test_random_comparisons_round_trip(op, number, unit):
    value = Comparison(op, number, unit)
    assert parse_value(str(value)) == value
    assert str(parse_value(str(value))) == str(value)


@given(st.integers(min_value=1, max_value=365))
def test_deadlines_round_trip(days):
    value = Deadline("收到补助资金", days)
    assert parse_value(str(value)) == value


TARGETS = st.one_of(
    st.builds(Comparison, st.sampled_from(list(Op)), NUMBERS, UNITS),
    st.builds(Deadline, st.just("收到补助资金"), st.integers(1, 90)),
    st.sampled_from(
        [Qualitative("应保尽保", Rule.REVIEWER), Qualitative("不低于上年", Rule.NOT_BELOW_LAST_YEAR)]
    ),
    st.just(Blank()),
)
ENTRIES = st.builds(
    Entry,
    key=st.text(min_size=1, max_size=3),
    level1=st.sampled_from(["产出指标", "效益指标", "满意度指标"]),
    target=TARGETS,
    actual=st.one_of(st.none(), NUMBERS),
    last_year=st.one_of(st.none(), NUMBERS),
    judgement=st.one_of(st.none(), st.sampled_from(list(Judgement))),
    applies=st.booleans(),
)


@given(st.lists(ENTRIES, min_size=1, max_size=25), NUMBERS, NUMBERS)
def test_scores_stay_within_zero_and_the_points(entries, budget, spent):
    result = evaluate(entries, budget, spent)
    for line in (result.budget, *result.lines):
        assert 0 <= line.score <= line.points
        assert line.how
    assert result.budget.points + sum(x.points for x in result.lines) == 100
    assert 0 <= result.total <= 100
    assert result.grade == grade(result.total)


def test_points_follow_the_usual_split_and_rescale_when_an_indicator_is_dropped():
    v = parse_value("≥95%")
    e = [
        Entry("a", "产出指标", v),
        Entry("b", "产出指标", v),
        Entry("c", "效益指标", v),
        Entry("d", "满意度指标", v),
    ]
    assert points(e) == (Decimal(10), [Decimal(25), Decimal(25), Decimal(30), Decimal(10)])
    for dropped in (Entry("d", "满意度指标", v, applies=False), Entry("d", "满意度指标", Blank())):
        budget, pts = points([*e[:3], dropped])
        assert budget == Decimal("11.11") and pts[3] == 0 and budget + sum(pts) == 100


def test_a_missed_target_never_gets_full_marks():
    # the published slips: ≥4754 target with 4604 actual given 5 of 5; a ≤5300元 cap exceeded at 5830元
    below = score_entry(Entry("x", "产出指标", parse_value("≥4754人"), actual=Decimal(4604)), Decimal(5))
    assert below.score == Decimal("4.84") and below.met is False
    above = score_entry(Entry("y", "产出指标", parse_value("≤5300元"), actual=Decimal(5830)), Decimal(10))
    assert above.score == Decimal("9.09") and "目标值÷实际值" in above.how


def test_a_late_pass_down_scores_by_the_days():
    s = score_entry(
        Entry("t", "产出指标", parse_value("收到补助资金后30日内"), actual=Decimal(45)), Decimal(3)
    )
    assert (s.score, s.met) == (Decimal("2.00"), False)
    assert "实际45天" in s.how


def test_grades():
    assert [grade(Decimal(x)) for x in ("90", "89.99", "80", "60", "59.99")] == [
        "优秀",
        "良好",
        "良好",
        "合格",
        "不合格",
    ]
