"""Any table's arithmetic: one or many amount columns, 合计 first or last, 小计 rows, 元 or 万元, header formulas,
and the 正文's figures (万元, Chinese numerals, 大写) against the table."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiuzhu.domain.notice_check import check_notice
from jiuzhu.domain.notice_check.reference import seed_reference
from jiuzhu.domain.problems import Severity


@pytest.fixture(scope="module")
def ref():
    return seed_reference()


def notice(
    body: str, table: str, *, title: str = "2023年困难群众救助补助资金分配表", unit: str = "单位：万元"
) -> str:
    return "\n".join(
        [
            "塔地财社〔2023〕12号",
            "关于下达2023年困难群众救助补助资金的通知",
            "各县（市）财政局：",
            body,
            f"附件：{title}",
            "",
            "2023年3月6日",
            "",
            title,
            unit,
            table.strip("\n"),
            "",
            "抄送：地区审计局。",
            "塔城地区财政局办公室          2023年3月6日印发",
        ]
    )


def codes(problems, severity=None):
    return sorted(p.code for p in problems if severity is None or p.severity is severity)


def line_no(text, needle):
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


ONE_COLUMN = """
序号\t地区\t金额
\t合计\t100
1\t塔城市\t30
2\t额敏县\t25
3\t乌苏市\t45
"""


def test_one_amount_column_with_the_total_first(ref):
    text = notice("现下达你们资金100万元。", ONE_COLUMN)
    assert check_notice(text, reference=ref) == []
    wrong = text.replace("乌苏市\t45", "乌苏市\t46")
    found = [p for p in check_notice(wrong, reference=ref) if p.severity is Severity.ERROR]
    assert [p.code for p in found] == ["TOTAL_MISMATCH"]
    assert found[0].where.row == line_no(wrong, "合计\t100")
    assert "填为100万元" in found[0].message and "应为101万元" in found[0].message


def test_total_last_in_yuan_with_decimals(ref):
    table = """
序号\t乡镇\t补助金额
1\t额敏镇\t12345.67
2\t上户镇\t2000.50
3\t郊区乡\t999.83
\t合计\t15346.00
"""
    text = notice("现下达资金15346元。", table, unit="单位：元")
    assert check_notice(text, reference=ref) == []  # townships are not regions of the reference: no 未知地区
    wrong = text.replace("15346.00", "15345.50")
    total = next(p for p in check_notice(wrong, reference=ref) if p.code == "TOTAL_MISMATCH")
    assert "15345.5元" in total.message and "15346元" in total.message
    assert total.numbers["computed"] == Decimal("15346.00")


SUBTOTALS = """
序号\t单位\t合计\t中央资金\t自治区资金
\t一、地区本级\t8\t5\t3
1\t地区社会福利院\t8\t5\t3
\t二、县市\t60\t40\t20
2\t塔城市\t35\t20\t15
3\t沙湾市\t25\t20\t5
\t合计\t68\t45\t23
"""


def test_group_heads_and_a_total_column_that_sums_the_others(ref):
    text = notice("现下达资金68万元，其中中央资金45万元。", SUBTOTALS)
    assert check_notice(text, reference=ref) == []
    row = text.replace("塔城市\t35\t20\t15", "塔城市\t36\t20\t15")
    found = check_notice(row, reference=ref)
    assert codes(found, Severity.ERROR) == ["ROW_SUM_MISMATCH"]  # the group and the 合计 take the computed 35
    assert "应为35万元" in found[0].message and "合计=各栏之和" in found[0].message
    group = text.replace("二、县市\t60\t40\t20", "二、县市\t60\t40\t21")
    found = [p for p in check_notice(group, reference=ref) if p.code == "SUBTOTAL_MISMATCH"]
    assert [p.where.row for p in found] == [line_no(group, "二、县市")]
    assert "应为20万元" in found[0].message


def test_subtotal_rows_closing_their_groups(ref):
    table = """
序号\t地区\t金额
1\t塔城市\t10
2\t额敏县\t20
\t小计\t30
3\t托里县\t5
4\t裕民县\t7
\t小计\t12
\t合计\t42
"""
    text = notice("现下达资金42万元。", table)
    assert check_notice(text, reference=ref) == []
    wrong = text.replace("小计\t12", "小计\t13")
    found = [p for p in check_notice(wrong, reference=ref) if p.severity is Severity.ERROR]
    assert [p.code for p in found] == ["SUBTOTAL_MISMATCH"]
    assert (
        found[0].where.row == line_no(wrong, "小计\t13")
        and "填为13万元，所属各行相加应为12万元" in found[0].message
    )


def test_formula_stated_in_the_header_titles(ref):
    table = """
序号\t地区\t上年结转（1）\t本次下达（2）\t合计（3=1+2）
1\t塔城市\t2\t8\t10
2\t裕民县\t1\t4\t6
\t合计\t3\t12\t16
"""
    text = notice("现下达资金12万元，调整后共计16万元。", table)
    found = check_notice(text, reference=ref)
    assert codes(found, Severity.ERROR) == ["ROW_SUM_MISMATCH", "TOTAL_MISMATCH"]
    row = next(p for p in found if p.code == "ROW_SUM_MISMATCH")
    assert row.where.row == line_no(text, "裕民县") and "按3=1+2应为5万元" in row.message
    total = next(p for p in found if p.code == "TOTAL_MISMATCH")
    assert "填为16万元" in total.message and "应为15万元" in total.message


def test_body_figures_in_chinese_numerals_and_daxie(ref):
    right = notice("现下达资金一百万元（大写：人民币壹佰万元整）。", ONE_COLUMN)
    assert check_notice(right, reference=ref) == []
    wrong = notice("现下达资金一百一十万元。", ONE_COLUMN)
    found = next(p for p in check_notice(wrong, reference=ref) if p.code == "STATED_TOTAL_MISMATCH")
    assert "100万元" in found.message and found.numbers["table"] == 100
    daxie = notice("现下达资金100万元（大写：壹佰零壹万元整）。", ONE_COLUMN)
    found = next(p for p in check_notice(daxie, reference=ref) if p.code == "STATED_DAXIE_MISMATCH")
    assert found.numbers["expected"] == "壹佰万元整"


def test_blank_body_figure_suggests_the_total_in_the_gap_unit(ref):
    table = "序号\t乡镇\t金额\n1\t额敏镇\t30000.00\n2\t上户镇\t20000.00\n\t合计\t50000.00"
    text = notice("现下达资金 万元。", table, unit="单位：元")
    blank = next(p for p in check_notice(text, reference=ref) if p.code == "BLANK_FIGURE")
    assert blank.numbers["suggested"] == "5" and "应为5万元" in blank.message


def test_pipe_separated_cells_and_cells_one_per_line(ref):
    piped = ONE_COLUMN.replace("\t", " | ")
    text = notice("现下达你们资金100万元。", piped)
    assert check_notice(text, reference=ref) == []
    assert "TOTAL_MISMATCH" in codes(check_notice(text.replace("| 45", "| 44"), reference=ref))
    cells = "\n".join(
        ["序号", "地区", "金额", "1", "塔城市", "30", "2", "额敏县", "25", "3", "乌苏市", "45", "合计", "100"]
    )
    text = notice("现下达你们资金100万元。", cells)
    assert check_notice(text, reference=ref) == []
    wrong = text.replace("\n45\n", "\n44\n")
    total = [p for p in check_notice(wrong, reference=ref) if p.code == "TOTAL_MISMATCH"]
    assert len(total) == 1 and "应为99万元" in total[0].message


amounts = st.lists(st.integers(min_value=0, max_value=10**8), min_size=2, max_size=7)


@settings(max_examples=40, deadline=None)
@given(base=amounts, data=st.data())
def test_consistent_tables_pass_and_one_wrong_cell_is_one_finding(ref, base, data):
    """A table whose rows add up has no finding; changing one row's amount is exactly one 合计 finding."""
    names = ["塔城市", "额敏县", "乌苏市", "沙湾市", "托里县", "裕民县", "和布克赛尔县"][: len(base)]
    fen = [Decimal(v) / 100 for v in base]
    rows = [f"{k}\t{n}\t{v}" for k, (n, v) in enumerate(zip(names, fen, strict=True), start=1)]
    total = sum(fen, Decimal(0))
    table = "\n".join(["序号\t地区\t金额", *rows, f"\t合计\t{total}"])
    text = notice("现下达你们资金。", table, unit="单位：元")
    assert check_notice(text, reference=ref) == []
    k = data.draw(st.integers(min_value=0, max_value=len(base) - 1))
    changed = text.replace(rows[k], f"{k + 1}\t{names[k]}\t{fen[k] + Decimal('0.01')}")
    found = [p for p in check_notice(changed, reference=ref) if p.severity is Severity.ERROR]
    assert [p.code for p in found] == ["TOTAL_MISMATCH"]
    assert found[0].numbers["computed"] == total + Decimal("0.01")


def test_rates_in_the_body_are_not_totals(ref):
    body = (
        "现下达你们资金100万元。城市低保标准每人每月不低于600元，按月拨付600元，各地资金共计不少于100万元。"
    )
    assert check_notice(notice(body, ONE_COLUMN), reference=ref) == []
