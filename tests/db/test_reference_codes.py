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
    assert response.status_code == 404
    assert not ClassificationCode.objects.filter(code="1100249").exists()
