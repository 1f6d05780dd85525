"""The year-end arithmetic: time elapsed, projections, carryover, recovery and the adjustment proposal.

Property tests: over random ledgers, carrying forward and taking back never create or lose a fen, and the
proposal never gives more than it frees nor takes more than a county is projected to leave unspent."""

import datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from jiuzhu.domain.carryover import Position, carry_forward, due_for_recovery, recovery_moves
from jiuzhu.domain.execution import execution_rate, last_complete_month, project, time_elapsed_rate
from jiuzhu.domain.proposal import County, Rules, propose

FEN = Decimal("0.01")
money = st.integers(min_value=0, max_value=10**10).map(lambda f: Decimal(f) * FEN)


def test_time_elapsed_counts_days_of_the_fiscal_year_inclusive():
    assert time_elapsed_rate(datetime.date(2022, 10, 31)) == Decimal("83.29")  # 304 / 365
    assert time_elapsed_rate(datetime.date(2022, 12, 31)) == Decimal("100.00")
    assert time_elapsed_rate(datetime.date(2024, 2, 29)) == Decimal("16.39")  # 60 / 366
    assert execution_rate(Decimal(50), Decimal(200)) == Decimal("25.00")
    assert execution_rate(Decimal(50), Decimal(0)) is None


def test_the_run_rate_averages_the_last_three_complete_months():
    assert last_complete_month(datetime.date(2022, 10, 15)) == 9
    assert last_complete_month(datetime.date(2022, 9, 30)) == 9
    monthly = {m: Decimal(100) for m in range(1, 10)} | {7: Decimal(130), 8: Decimal(110), 9: Decimal(120)}
    p = project(monthly, datetime.date(2022, 10, 15))
    assert p.months_used == (7, 8, 9) and p.run_rate == Decimal("120.00")
    assert p.paid == Decimal(960) and p.by_run_rate == Decimal(960 + 3 * 120)
    assert p.by_profile is None
    # last year had paid 75% by the end of September: this year's 960 projects to 1280
    last = {m: Decimal(75) for m in range(1, 10)} | {m: Decimal(75) for m in (10, 11, 12)}
    assert project(monthly, datetime.date(2022, 10, 15), last_year=last).by_profile == Decimal("1280.00")


def test_an_overspent_appropriation_carries_nothing_and_is_reported():
    lines, problems = carry_forward(
        [Position("A", Decimal(100), Decimal(40)), Position("B", Decimal(10), Decimal(12))]
    )
    assert [(x.key, x.amount) for x in lines] == [("A", Decimal(60))]
    assert [p.code for p in problems] == ["OVERSPENT"] and "2.00元" in problems[0].message


def test_recovery_is_due_after_two_carried_years_unless_the_fund_says_otherwise():
    assert not due_for_recovery(2022, 2023)
    assert due_for_recovery(2022, 2024)
    assert not due_for_recovery(2022, 2024, period=3)


positions = st.lists(
    st.tuples(money, money, money).map(lambda t: (t[0], min(t[1], t[0] * 2), min(t[2], t[0]))), max_size=30
)


@settings(max_examples=200)
@given(positions)
def test_carrying_forward_never_creates_or_loses_a_fen(items):
    ps = [Position(str(i), r, p, rec) for i, (r, p, rec) in enumerate(items)]
    lines, problems = carry_forward(ps)
    overspent = sum((p.balance for p in ps if p.balance < 0), Decimal(0))
    carried = sum((x.amount for x in lines), Decimal(0))
    assert carried + overspent == sum((p.registered - p.paid - p.recovered for p in ps), Decimal(0))
    assert all(x.amount > 0 for x in lines) and len(problems) == sum(1 for p in ps if p.balance < 0)


@settings(max_examples=200)
@given(st.lists(st.tuples(money, st.lists(money, min_size=3, max_size=3)), min_size=1, max_size=10))
def test_years_of_carrying_and_recovery_keep_every_fen_between_the_two_levels(ledger):
    """Each county registers once in year 0, pays some in years 0–2, carries what is left, and after two
    carried years the level above takes the rest back: county + level above + paid = registered, every year."""
    registered = sum((r for r, _ in ledger), Decimal(0))
    paid = [Decimal(0)] * len(ledger)
    above = Decimal(0)
    for year in range(3):
        for i, (r, payments) in enumerate(ledger):
            paid[i] += min(payments[year], r - paid[i])
        if year < 2:
            lines, _ = carry_forward([Position(str(i), r, paid[i]) for i, (r, _) in enumerate(ledger)])
            held = sum((x.amount for x in lines), Decimal(0))
            assert held + sum(paid) + above == registered
    remaining = [(str(i), "county", "prefecture", r - paid[i]) for i, (r, _) in enumerate(ledger)]
    moves = recovery_moves(remaining)
    assert all(sum(a for _, a in m.movements()) == 0 for m in moves)
    above += sum((m.amount for m in moves), Decimal(0))
    county = sum((r - paid[i] for i, (r, _) in enumerate(ledger)), Decimal(0)) - sum(
        (m.amount for m in moves), Decimal(0)
    )
    assert county == 0 and county + above + sum(paid) == registered


counties = st.lists(
    st.tuples(money, money).map(lambda t: County("65", "县", t[0], t[0], Decimal(0), Decimal(0), t[1])),
    min_size=1,
    max_size=8,
).map(
    lambda cs: [
        County(f"6542{i:02d}", c.name, c.base, c.available, c.paid, c.run_rate, c.projected)
        for i, c in enumerate(cs)
    ]
)


@settings(max_examples=200)
@given(
    counties,
    st.sampled_from([Decimal("0.01"), Decimal(100), Decimal(10000)]),
    st.sampled_from([Decimal(0), Decimal("0.02")]),
)
def test_the_proposal_gives_no_more_than_it_frees(cs, unit, margin):
    lines = propose(cs, Rules(margin=margin, unit=unit))
    freed = sum((x.decrease for x in lines), Decimal(0))
    assert sum((x.increase for x in lines), Decimal(0)) <= freed
    for x in lines:
        c = x.county
        assert x.decrease % unit == 0 and x.increase % unit == 0
        assert 0 <= x.decrease <= min(max(c.unspent, Decimal(0)), c.base)
        assert not (x.decrease and x.increase)
        if x.increase:
            assert c.unspent < 0 and x.increase - unit < -c.unspent
        assert x.line().final == c.base - x.decrease + x.increase


def test_the_proposal_on_82s_numbers_gives_the_largest_shortfall_first():
    """Three counties of the seed, in 元: two with money to spare, 裕民县 short (8号's 39万元 against a need of
    2,390,000); a fourth also short gets what is left."""
    w = Decimal(10000)
    cs = [
        County("654201", "塔城市", 86 * w, 86 * w, 0 * w, 0 * w, 25 * w),
        County("654221", "额敏县", 111 * w, 111 * w, 0 * w, 0 * w, 32 * w),
        County("654225", "裕民县", 39 * w, 39 * w, 0 * w, 0 * w, 239 * w),
        County("654224", "托里县", 72 * w, 72 * w, 0 * w, 0 * w, 75 * w),
    ]
    lines = {x.county.name: x for x in propose(cs, Rules(margin=Decimal(0)))}
    assert (lines["塔城市"].decrease, lines["额敏县"].decrease) == (61 * w, 79 * w)
    assert (
        lines["裕民县"].increase == 140 * w and lines["托里县"].increase == 0
    )  # the 140万元 freed, all to 裕民县
    assert (
        "以调减腾出的资金为限" in lines["裕民县"].explanation
        and "调增总额已用完" in lines["托里县"].explanation
    )
    with_total = {x.county.name: x for x in propose(cs, Rules(margin=Decimal(0), total=210 * w))}
    assert (with_total["裕民县"].increase, with_total["托里县"].increase) == (200 * w, 3 * w)
