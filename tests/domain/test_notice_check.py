"""The notice checker over the seed notice (a copy of ../shared/seed/notice-2022-82.txt) and variants."""

import os

import pytest

from jiuzhu.domain.notice_check import Reference, check_notice
from jiuzhu.domain.notice_check.reference import seed_reference
from jiuzhu.domain.problems import Severity, has_errors

SEED = os.path.join(os.path.dirname(__file__), "..", "fixtures", "notice-2022-82.txt")


@pytest.fixture(scope="module")
def ref():
    return seed_reference()


@pytest.fixture(scope="module")
def seed_text():
    with open(SEED, encoding="utf-8") as f:
        return f.read()


def line_no(text, needle):
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def codes(problems, severity=None):
    return sorted(p.code for p in problems if severity is None or p.severity is severity)


def banji_last(text):
    """The seed with its 版记 (抄送 … 印发) moved from before the attachments to the end, as GB/T 9704 has it."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("抄送"))
    end = next(i for i, line in enumerate(lines) if line.endswith("印发"))
    return "\n".join([*lines[:start], *lines[end + 1 :], "", *lines[start : end + 1], ""])


def test_seed_findings_are_exactly_the_known_slips(seed_text, ref):
    problems = check_notice(seed_text, reference=ref)
    errors = ["BLANK_FIGURE", "REGION_TWO_NAMES", "SEQUENCE_ORDER", "SEQUENCE_ORDER"]
    assert codes(problems, Severity.ERROR) == errors
    assert codes(problems, Severity.WARNING) == ["BANJI_BEFORE_ATTACHMENTS"]
    assert has_errors(problems)


def test_seed_banji_before_the_attachments_is_a_warning_on_its_line(seed_text, ref):
    found = next(p for p in check_notice(seed_text, reference=ref) if p.code == "BANJI_BEFORE_ATTACHMENTS")
    assert found.severity is Severity.WARNING
    assert found.where.row == line_no(seed_text, "抄送：")


def test_banji_after_the_attachments_reads_the_same_without_the_warning(seed_text, ref):
    text = banji_last(seed_text)
    assert text.rstrip().endswith("2022年10月31日印发")
    problems = check_notice(text, reference=ref)
    assert codes(problems) == ["BLANK_FIGURE", "REGION_TWO_NAMES", "SEQUENCE_ORDER", "SEQUENCE_ORDER"]
    two = next(p for p in problems if p.code == "REGION_TWO_NAMES")
    assert two.where.row == line_no(text, "和丰县")
    # the attachments end where the 版记 begins: one missing is still missed, and the 版记 is not an attachment
    missing = banji_last(seed_text.replace("\n自治区对地方转移支付区域绩效目标表\n", "\n"))
    assert codes(check_notice(missing, reference=ref)) == [
        "ATTACHMENT_MISSING",
        "BLANK_FIGURE",
        "REGION_TWO_NAMES",
        "SEQUENCE_ORDER",
        "SEQUENCE_ORDER",
    ]


def test_seed_blank_total_suggests_413_on_its_line(seed_text, ref):
    blank = next(p for p in check_notice(seed_text, reference=ref) if p.code == "BLANK_FIGURE")
    assert blank.where.row == line_no(seed_text, "安排补助资金 万元")
    assert blank.numbers["suggested"] == "413"
    assert "413万元" in blank.message


def test_seed_sequence_names_the_rows_of_5_and_4(seed_text, ref):
    found = [p for p in check_notice(seed_text, reference=ref) if p.code == "SEQUENCE_ORDER"]
    assert [(p.where.row, p.numbers["written"], p.numbers["expected"]) for p in found] == [
        (line_no(seed_text, "5\t额敏县"), 5, 4),
        (line_no(seed_text, "4\t乌苏市"), 4, 5),
    ]


def test_seed_county_under_two_names(seed_text, ref):
    two = next(p for p in check_notice(seed_text, reference=ref) if p.code == "REGION_TWO_NAMES")
    assert "和丰县" in two.message and "和布克赛尔县" in two.message
    assert two.where.row == line_no(seed_text, "和丰县")
    assert two.numbers["code"] == "654226"


def test_prefecture_budget_unit_is_not_an_unknown_region(seed_text, ref):
    assert "UNKNOWN_REGION" not in codes(check_notice(seed_text, reference=ref))
    text = seed_text.replace("2\t地区本级\t5", "2\t地区社会福利院\t5")
    assert "UNKNOWN_REGION" not in codes(check_notice(text, reference=ref))
    bare = Reference(tree=ref.tree, issuer_code="654200")  # without the budget unit, the name is unknown
    unknown = [p for p in check_notice(text, reference=bare) if p.code == "UNKNOWN_REGION"]
    assert [p.where.row for p in unknown] == [line_no(text, "地区社会福利院\t5")]


def test_filled_total_clears_the_blank_and_a_wrong_one_is_caught(seed_text, ref):
    filled = seed_text.replace("安排补助资金 万元", "安排补助资金413万元")
    assert "BLANK_FIGURE" not in codes(check_notice(filled, reference=ref))
    wrong = seed_text.replace("安排补助资金 万元", "安排补助资金412万元")
    mismatch = [p for p in check_notice(wrong, reference=ref) if p.code == "STATED_TOTAL_MISMATCH"]
    assert len(mismatch) == 1 and mismatch[0].numbers["table"] == 413


def test_wrong_daxie_is_caught(seed_text, ref):
    text = seed_text.replace("安排补助资金 万元", "安排补助资金413万元（大写：肆佰壹拾贰万元整）")
    assert "STATED_DAXIE_MISMATCH" in codes(check_notice(text, reference=ref))
    text = seed_text.replace("安排补助资金 万元", "安排补助资金413万元（大写：肆佰壹拾叁万元整）")
    assert "STATED_DAXIE_MISMATCH" not in codes(check_notice(text, reference=ref))


def test_row_and_total_arithmetic(seed_text, ref):
    text = seed_text.replace("塔城市\t86\t61\t0\t-61\t25", "塔城市\t86\t61\t0\t-61\t26")
    problems = check_notice(text, reference=ref)
    row = next(p for p in problems if p.code == "ROW_SUM_MISMATCH")
    assert row.where.row == line_no(text, "塔城市\t86")
    assert "26万元" in row.message and "25万元" in row.message
    assert "TOTAL_MISMATCH" not in codes(problems)  # the 合计 is right; the row is named once


def test_total_row_against_the_rows(seed_text, ref):
    text = seed_text.replace("合计\t533\t337\t217\t-120\t413", "合计\t533\t337\t217\t-120\t414")
    total = [p for p in check_notice(text, reference=ref) if p.code == "TOTAL_MISMATCH"]
    assert [p.where.row for p in total] == [line_no(text, "合计\t533")]
    assert "414万元" in total[0].message and "413万元" in total[0].message


def test_net_column_is_checked_too(seed_text, ref):
    text = seed_text.replace("裕民县\t39\t0\t217\t217\t256", "裕民县\t39\t0\t217\t207\t256")
    assert "ROW_SUM_MISMATCH" in codes(check_notice(text, reference=ref))


def test_unknown_region_in_either_attachment(seed_text, ref):
    text = seed_text.replace("托里县\t72", "托里市\t72")
    assert "UNKNOWN_REGION" in codes(check_notice(text, reference=ref))
    text = seed_text.replace("\t裕民县\t和丰县", "\t裕民市\t和丰县")
    unknown = [p for p in check_notice(text, reference=ref) if p.code == "UNKNOWN_REGION"]
    assert [p.where.row for p in unknown] == [line_no(text, "裕民市")]


@pytest.mark.parametrize(
    ("docno", "code", "severity"),
    [
        ("塔地财社〔2022〕号", "DOCNO_INVALID", Severity.ERROR),
        ("塔地财社[2022]082号", "DOCNO_FORM", Severity.WARNING),
        ("塔地财社〔2021〕82号", "DOCNO_YEAR", Severity.WARNING),
    ],
)
def test_document_number(seed_text, ref, docno, code, severity):
    text = seed_text.replace("塔地财社〔2022〕82号", docno, 1)
    found = [p for p in check_notice(text, reference=ref) if p.code == code]
    assert len(found) == 1 and found[0].severity is severity


def test_dates(seed_text, ref):
    text = seed_text.replace("2022年10月31日印发", "2022年10月30日印发")
    early = next(p for p in check_notice(text, reference=ref) if p.code == "PRINTED_BEFORE_SIGNED")
    assert early.where.row == line_no(text, "印发")
    text = seed_text.replace("\n2022年10月31日\n", "\n2022年02月30日\n")
    assert "DATE_INVALID" in codes(check_notice(text, reference=ref))
    text = seed_text.replace("\n2022年10月31日\n", "\n2022年10月01日\n")
    assert "DATE_FORM" in codes(check_notice(text, reference=ref))


def test_attachment_announced_but_missing(seed_text, ref):
    text = seed_text.replace("\n自治区对地方转移支付区域绩效目标表\n", "\n")
    missing = [p for p in check_notice(text, reference=ref) if p.code == "ATTACHMENT_MISSING"]
    assert [p.where.row for p in missing] == [line_no(text, "2.自治区对地方")]


def test_attachment_present_but_not_announced(seed_text, ref):
    text = seed_text.replace("3.自治区财政资金使用情况跟踪反馈表\n", "\n")
    extra = [p for p in check_notice(text, reference=ref) if p.code == "ATTACHMENT_UNANNOUNCED"]
    assert len(extra) == 1 and "附件3" in extra[0].message


def test_classification_codes(seed_text, ref):
    text = seed_text.replace("“1100248 项", "“1100249 项")
    assert "UNKNOWN_CODE" in codes(check_notice(text, reference=ref))
    income = "“1100248 社会保障和就业共同财政事权转移支付收入”"
    text = seed_text.replace("“2089999 其他社会保障和就业支出”", income)
    assert "CODE_KIND" in codes(check_notice(text, reference=ref))
    text = seed_text.replace("2089999 其他社会保障和就业支出", "2089999 其他社会保障支出")
    name = next(p for p in check_notice(text, reference=ref) if p.code == "CODE_NAME")
    assert name.severity is Severity.WARNING and name.numbers["reference"] == "其他社会保障和就业支出"


def test_body_heading_order(seed_text, ref):
    text = seed_text.replace("\n四、各县（市）要认真", "\n六、各县（市）要认真")
    assert any(
        p.code == "SEQUENCE_ORDER" and p.where.row == line_no(text, "六、各县")
        for p in check_notice(text, reference=ref)
    )


def test_pdf_layout_text_with_stray_spaces_and_space_separated_cells(ref):
    text = "\n".join(
        [
            "塔地财社〔2022〕82号",
            "为支持各县（市）工作，调整后当年实际安排补助资 金",
            "5万元（大写：伍万",
            "元整）。",
            "附件：1.2022年自治区财政困难群众救助补助资金调整分配表",
            "2022年10月31日",
            "2022年自治区财政困难群众救助补助资金调整分配表",
            "单位：万元",
            "            合计        10      5      0      -5      5",
            "  1         塔城市      10      5      0      -5      5",
            "抄送：地区审计局，本局预算科（政府债务管理科）、国库科、财",
            "   政评价监督科。",
            "塔城地区财政局办公室          2022年10月31日印发",
        ]
    )
    assert check_notice(text, reference=ref) == []  # the figure and its 大写 wrapped over lines still read
    assert codes(check_notice(text.replace("5万元（", "万元（"), reference=ref)) == ["BLANK_FIGURE"]
    # 6万元 is not the table's 5万元, and its 大写 伍万元整 does not spell it either: two slips
    assert codes(check_notice(text.replace("5万元（", "6万元（"), reference=ref)) == [
        "STATED_DAXIE_MISMATCH",
        "STATED_TOTAL_MISMATCH",
    ]
    broken = text.replace("-5      5\n  1", "-5      6\n  1")
    assert "TOTAL_MISMATCH" in codes(check_notice(broken, reference=ref))
