"""The findings export read back, the rules page, and a 红 误报 through the finding's page and the review flow."""

import io

import openpyxl
import pytest
from test_monitoring_workflow import run, world  # noqa: F401  (world is a fixture)

from jiuzhu.monitoring.models import Finding


@pytest.fixture
def found(world):  # noqa: F811
    region, _ = world
    run(region)
    return region


def test_export_reads_back_masked(client, people, found):
    client.force_login(people["ymx_cz_jb"])
    response = client.get("/monitoring/findings/export.xlsx?state=open")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("编号", "年度", "地区", "规则")
    rules = {r[3] for r in rows[1:]}
    assert {"重复发放（县内）", "指标未及时登记"} <= rules
    text = " ".join(str(c) for r in rows for c in r if c)
    assert "654225198001010" not in text and "654225********" in text


def test_rules_page_documents_every_rule(client, people, db):
    from jiuzhu.domain.monitoring_rules import REGISTRY

    client.force_login(people["ymx_cz_jb"])
    body = client.get("/monitoring/rules/").content.decode()
    for rule in REGISTRY.values():
        assert rule.title in body and rule.threshold in body


def test_red_false_positive_through_the_pages(client, people, found):
    duplicate = Finding.objects.get(rule="payout_duplicate")
    client.force_login(people["ymx_cz_jb"])
    client.post(
        f"/monitoring/findings/{duplicate.pk}/act/", {"action": "false_positive", "reason": "已核实同名"}
    )
    duplicate.refresh_from_db()
    assert duplicate.state == "fp_review"
    page = client.get(f"/monitoring/findings/{duplicate.pk}/").content.decode()
    approve = f"/approvals/review/monitoring.false_positive/{duplicate.pk}/approve/"
    assert "误报认定待审核" in page and approve not in page  # the maker gets no approve button
    client.force_login(people["ymx_cz_sh"])
    page = client.get(f"/monitoring/findings/{duplicate.pk}/").content.decode()
    assert approve in page
    client.post(approve)
    duplicate.refresh_from_db()
    assert duplicate.state == "false_positive"
