"""Names valid at the notice's date, codes of every year, dates in every form, web-page layout, cited 文号."""

import os

import pytest

from jiuzhu.domain.notice_check import check_notice
from jiuzhu.domain.notice_check.reference import seed_reference
from jiuzhu.domain.problems import Severity

SEED = os.path.join(os.path.dirname(__file__), "..", "fixtures", "notice-2022-82.txt")


@pytest.fixture(scope="module")
def ref():
    return seed_reference()


@pytest.fixture(scope="module")
def seed_text():
    with open(SEED, encoding="utf-8") as f:
        return f.read()


def codes(problems, severity=None):
    return sorted(p.code for p in problems if severity is None or p.severity is severity)


def line_no(text, needle):
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


SEED_ERRORS = ["BLANK_FIGURE", "REGION_TWO_NAMES", "SEQUENCE_ORDER", "SEQUENCE_ORDER"]


# ------------------------------------------------------------------------------------------ region history


def test_a_former_name_after_the_change_is_an_error_with_the_current_name(seed_text, ref):
    text = seed_text.replace("6\t沙湾市\t75", "6\t沙湾县\t75")
    found = [p for p in check_notice(text, reference=ref) if p.code == "REGION_NAME_OUTDATED"]
    assert [p.where.row for p in found] == [line_no(text, "沙湾县\t75")]
    assert found[0].numbers["suggested"] == "沙湾市" and "2021年1月29日起不再使用" in found[0].message
    assert "UNKNOWN_REGION" not in codes(check_notice(text, reference=ref))


def test_the_former_name_was_right_before_the_change(seed_text, ref):
    text = (
        seed_text.replace("6\t沙湾市\t75", "6\t沙湾县\t75")
        .replace("塔地财社〔2022〕82号", "塔地财社〔2020〕82号", 1)
        .replace("2022年10月31日", "2020年10月31日")
    )
    assert "REGION_NAME_OUTDATED" not in codes(check_notice(text, reference=ref))
    # and the new name before it existed is a warning naming the old one
    early = seed_text.replace("2022年10月31日", "2020年10月31日")
    found = [p for p in check_notice(early, reference=ref) if p.code == "REGION_NAME_NOT_YET"]
    assert (
        len(found) == 1
        and found[0].severity is Severity.WARNING
        and found[0].numbers["suggested"] == "沙湾县"
    )


def test_wusu_county_and_tacheng_county_are_long_gone(seed_text, ref):
    text = seed_text.replace("4\t乌苏市\t102", "4\t乌苏县\t102").replace("3\t塔城市\t86", "3\t塔城县\t86")
    found = {p.where.entity: p for p in check_notice(text, reference=ref)}
    assert found["乌苏县"].code == "REGION_NAME_OUTDATED" and found["乌苏县"].numbers["suggested"] == "乌苏市"
    assert found["塔城县"].code == "REGION_NAME_OUTDATED" and found["塔城县"].numbers["suggested"] == "塔城市"


def test_valid_aliases_and_budget_units_stay_known(seed_text, ref):
    text = seed_text.replace("9\t和布克赛尔县\t43", "9\t和布克赛尔蒙古自治县\t43").replace(
        "2\t地区本级\t5", "2\t地区社会福利院\t5"
    )
    found = codes(check_notice(text, reference=ref))
    assert "UNKNOWN_REGION" not in found and "REGION_NAME_OUTDATED" not in found


# ---------------------------------------------------------------------------------------- codes by year


def test_a_2023_notice_with_the_seed_codes_has_no_code_finding(seed_text, ref):
    text = seed_text.replace("2022", "2023")
    found = codes(check_notice(text, reference=ref))
    assert not [c for c in found if "CODE" in c]


def test_an_unloaded_year_falls_back_to_the_nearest_with_a_warning(seed_text, ref):
    text = seed_text.replace("2022", "2031")
    found = [p for p in check_notice(text, reference=ref) if "CODE" in p.code]
    assert [(p.code, p.severity) for p in found] == [("CODE_YEAR_FALLBACK", Severity.WARNING)]
    assert found[0].numbers == {"year": 2031, "used": 2026}
    text = text.replace("“1100248 项", "“1100249 项")  # a code unknown in the nearest year is still an error
    assert "UNKNOWN_CODE" in codes(check_notice(text, reference=ref), Severity.ERROR)


def test_economic_classifications(seed_text, ref):
    line = "按照《2022年政府收支分类科目》，政府预算支出经济分类列“50901社会福利和救助”科目，部门预算支出经济分类列“30306救济费”。"
    text = seed_text.replace("二、此项资金纳入直达资金管理", line + "二、此项资金纳入直达资金管理")
    assert not [c for c in codes(check_notice(text, reference=ref)) if "CODE" in c]
    swapped = text.replace(
        "政府预算支出经济分类列“50901社会福利和救助”", "政府预算支出经济分类列“30306救济费”"
    )
    kind = [p for p in check_notice(swapped, reference=ref) if p.code == "CODE_KIND"]
    assert len(kind) == 1 and "部门预算支出经济分类" in kind[0].message


# -------------------------------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2022年10月31日", []),
        ("2022年10月01日", ["DATE_FORM"]),
        ("二〇二二年十月三十一日", ["DATE_FORM"]),
        ("二O二二年十月三十一日", ["DATE_FORM"]),
        ("2022年13月31日", ["DATE_INVALID"]),
    ],
)
def test_signed_date_in_every_form(seed_text, ref, written, expected):
    text = seed_text.replace("\n2022年10月31日\n", f"\n{written}\n")
    found = [p for p in check_notice(text, reference=ref) if p.code.startswith(("DATE", "SIGNED"))]
    assert [p.code for p in found] == expected
    assert codes(check_notice(text, reference=ref), Severity.ERROR).count("SIGNED_DATE_MISSING") == 0


def test_chinese_numeral_date_still_dates_the_notice(seed_text, ref):
    text = seed_text.replace("\n2022年10月31日\n", "\n二O二二年十一月一日\n")
    found = [p for p in check_notice(text, reference=ref) if p.code == "PRINTED_BEFORE_SIGNED"]
    assert len(found) == 1 and "2022年11月1日" in found[0].message


# ---------------------------------------------------------------------------------------------- 文号


def test_a_sentence_mentioning_a_docno_is_not_the_notices_own(seed_text, ref):
    text = seed_text.replace(
        "\n塔地财社〔2022〕82号\n", "\n根据《关于提前下达资金的通知》（新财社〔2021〕12号）\n"
    )
    found = codes(check_notice(text, reference=ref))
    assert "DOCNO_MISSING" in found and "DOCNO_YEAR" not in found


def test_cited_docno_in_wrong_brackets_is_one_finding(seed_text, ref):
    text = seed_text.replace("（新财社〔2018〕199 号）", "（新财社[2018]199号）")
    found = [p for p in check_notice(text, reference=ref) if "DOCNO" in p.code]
    assert [(p.code, p.severity) for p in found] == [("CITED_DOCNO_FORM", Severity.WARNING)]
    assert found[0].numbers["canonical"] == "新财社〔2018〕199号"
    twice = text.replace("（新财社〔2021〕156 号）", "（新财社[2018]199号）")
    assert [p.code for p in check_notice(twice, reference=ref) if "DOCNO" in p.code] == ["CITED_DOCNO_FORM"]


def test_cited_docno_without_a_serial_is_an_error(seed_text, ref):
    text = seed_text.replace("（新财社〔2018〕199 号）", "（新财社〔2018〕号）")
    assert codes(check_notice(text, reference=ref), Severity.ERROR).count("CITED_DOCNO_INVALID") == 1


def test_cited_docnos_in_the_seed_are_well_formed(seed_text, ref):
    assert not [p for p in check_notice(seed_text, reference=ref) if "DOCNO" in p.code]


# ------------------------------------------------------------------------------------------- web layout

WEB_HEADER = """索 引 号: | 11654200MB0000000X/2022-00082 | 分 类: | 社会保障 ; 通知 |
发文机关: | 塔城地区财政局 | 成文日期: | 2022年10月31日 |
标 题: | 关于调整2022年自治区困难群众救助补助资金分配方案的通知 |
发文字号: | 塔地财社[2022]82号 | 发布日期: | 2022年11月02日 |
"""


def test_web_header_is_read_and_a_wrong_bracket_is_one_finding(seed_text, ref):
    body = seed_text.replace("塔地财社〔2022〕82号", "塔地财社[2022]82号", 1)
    text = WEB_HEADER + body
    found = [p for p in check_notice(text, reference=ref) if "DOCNO" in p.code]
    assert [p.code for p in found] == ["DOCNO_FORM"]
    # the header's 2022年11月02日 is the site's format, not the notice's: no DATE_FORM
    assert "DATE_FORM" not in codes(check_notice(text, reference=ref))
    assert codes(check_notice(text, reference=ref), Severity.ERROR) == SEED_ERRORS


def test_web_page_without_a_signature_dates_by_its_header(ref):
    text = WEB_HEADER.replace("塔地财社[2022]82号", "塔地财社〔2022〕82号") + "\n".join(
        [
            "关于调整2022年自治区困难群众救助补助资金分配方案的通知",
            "各县（市）财政局：",
            "现将沙湾县资金下达给你们。",
        ]
    )
    found = [p for p in check_notice(text, reference=ref) if p.code == "REGION_NAME_OUTDATED"]
    assert len(found) == 1 and found[0].numbers["date"] == "2022-10-31"
    assert "SIGNED_DATE_MISSING" not in codes(check_notice(text, reference=ref))


def test_web_header_with_each_cell_on_its_own_line(ref):
    text = "\n".join(
        [
            "索引号：",
            "11654200MB1C00000X/2022-00082",
            "发文字号：",
            "塔地财社[2022]82号",
            "成文日期：",
            "2022年10月31日",
            "关于调整2022年自治区困难群众救助补助资金分配方案的通知",
            "各县（市）财政局：",
            "现将沙湾县资金下达给你们。",
        ]
    )
    found = check_notice(text, reference=ref)
    assert [(p.code, p.where.row) for p in found if "DOCNO" in p.code] == [("DOCNO_FORM", 4)]
    assert [p.numbers["date"] for p in found if p.code == "REGION_NAME_OUTDATED"] == ["2022-10-31"]
