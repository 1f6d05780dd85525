"""The synthetic central fund beside the seed's: the same name and year at another level. Plans, exports, the
82号 notice and its checker of the seed fund stay exactly as they were."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client

from jiuzhu.allocation.models import Plan
from jiuzhu.documents.checking import check_file
from jiuzhu.funds.models import DirectFundTag, Fund
from jiuzhu.ledger.models import Movement

pytestmark = pytest.mark.django_db

W = Decimal(10000)
SEED_ADJUSTMENT = "塔地财社〔2022〕82号"


@pytest.fixture
def central(demo):
    from jiuzhu.demo.seed import load_central_plan

    return load_central_plan()


def _fund(level: str) -> Fund:
    return Fund.objects.get(name="困难群众救助补助资金", fiscal_year=2022, source_label=level)


def test_two_funds_of_one_name_and_year_differ_by_level(central):
    assert [str(f) for f in Fund.objects.order_by("source_label")] == [
        "2022年中央困难群众救助补助资金",
        "2022年自治区困难群众救助补助资金",
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        Fund.objects.create(
            name="困难群众救助补助资金",
            fiscal_year=2022,
            source_label="中央",
            income_code="1100248",
            direct_fund_tag=DirectFundTag.objects.get(code="01"),
            direct_fund_tag_label="中央直达资金",
        )
    assert (central.fund, central.status, central.doc_no) == (
        _fund("中央"),
        Plan.APPROVED,
        "塔地财社〔2022〕5号",
    )
    movements = Movement.objects.filter(fund=_fund("中央"))
    assert sum(m.amount for m in movements) == 25000 * W
    assert {(m.kind, m.direct_fund_tag, m.income_code) for m in movements} == {("issue", "01", "1100248")}
    assert sum(m.amount for m in Movement.objects.filter(fund=_fund("自治区"))) == 413 * W


def test_loading_the_central_plan_twice_changes_nothing(central):
    from jiuzhu.demo.seed import load_central_plan

    assert load_central_plan() == central
    assert Plan.objects.filter(fund=_fund("中央")).count() == 1


def test_the_seed_adjustment_and_its_export_are_unchanged(central, tmp_path):
    out = tmp_path / "82.json"
    call_command("export_allocation", "--doc", SEED_ADJUSTMENT, "--out", str(out))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["title"] == "2022年自治区财政困难群众救助补助资金调整分配表"
    assert data["total"] == {
        "base": "5330000.00",
        "decrease": "3370000.00",
        "increase": "2170000.00",
        "net": "-1200000.00",
        "final": "4130000.00",
    }
    assert len(data["rows"]) == 8


def test_a_new_adjustment_of_either_fund_starts_from_that_fund_alone(central, users):
    from jiuzhu.allocation.services import do_create_plan
    from jiuzhu.regions.models import Region

    bases = {}
    for level, doc_no in (("自治区", "塔地财社〔2022〕98号"), ("中央", "塔地财社〔2022〕99号")):
        plan = do_create_plan(
            actor=users["dq_cz_jb"],
            fund=_fund(level),
            kind=Plan.ADJUSTMENT,
            doc_no=doc_no,
            title="测试调整",
            doc_date=datetime.date(2022, 12, 1),
            issuer=Region.objects.get(code="654200"),
        )
        bases[level] = {r.region.short_name: r.base for r in plan.rows.select_related("region")}
    assert sum(bases["自治区"].values()) == 413 * W and bases["自治区"]["裕民县"] == 256 * W
    assert sum(bases["中央"].values()) == 25000 * W and bases["中央"]["裕民县"] == 1400 * W


def test_the_82_notice_still_says_413_and_passes_its_checker(central, tmp_path):
    out = tmp_path / "notice.docx"
    call_command("export_notice", "--doc", SEED_ADJUSTMENT, "--out", str(out))
    data = out.read_bytes()
    assert check_file(data) == []
    from jiuzhu.documents.extract import extract_text

    text = extract_text(data)
    assert "调整后当年实际安排补助资金413万元（大写：肆佰壹拾叁万元整）" in text
    assert "25000" not in text and "中央直达资金" not in text


def test_the_allocation_pages_show_each_plan_with_its_own_fund(central, users):
    client = Client()
    client.force_login(users["dq_cz_jb"])
    assert "塔地财社〔2022〕5号" in client.get("/allocation/").content.decode()
    seed = Plan.objects.get(doc_no=SEED_ADJUSTMENT)
    page = client.get(f"/allocation/{seed.pk}/").content.decode()
    assert "2022年自治区困难群众救助补助资金" in page and "中央" not in page
    page = client.get(f"/allocation/{central.pk}/").content.decode()
    assert "2022年中央财政困难群众救助补助资金分配表" in page
