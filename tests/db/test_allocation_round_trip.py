"""Every export of an allocation plan imports back (XLSX 附件1, CSV, JSON): the same plan rows, to the fen; and
an import's problems name the rows of the file (合计 is the file's 合计 row, not 第0行)."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from test_allocation_workflow import CSV_OK

from helpers import draft_plan
from jiuzhu.allocation import services
from jiuzhu.allocation.exports import build_table, render
from jiuzhu.domain.allocation import AdjustmentLine
from jiuzhu.regions.models import load_tree

pytestmark = pytest.mark.django_db
DOC = "塔地财社〔2022〕95号"


@pytest.fixture
def draft(users):
    return draft_plan(users["dq_cz_jb"], doc_no=DOC, title="第二次调整", doc_date=datetime.date(2022, 11, 20))


def _rows(plan):
    return sorted((r.region.code, r.base, r.decrease, r.increase) for r in plan.rows.select_related("region"))


@pytest.mark.parametrize("suffix", [".xlsx", ".csv", ".json"])
def test_every_export_imports_back_to_the_same_rows(draft, users, tmp_path, suffix):
    clerk = users["dq_cz_jb"]
    plain = [r.line() for r in draft.rows.select_related("region")]
    by_name = {r.region.short_name: r.region.code for r in draft.rows.select_related("region")}
    moved = Decimal("34567.89")  # 3.456789万元: every fen must survive the 万元 of XLSX and CSV
    adjusted = [
        AdjustmentLine(
            x.region_code,
            x.base,
            moved if x.region_code == by_name["塔城市"] else Decimal(0),
            moved if x.region_code == by_name["裕民县"] else Decimal(0),
        )
        for x in plain
    ]
    services.do_save_rows(actor=clerk, plan=draft, lines=adjusted)
    draft.refresh_from_db()
    exported = _rows(draft)
    path = tmp_path / f"{DOC}{suffix}"
    path.write_bytes(
        render(build_table(draft, [r.line() for r in draft.rows.all()], load_tree()), draft, suffix)
    )
    services.do_save_rows(actor=clerk, plan=draft, lines=plain)
    assert _rows(draft) != exported
    call_command("import_allocation", str(path), doc=DOC, user="dq_cz_jb")
    assert _rows(draft) == exported


@pytest.mark.parametrize(
    ("changes", "place"),
    [
        ({"2,塔城市,25,10,": "2,塔城市,25,30,"}, "第6行，“调减资金情况”列"),  # 塔城市 is the file's 6th row
        (  # the service's check that the base is what was issued
            {
                "8,和丰县,12,0,0,0,12": "8,和丰县,13,0,0,0,13",
                ",合计,413,": ",合计,414,",
                "0,413\n": "0,414\n",
            },
            "第12行，“自治区补助资金额度”列",
        ),
        ({",合计,413,10,10,0,413": ",合计,413,10,10,0,414"}, "第4行，“调整后各地实际安排资金合计”列"),
        ({"7,裕民县,256,0,10,10,266": "7,裕民县,256,0,10,10,267"}, "第11行，“调整后各地实际安排资金合计”列"),
    ],
)
def test_import_problems_name_the_rows_of_the_file(draft, tmp_path, capsys, changes, place):
    before = _rows(draft)
    text = CSV_OK
    for old, new in changes.items():
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "调整.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match="未保存任何数据"):
        call_command("import_allocation", str(path), doc=DOC, user="dq_cz_jb")
    err = capsys.readouterr().err
    assert f"工作表“CSV”，{place}" in err and "第0行" not in err
    assert _rows(draft) == before


def test_a_json_that_is_not_an_export_is_refused_in_chinese(draft, tmp_path):
    before = _rows(draft)
    path = tmp_path / "x.json"
    path.write_text('{"rows": 1}', encoding="utf-8")
    with pytest.raises(CommandError, match="不是本系统导出的分配表"):
        call_command("import_allocation", str(path), doc=DOC, user="dq_cz_jb")
    assert _rows(draft) == before
