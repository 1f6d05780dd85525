"""Issue 11, point 12: the export's month in the ways clerks write it, money with separators, the import list
paged, reference pages that say what is wrong with a parameter, 公文模板 from 系统管理."""

import pytest
from django.test import Client
from ledger_helpers import import_payments

from jiuzhu.ledger.views import year_month

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.mark.parametrize("text", ["2022-12", "2022/12", "2022年12月", "2022.12", " 2022年 12 月 ", "2022-1"])
def test_months_as_clerks_write_them(text):
    assert year_month(text) in ((2022, "12"), (2022, "01"))


@pytest.mark.parametrize("text", ["", "2022", "12/2022", "2022-13", "2022年0月", "abc"])
def test_months_that_are_not(text):
    assert year_month(text) is None


def test_the_export_takes_the_chinese_month_and_a_bad_one_comes_back_with_a_message(people):
    client = _client(people["ymx_cz_jb"])
    assert client.get("/ledger/payouts/export.xlsx", {"month": "2022年12月"}).status_code == 200
    bad = client.get("/ledger/payouts/export.xlsx", {"month": "十二月"}, follow=True)
    assert bad.status_code == 200 and "请填写要导出的年月" in bad.content.decode()


def test_voucher_amounts_have_thousands_separators(yumin, people):
    import_payments(
        people["ymx_cz_jb"],
        yumin,
        [
            [
                "D012022-V02CTD-08061",
                "裕财社〔2022〕3号",
                "2081902",
                "123456.7",
                "123456.7",
                "2022-05-10",
                "裕民县民政局",
            ]
        ],
    )
    page = _client(people["ymx_cz_jb"]).get("/ledger/payouts/").content.decode()
    assert "123,456.70" in page


def test_the_prefectures_import_list_pages(people):
    from jiuzhu.ledger.models import ImportBatch
    from jiuzhu.regions.models import Region

    region = Region.objects.get(code="654225")
    for i in range(20):
        ImportBatch.objects.create(
            kind=ImportBatch.PAYMENTS,
            region=region,
            filename=f"文件{i:02d}.csv",
            sha256=f"{i:064x}",
            size=1,
            status=ImportBatch.FAILED,
            created_by="ymx_cz_jb",
            fiscal_year=2022,
        )
    client = _client(people["dq_cz_jb"])
    first = client.get("/ledger/payouts/").content.decode()
    second = client.get("/ledger/payouts/", {"imports": 2}).content.decode()
    assert "第 1 / 2 页" in first and "文件19.csv" in first and "文件00.csv" not in first
    assert "文件00.csv" in second and "文件19.csv" not in second


def test_reference_page_says_a_bad_year_is_bad(people):
    page = _client(people["admin"]).get("/reference/", {"year": "abc"}, follow=True)
    assert page.status_code == 200 and "年度“abc”无效" in page.content.decode()


def test_templates_are_reachable_from_system_administration(people):
    page = _client(people["admin"]).get("/accounts/admin/").content.decode()
    assert "公文模板" in page and "/documents/#templates" in page
