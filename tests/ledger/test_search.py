"""查询 (issue 11, point 6): by the full 证件号码, name, voucher number and 文号, scoped, months with their year,
keyset-paged."""

import pytest
from django.test import Client
from ledger_helpers import HEADER_13, approve_batch, csv_bytes, valid_id

from jiuzhu.ledger import search
from jiuzhu.ledger.services import do_import_file

pytestmark = pytest.mark.django_db
VOUCHER = "D012022-V02CTD-08061"


def _row(name, iden_no, month):
    return [
        "6542250001",
        "哈拉布拉镇",
        "654225000101",
        "一村",
        name,
        "身份证号",
        iden_no,
        "到人",
        "40",
        "40",
        "",
        month,
        VOUCHER,
    ]


@pytest.fixture
def paid(yumin, people, voucher):
    """王老师 paid 40元 in May and June 2022; 李大姐 in May; the May file approved, June's waiting."""
    clerk = people["ymx_cz_jb"]
    wang, li = valid_id(serial=11), valid_id(serial=12)
    may = do_import_file(
        actor=clerk,
        kind="payouts",
        region=yumin,
        filename="五月.csv",
        data=csv_bytes(HEADER_13, [_row("王老师", wang, "05"), _row("李大姐", li, "05")]),
    )
    approve_batch(may.batch)
    june = do_import_file(
        actor=clerk,
        kind="payouts",
        region=yumin,
        filename="六月.csv",
        data=csv_bytes(HEADER_13, [_row("王老师", wang, "06")]),
    )
    return {"wang": wang, "li": li, "june": june.batch}


def _client(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_what_is_typed_decides_what_is_searched():
    assert search.Query.parse(" 65422519800101001X ").kind == "id"
    assert search.Query.parse("654225198001010").kind == "id"
    assert search.Query.parse("6542251980").kind == "voucher"  # not a full number: never a partial ID match
    assert search.Query.parse("塔地财社〔2022〕82号").kind == "docno"
    assert search.Query.parse(VOUCHER).kind == "voucher"
    assert search.Query.parse("王老师").kind == "name"
    assert search.month_text(2022, "05") == "2022年5月"


def test_a_person_is_found_by_the_full_number_with_month_and_year(paid, people):
    page = _client(people["ymx_cz_jb"]).post("/ledger/search/", {"q": paid["wang"]}).content.decode()
    table = page.split('id="search-payouts"', 1)[1].split("</table>", 1)[0]
    assert "2022年5月" in table and "王老师" in table and "李大姐" not in table
    assert "2022年6月" not in table  # June's file waits for its checker: it counts nowhere yet
    assert (
        paid["wang"] not in page.split('id="search-kind"', 1)[1] and paid["wang"][:6] + "********" in table
    )  # masked
    partial = _client(people["ymx_cz_jb"]).post("/ledger/search/", {"q": paid["wang"][:10]}).content.decode()
    assert "王老师" not in partial


def test_search_by_name_voucher_and_docno(paid, people):
    client = _client(people["ymx_cz_jb"])
    assert "李大姐" in client.post("/ledger/search/", {"q": "李大姐"}).content.decode()
    by_voucher = client.post("/ledger/search/", {"q": VOUCHER}).content.decode()
    assert "支付凭证" in by_voucher and "5,000.00" not in by_voucher.split("支付凭证</h2>")[0]
    assert "王老师" in by_voucher and "李大姐" in by_voucher
    by_doc = client.post("/ledger/search/", {"q": "塔地财社〔2022〕82号"}).content.decode()
    assert "收到指标：裕民县" in by_doc


def test_search_is_scoped(paid, people):
    other = _client(people["ems_cz_jb"])  # 额敏县 never sees 裕民县's people
    assert "王老师" not in other.post("/ledger/search/", {"q": paid["wang"]}).content.decode()
    assert (
        "王老师" in _client(people["dq_cz_jb"]).post("/ledger/search/", {"q": paid["wang"]}).content.decode()
    )


def test_keyset_pages(paid, people, monkeypatch):
    monkeypatch.setattr(search, "PAGE", 1)
    user = people["ymx_cz_jb"]
    first = search.payouts(user, search.Query.parse(VOUCHER))
    assert len(first) == 2  # one shown, one more to say "下一页"
    second = search.payouts(user, search.Query.parse(VOUCHER), after=first[0].pk)
    assert [d.pk for d in second] == [first[1].pk]
