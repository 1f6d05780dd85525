import csv
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum
from python_calamine import CalamineWorkbook

from jiuzhu.allocation.models import Plan, PlanRow
from jiuzhu.audit.models import AuditRecord
from jiuzhu.regions.models import Region

pytestmark = pytest.mark.django_db

W = Decimal(10000)


def test_demo_loads_the_seed_exactly(seed_adjustment):
    rows = {r.region.short_name: r for r in seed_adjustment.rows.select_related("region")}
    assert len(rows) == 8
    assert rows["裕民县"].base == 39 * W and rows["裕民县"].increase == 217 * W
    assert rows["和布克赛尔县"].region.code == "654226"
    sums = seed_adjustment.rows.aggregate(b=Sum("base"), d=Sum("decrease"), i=Sum("increase"))
    # Sums of the fen column come back as exact Decimal 元 on SQLite and PostgreSQL alike.
    assert sums == {"b": 533 * W, "d": 337 * W, "i": 217 * W}
    assert seed_adjustment.status == Plan.APPROVED
    original = Plan.objects.get(doc_no="塔地财社〔2022〕8号")
    assert original.rows.aggregate(s=Sum("increase"))["s"] == 533 * W


def test_demo_twice_changes_nothing(demo):
    counts = (
        Region.objects.count(),
        Plan.objects.count(),
        PlanRow.objects.count(),
        AuditRecord.objects.count(),
    )
    call_command("demo", verbosity=0)
    assert (
        Region.objects.count(),
        Plan.objects.count(),
        PlanRow.objects.count(),
        AuditRecord.objects.count(),
    ) == counts


def test_xlsx_export_is_attachment_1(seed_adjustment, tmp_path):
    out = tmp_path / "附件1.xlsx"
    call_command("export_allocation", doc="塔地财社[2022]82号", out=str(out))
    sheet = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0)
    rows = sheet.to_python()
    assert rows[0][0] == "2022年自治区财政困难群众救助补助资金调整分配表"
    assert rows[1][0] == "单位：万元"
    assert rows[2][:4] == ["序号", "地（州、市）", "自治区补助资金额度", "各地调整资金情况"]
    assert rows[3][3:6] == ["调减资金情况", "调增资金情况", "调整数小计"]
    assert rows[4][2:] == ["1", "2", "3", "4=3-2", "5=1+4"]
    assert rows[5] == ["", "合计", 533.0, 337.0, 217.0, -120.0, 413.0]
    body = rows[6:]
    assert [r[0] for r in body] == [float(n) for n in range(1, 9)]
    assert [r[1] for r in body] == [
        "地区本级",
        "塔城市",
        "额敏县",
        "乌苏市",
        "沙湾市",
        "托里县",
        "裕民县",
        "和布克赛尔县",
    ]
    assert body[6][2:] == [39.0, 0.0, 217.0, 217.0, 256.0]
    assert sheet.merged_cell_ranges  # the two-row header is merged


def test_json_and_csv_exports(seed_adjustment, tmp_path):
    call_command("export_allocation", doc="塔地财社〔2022〕82号", out=str(tmp_path / "t.json"))
    data = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))
    yumin = next(r for r in data["rows"] if r["mof_div_code"] == "654225000")
    assert yumin == {
        "seq": 7,
        "mof_div_code": "654225000",
        "name": "裕民县",
        "base": "390000.00",
        "decrease": "0.00",
        "increase": "2170000.00",
        "net": "2170000.00",
        "final": "2560000.00",
    }
    assert data["total"]["final"] == "4130000.00"

    call_command("export_allocation", doc="塔地财社〔2022〕82号", out=str(tmp_path / "t.csv"))
    raw = (tmp_path / "t.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[1][:2] == ["", "合计"] and rows[1][-1] == "413"
    assert rows[-1][1:4] == ["和布克赛尔县", "654226000", "43"]


def test_export_of_unknown_document_is_a_clear_error(demo, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="没有文号为塔地财社〔2022〕99号的分配方案"):
        call_command("export_allocation", doc="塔地财社〔2022〕99号", out=str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError, match="不是有效的文号"):
        call_command("export_allocation", doc="82号", out=str(tmp_path / "x.xlsx"))
