"""The payout file's cell rules (jiuzhu.domain.payout_cells, payout_columns, payout_problems) on their own."""

import string

from hypothesis import given
from hypothesis import strategies as st

from jiuzhu.domain import payout_cells, payout_columns, payout_problems
from jiuzhu.domain.identity import ric_problem, with_check_digit
from jiuzhu.domain.problems import Problem, Where


def test_whitespace_is_what_strip_and_split_remove():
    assert "".join(c for c in map(chr, range(0x110000)) if c.isspace()) == payout_columns.WHITESPACE


ids = st.one_of(
    st.text(alphabet="0123456789Xx", min_size=16, max_size=19),
    st.from_regex(r"\A[1-9]\d{5}(19|20)\d{2}(0\d|1[0-3])([0-3]\d)\d{3}[0-9X]\Z"),
    st.builds(
        lambda prefix, day, serial: with_check_digit(f"{prefix}{day}{serial:03d}"),
        st.sampled_from(["654225", "654201", "110101"]),
        st.dates().map(lambda d: f"{d:%Y%m%d}"),
        st.integers(0, 999),
    ),
    st.text(alphabet=string.digits + "X－- ０１２３", max_size=20),
)


@given(ids)
def test_fast_id_check_is_the_stdnum_check(number):
    assert payout_cells.id_problem(number) == ric_problem(number)


def test_the_cap_keeps_the_first_rows_of_each_rule_and_counts_the_rest():
    problems = [Problem("BAD_ID", "x", Where(row=r, column="证件号码")) for r in range(10, 0, -1)]
    problems.append(Problem("MIXED_YEARS", "y"))
    capped = payout_problems.cap_problems(problems, cap=3)
    assert [(p.code, p.where.row) for p in capped] == [
        ("MIXED_YEARS", None),
        ("BAD_ID", 1),
        ("BAD_ID", 2),
        ("BAD_ID", 3),
        ("BAD_ID", None),
    ]
    assert capped[-1].message == "同类问题另有7处未逐条列出（每类问题最多列出3处）"
    assert capped[-1].where.column == "证件号码"
