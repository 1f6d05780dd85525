"""A checker sees what they approve (issue 11, point 3): totals per voucher, purpose and month, people, first
rows masked, and the differences from the previous month; the approve button asks with the total."""

import pytest
from django.test import Client
from ledger_helpers import SHORT_HEADER, approve_batch, csv_bytes, valid_id

from jiuzhu.ledger.preview import preview
from jiuzhu.ledger.services import do_import_file

pytestmark = pytest.mark.django_db
VOUCHER = "D012022-V02CTD-08061"


def _rows(people, month):
    return [[name, "身份证号", iden, "到人", amount, amount, month, VOUCHER] for name, iden, amount in people]


@pytest.fixture
def june(yumin, people, voucher):
    """May (approved): 王 40, 李 40, 张 40. June (waiting): 王 40, 李 50 (changed), 赵 40 (added); 张 gone."""
    clerk = people["ymx_cz_jb"]
    wang, li, zhang, zhao = (valid_id(serial=s) for s in (11, 12, 13, 14))
    may = do_import_file(
        actor=clerk,
        kind="payouts",
        region=yumin,
        filename="五月.csv",
        data=csv_bytes(
            SHORT_HEADER, _rows([("王老师", wang, "40"), ("李大姐", li, "40"), ("张三", zhang, "40")], "05")
        ),
    )
    approve_batch(may.batch)
    outcome = do_import_file(
        actor=clerk,
        kind="payouts",
        region=yumin,
        filename="六月.csv",
        data=csv_bytes(
            SHORT_HEADER, _rows([("王老师", wang, "40"), ("李大姐", li, "50"), ("赵四", zhao, "40")], "06")
        ),
    )
    return outcome.batch


def test_the_preview_adds_up_the_batch_and_compares_it_with_may(june):
    p = preview(june)
    assert (p.rows, p.people, p.total_text) == (3, 3, "130.00")
    assert p.by_voucher == [{"pay_cert_no": VOUCHER, "people": 3, "amount": "130.00"}]
    assert p.by_purpose_month == [{"purpose": "低保", "month": "2022年6月", "people": 3, "amount": "130.00"}]
    assert [r["name"] for r in p.first_rows] == ["王老师", "李大姐", "赵四"]
    assert all("*" in r["iden"] for r in p.first_rows)
    assert p.previous_month == "2022年5月"
    assert (p.added, p.removed, p.changed) == (1, 1, 1)
    assert [x["name"] for x in p.examples["added"]] == ["赵四"]
    assert [x["name"] for x in p.examples["removed"]] == ["张三"]
    assert [(x["name"], x["amount"]) for x in p.examples["changed"]] == [("李大姐", "50.00")]
    assert any("减少1人" in w for w in p.warnings) and any("新增1人" in w for w in p.warnings)
    assert "合计130.00元" in p.confirm_text


def test_the_checker_sees_it_and_the_button_asks_with_the_total(june, people):
    client = Client()
    client.force_login(people["ymx_cz_sh"], backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(f"/ledger/imports/{june.pk}/").content.decode()
    assert 'id="batch-preview"' in page and "与2022年5月相比" in page
    assert 'data-confirm="确认审核通过？本批共3行，3人、合计130.00元。审核通过后计入台账。"' in page
    for person in ("王老师", "李大姐", "赵四"):
        assert person in page
    assert valid_id(serial=11) not in page
    listing = client.get("/ledger/payouts/").content.decode()
    assert "查看内容" in listing and "合计130.00元" in listing
