import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from helpers import draft_plan
from jiuzhu.allocation import services
from jiuzhu.allocation.models import Plan
from jiuzhu.approvals import review
from jiuzhu.core.errors import ActionRefused, InvalidInput
from jiuzhu.domain.allocation import AdjustmentLine
from jiuzhu.funds.models import Fund

pytestmark = pytest.mark.django_db
W = Decimal(10000)


@pytest.fixture
def draft(users):
    return draft_plan(
        users["dq_cz_jb"],
        doc_no="塔地财社[2022]95号",
        title="第二次调整",
        doc_date=datetime.date(2022, 11, 20),
    )


def test_new_adjustment_starts_from_the_amounts_after_82(draft):
    rows = {r.region.short_name: r.base for r in draft.rows.select_related("region")}
    assert rows["裕民县"] == 256 * W and rows["塔城市"] == 25 * W
    assert sum(rows.values()) == 413 * W
    assert draft.doc_no == "塔地财社〔2022〕95号"


def test_bad_lines_save_nothing_and_name_every_place(draft, users):
    before = {r.region.code: (r.base, r.decrease, r.increase) for r in draft.rows.select_related("region")}
    lines = [AdjustmentLine(r.region.code, r.base) for r in draft.rows.select_related("region")]
    lines[1] = AdjustmentLine(lines[1].region_code, lines[1].base, decrease=30 * W)  # 塔城市 has 25
    lines[2] = AdjustmentLine(lines[2].region_code, Decimal(1), Decimal(0))  # base tampered
    with pytest.raises(InvalidInput) as err:
        services.do_save_rows(actor=users["dq_cz_jb"], plan=draft, lines=lines)
    found = {(p.code, p.where.entity) for p in err.value.problems}
    assert ("DECREASE_ABOVE_BASE", "654201") in found and ("NEGATIVE_FINAL", "654201") in found
    assert ("BASE_MISMATCH", lines[2].region_code) in found
    after = {r.region.code: (r.base, r.decrease, r.increase) for r in draft.rows.select_related("region")}
    assert after == before


def test_maker_checker_and_immutability(draft, users):
    maker, checker = users["dq_cz_jb"], users["dq_cz_sh"]
    lines = [AdjustmentLine(r.region.code, r.base) for r in draft.rows.select_related("region")]
    lines[1] = AdjustmentLine(lines[1].region_code, lines[1].base, decrease=5 * W)
    lines[6] = AdjustmentLine(lines[6].region_code, lines[6].base, increase=5 * W)
    services.do_save_rows(actor=maker, plan=draft, lines=lines)
    with pytest.raises(ActionRefused):
        review.approve(draft, checker)  # not submitted yet
    services.do_submit_plan(actor=maker, plan=draft)
    with pytest.raises(ActionRefused, match="权限"):
        review.approve(draft, maker)
    review.return_(draft, checker, reason="裕民县调增依据不足")
    draft.refresh_from_db()
    # A return puts the plan back to draft, editable, with the reason kept for the maker to read.
    assert draft.status == Plan.DRAFT and draft.return_reason == "裕民县调增依据不足" and draft.editable
    services.do_submit_plan(actor=maker, plan=draft)
    review.approve(draft, checker)
    draft.refresh_from_db()
    assert draft.status == Plan.APPROVED
    with pytest.raises(ActionRefused, match="新建调整方案"):
        services.do_save_rows(actor=maker, plan=draft, lines=lines)


def test_a_checker_who_made_the_plan_cannot_approve_it(users, draft):
    draft.created_by = users["dq_cz_sh"]
    draft.save()
    services.do_submit_plan(actor=users["dq_cz_jb"], plan=draft)
    with pytest.raises(ActionRefused, match="经办人不能审核"):
        review.approve(draft, users["dq_cz_sh"])
    review.approve(draft, users["dq_cz_sh2"])


def test_county_clerk_cannot_create_a_prefecture_plan(users):
    with pytest.raises(ActionRefused):
        services.do_create_plan(
            actor=users["tcs_cz_jb"],
            fund=Fund.objects.get(fiscal_year=2022),
            kind=Plan.ADJUSTMENT,
            doc_no="塔地财社〔2022〕96号",
            title="x",
            doc_date=datetime.date(2022, 11, 1),
            issuer=users["dq_cz_jb"].region,
        )


CSV_OK = """2022年自治区财政困难群众救助补助资金调整分配表
单位：万元
序号,地（州、市）,自治区补助资金额度,调减资金情况,调增资金情况,调整数小计,调整后各地实际安排资金合计
,合计,413,10,10,0,413
1,地区本级,5,0,0,0,5
2,塔城市,25,10,0,-10,15
3,额敏县,32,0,0,0,32
4,乌苏市,40,0,0,0,40
5,沙湾市,22,0,0,0,22
6,托里县,21,0,0,0,21
7,裕民县,256,0,10,10,266
8,和丰县,12,0,0,0,12
"""


def test_cli_import_of_a_table(draft, tmp_path):
    path = tmp_path / "调整.csv"
    path.write_text(CSV_OK, encoding="gb18030")
    call_command("import_allocation", str(path), doc="塔地财社〔2022〕95号", user="dq_cz_jb")
    rows = {r.region.short_name: r for r in draft.rows.select_related("region")}
    assert rows["裕民县"].increase == 10 * W and rows["塔城市"].decrease == 10 * W


@pytest.mark.parametrize(
    ("cell", "replacement", "message"),
    [
        ("2,塔城市,25,10,", "2,塔城市,25,-10,", "调减资金情况"),
        ("2,塔城市,25,10,", "2,塔城市,25,30,", "超过原额度"),
        ("3,额敏县,32,0,", "3,额敏县,32,abc,", "不是有效的金额"),
        ("3,额敏县,32,0,", "3,额敏县,32,1e30,", "不是有效的金额"),
        ("3,额敏县,32,0,", "3,额敏县,32,12.345元,", "分以下"),
        (",合计,413,10,10,0,413", ",合计,413,10,10,0,414", "合计行"),
    ],
)
def test_cli_import_refuses_bad_input_and_saves_nothing(draft, tmp_path, capsys, cell, replacement, message):
    before = sorted((r.region_id, r.decrease, r.increase) for r in draft.rows.all())
    path = tmp_path / "bad.csv"
    path.write_text(CSV_OK.replace(cell, replacement), encoding="utf-8")
    with pytest.raises(CommandError, match="未保存任何数据"):
        call_command("import_allocation", str(path), doc="塔地财社〔2022〕95号", user="dq_cz_jb")
    err = capsys.readouterr().err
    assert message in err and "第" in err and "行" in err
    assert sorted((r.region_id, r.decrease, r.increase) for r in draft.rows.all()) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04 not really a workbook", "无法读取该表格文件"),
        (
            b"\xfa\xfb\xfc\xff\xfe" * 10,  # (a file opening with FF FE is read as UTF-16)
            "既不是UTF-8也不是GB18030",
        ),
        (b"", "文件为空"),
    ],
)
def test_cli_import_of_an_unreadable_file_says_why_in_chinese(draft, tmp_path, content, message):
    """The allocation importer reads through the same content-sniffing reader as the ledger's."""
    path = tmp_path / "调整.xlsx"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("import_allocation", str(path), doc="塔地财社〔2022〕95号", user="dq_cz_jb")


def test_the_allocation_reader_takes_the_table_as_an_xlsx_too(tmp_path):
    import xlsxwriter

    from jiuzhu.allocation.imports import read_rows

    path = tmp_path / "调整.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("附件2")
    for r, line in enumerate(CSV_OK.strip().splitlines()):
        for c, cell in enumerate(line.split(",")):
            if cell.lstrip("-").isdigit():
                sheet.write_number(r, c, int(cell))
            else:
                sheet.write_string(r, c, cell)
    book.close()
    sheet_name, rows = read_rows(path.read_bytes())
    assert sheet_name == "附件2"
    assert rows[-1] == ["8", "和丰县", "12", "0", "0", "0", "12"]  # numbers read back as the clerk typed them
