import pytest

from jiuzhu.audit.models import AuditRecord
from jiuzhu.funds.models import ClassificationCode, Fund

pytestmark = pytest.mark.django_db


def test_reference_tables_follow_codes_md(demo):
    fund = Fund.objects.get(fiscal_year=2022)
    assert fund.income_code == "1100248" and fund.tag_text == "01 自治区直达资金"
    assert "2089999" in fund.expenditure_codes
    assert fund.purpose_labels == [
        "低保",
        "特困人员救助供养",
        "临时救助",
        "流浪乞讨人员救助",
        "孤儿基本生活保障",
    ]
    assert (
        ClassificationCode.objects.get(fiscal_year=2022, code="2082001").get_purpose_display() == "临时救助"
    )


def test_administrator_corrects_a_code_and_it_is_audited(client, users):
    client.force_login(users["admin"])
    page = client.get("/reference/?year=2022")
    assert "2089999" in page.content.decode() and "其他社会保障和就业支出" in page.content.decode()
    client.post(
        "/reference/codes/save/",
        {
            "fiscal_year": "2022",
            "kind": "expenditure",
            "code": "2082102",
            "name": "农村特困人员救助供养支出（更正）",
            "purpose": "tekun",
        },
    )
    assert ClassificationCode.objects.get(fiscal_year=2022, code="2082102").name.endswith("（更正）")
    assert AuditRecord.objects.filter(action="reference.code", entity="2022/2082102").exists()
    bad = client.post(
        "/reference/codes/save/",
        {"fiscal_year": "2022", "kind": "income", "code": "2089", "name": ""},
        follow=True,
    )
    text = bad.content.decode()
    assert "应为3、5或7位数字" in text
    assert "科目名称不能为空" in text
    assert not ClassificationCode.objects.filter(code="2089").exists()


def test_a_clerk_cannot_change_reference_tables(client, users):
    client.force_login(users["dq_cz_jb"])
    response = client.post(
        "/reference/codes/save/", {"fiscal_year": "2022", "kind": "income", "code": "1100249", "name": "x"}
    )
    assert response.status_code == 403
    assert not ClassificationCode.objects.filter(code="1100249").exists()


def test_demo_loads_codes_of_every_year_and_the_region_history_for_the_checker(demo, client, users):
    from pathlib import Path

    from jiuzhu.documents.checking import check_text
    from jiuzhu.regions.models import RegionNameSpan

    years = set(ClassificationCode.objects.filter(code="1100248").values_list("fiscal_year", flat=True))
    assert years == set(range(2019, 2027))
    assert (
        ClassificationCode.objects.get(fiscal_year=2023, code="50901").get_kind_display()
        == "政府预算支出经济分类"
    )
    client.force_login(users["admin"])
    assert "1100248" in client.get("/reference/?year=2023").content.decode()
    shawan = RegionNameSpan.objects.get(name="沙湾县")
    assert (
        shawan.region.code == "654203"
        and shawan.old_code == "654223"
        and str(shawan.valid_to) == "2021-01-29"
    )
    seed = (Path(__file__).parent.parent / "fixtures" / "notice-2022-82.txt").read_text(encoding="utf-8")
    found = [p.code for p in check_text(seed.replace("2022", "2023"))]
    assert not [c for c in found if "CODE" in c]  # a 2023 notice with the seed's codes
    found = [p.code for p in check_text(seed.replace("6\t沙湾市\t75", "6\t沙湾县\t75"))]
    assert "REGION_NAME_OUTDATED" in found and "UNKNOWN_REGION" not in found
    # the administrator keeps the economic classifications too, each kind with its own form
    client.post(
        "/reference/codes/save/",
        {"fiscal_year": "2024", "kind": "dept_economic", "code": "30305", "name": "生活补助"},
    )
    assert ClassificationCode.objects.get(fiscal_year=2024, code="30305").kind == "dept_economic"
    bad = client.post(
        "/reference/codes/save/",
        {"fiscal_year": "2024", "kind": "gov_economic", "code": "30399", "name": "x"},
        follow=True,
    )
    assert "应以5开头" in bad.content.decode()
    assert not ClassificationCode.objects.filter(code="30399").exists()
