"""Pure checks of 一卡通 supervision: the sample size against a hand computation, the reproducible stratified
draw, the Wilson interval, and the reference list parser's refusals (every row and column named)."""

import datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from jiuzhu.domain.identity import with_check_digit
from jiuzhu.domain.reference_lists import ListKind, parse_list
from jiuzhu.domain.sampling import allocate, draw, sample_size, summarise, wilson
from jiuzhu.domain.tabular import Table

ID1 = with_check_digit("65420119500101001")
ID2 = with_check_digit("65420119600202002")


def test_sample_size_follows_the_formula_by_hand():
    # n0 = 1.96² × 0.25 / 0.05² = 384.16; n = 384.16 / (1 + 383.16 / 400) = 196.2… → 197
    assert sample_size(400) == 197
    # 90%: n0 = 1.6449² × 0.25 / 0.1² = 67.6417…; n = 67.64 / (1 + 66.64 / 120) = 43.48… → 44
    assert sample_size(120, 90, Decimal("0.1")) == 44
    # 99%, ±5%: n0 = 2.5758² × 0.25 / 0.0025 = 663.5… ; N = 10000 → 622.2… → 623
    assert sample_size(10000, 99) == 623
    assert sample_size(3) == 3  # never more than the population
    assert sample_size(0) == 0


@given(st.integers(1, 100000), st.sampled_from([80, 90, 95, 99]))
def test_size_is_within_the_population_and_grows_with_it(n, confidence):
    size = sample_size(n, confidence)
    assert 1 <= size <= n
    assert sample_size(n + 1, confidence) >= size


@given(
    st.dictionaries(st.sampled_from(["dibao", "tekun", "linshi", "guer"]), st.integers(0, 500), min_size=1),
    st.integers(0, 2000),
)
def test_allocation_sums_to_the_size_and_fits_each_stratum(strata, total):
    parts = allocate(total, strata)
    assert sum(parts.values()) == min(total, sum(strata.values()))
    assert all(0 <= parts[k] <= strata[k] for k in strata)


def test_the_same_seed_draws_the_same_sample():
    strata = {"dibao": [f"d{i:03d}" for i in range(300)], "tekun": [f"t{i:03d}" for i in range(100)]}
    first = draw(strata, 197, seed=20220501)
    assert first == draw({k: list(reversed(v)) for k, v in strata.items()}, 197, seed=20220501)
    assert len(first["dibao"]) == 148 and len(first["tekun"]) == 49  # 197 × 3/4 = 147.75, × 1/4 = 49.25
    assert first != draw(strata, 197, seed=20220502)


def test_summary_and_wilson_interval():
    s = summarise(["received"] * 18 + ["not_received", "unreachable", ""])
    assert (s.drawn, s.answered, s.confirmed, s.unreachable, s.pending) == (21, 19, 18, 1, 1)
    assert s.confirmed_share == Decimal("0.9474")
    # Wilson 95% for 18/19 by hand: z²/n = 0.20219, centre = (0.94737 + 0.10109) / 1.20219 = 0.87213,
    # half-width = 1.96 × √(0.0026243 + 0.0026604) / 1.20219 = 0.11852 → 0.7536 … 0.9907
    assert (s.low, s.high) == wilson(18, 19)
    assert abs(s.low - Decimal("0.7536")) <= Decimal("0.0001") and abs(s.high - Decimal("0.9907")) <= Decimal(
        "0.0001"
    )
    assert wilson(0, 0) is None


def table(*rows):
    return Table(sheet="Sheet1", rows=[list(r) for r in rows])


def test_death_list_rows_bar_the_months_after_death():
    records, problems = parse_list(
        table(
            ["姓名", "证件号码", "死亡日期"],
            ["甲", ID1, "2022-03-15"],
            ["乙", ID2, datetime.date(2022, 12, 2)],
        ),
        ListKind.DEATH,
    )
    assert problems == []
    assert [(r.row, r.start_ym, r.end_ym) for r in records] == [(2, 202204, None), (3, 202301, None)]


def test_invalid_id_and_unknown_column_are_named_with_row_and_column():
    bad = ID1[:-1] + ("0" if ID1[-1] != "0" else "1")
    _records, problems = parse_list(
        table(
            ["姓名", "证件号码", "工作单位", "起始日期", "电话"],
            ["甲", ID1, "地区财政局", "2020-01-01", "139"],
            ["乙", bad, "县医院", "2020年5月1日", ""],
            ["丙", ID2, "县医院", "去年", ""],
        ),
        ListKind.EMPLOYEE,
    )
    where = [(p.code, p.where.row, p.where.column) for p in problems]
    assert ("UNKNOWN_COLUMN", 1, "电话") in where
    assert ("BAD_ID", 3, "证件号码") in where
    assert ("BAD_DATE", 4, "起始日期") in where
    assert all(ID1[:-4] not in p.message for p in problems)  # masked


def test_stop_list_reads_month_purpose_and_document():
    records, problems = parse_list(
        table(
            ["姓名", "身份证号码", "支出方向", "停发月份", "停发原因", "文号"],
            ["甲", ID1, "低保", "2022年6月", "家庭收入超过标准", "塔市民发〔2022〕12号"],
        ),
        ListKind.STOP,
    )
    assert problems == []
    assert (records[0].start_ym, records[0].purpose, records[0].doc_no) == (
        202206,
        "dibao",
        "塔市民发〔2022〕12号",
    )
