from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Sum

from helpers import draft_plan
from jiuzhu.allocation.models import Plan

pytestmark = pytest.mark.django_db

FACTORS = """地区,低保对象人数,特困人员人数,财力系数
权重,0.6,0.3,0.1
地区本级,0,50,1
塔城市,3100,420,1
额敏县,5200,610,1.2
乌苏市,4100,380,0.8
沙湾市,3900,300,0.9
托里县,3300,350,1.3
裕民县,2100,260,1.4
和丰县,1800,240,1.3
"""


@pytest.fixture
def allocation_draft(users):
    return draft_plan(
        users["dq_cz_jb"], doc_no="塔地财社〔2022〕100号", kind=Plan.ALLOCATION, title="因素法分配"
    )


def test_factor_method_fills_whole_wan_that_sum_to_the_total(allocation_draft, tmp_path, capsys):
    path = tmp_path / "因素.csv"
    path.write_text(FACTORS, encoding="utf-8")
    call_command(
        "allocate_factors",
        str(path),
        doc="塔地财社〔2022〕100号",
        user="dq_cz_jb",
        total="413万元",
        unit="10000",
    )
    rows = allocation_draft.rows.all()
    assert rows.count() == 8
    assert rows.aggregate(s=Sum("increase"))["s"] == Decimal("4130000.00")
    assert all(r.increase % 10000 == 0 for r in rows)
    assert "额敏县" in capsys.readouterr().out


def test_bad_factor_table_saves_nothing(allocation_draft, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text(
        FACTORS.replace("托里县,3300", "托里县,三千").replace("和丰县", "乌鲁木齐"), encoding="utf-8"
    )
    with pytest.raises(CommandError, match="未保存任何数据"):
        call_command(
            "allocate_factors", str(path), doc="塔地财社〔2022〕100号", user="dq_cz_jb", total="413万元"
        )
    err = capsys.readouterr().err
    assert "第8行" in err and "低保对象人数" in err and "未知的地区“乌鲁木齐”" in err
    assert allocation_draft.rows.count() == 0
