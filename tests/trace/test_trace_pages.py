"""The trace pages on small data: a voucher's payouts a page at a time, counted from the parts of its approved
batches (and its payouts without a batch), and the plan page following an approval at once."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from ledger_helpers import SHORT_HEADER, VOUCHER, approve_batch, csv_bytes, valid_id
from trace_helpers import insert_loose_payout

from jiuzhu.ledger.models import ImportBatch, Payment, Payout
from jiuzhu.ledger.payout_sums import counted_parts
from jiuzhu.ledger.services import do_import_file

#: 125 people paid 10 元 in May and in June: 250 rows of the voucher.
PEOPLE = 125


def _import(people, yumin, name, months=("5月", "6月"), serial_from=1):
    rows = [
        ["甲", "身份证号", valid_id(serial=serial_from + n), "到人", "10", "10", month, VOUCHER]
        for month in months
        for n in range(PEOPLE)
    ]
    return do_import_file(
        actor=people["ymx_cz_jb"],
        kind="payouts",
        region=yumin,
        data=csv_bytes(SHORT_HEADER, rows),
        filename=name,
    ).batch


@pytest.fixture
def paid_out(people, yumin, voucher):
    approve_batch(_import(people, yumin, "a.csv"))
    _import(people, yumin, "waiting.csv", months=("7月",), serial_from=500)  # waiting: counts nowhere
    template = Payout.objects.filter(payment__pay_cert_no=VOUCHER).first()
    insert_loose_payout(
        template,
        "测试：未经导入的发放",
        per_name="未导入乙",
        iden_no=valid_id(serial=900),
        pay_amt=Decimal("7.00"),
        xpay_amt=Decimal("7.00"),
        row_no=1,
    )
    return Payment.objects.get(pay_cert_no=VOUCHER)


def _rows(html):
    return re.findall(r"<tr><td>(?:a\.csv|<span class=\"error\">未经导入</span>)</td>", html)


def test_a_vouchers_payouts_are_paged_and_counted_from_its_parts(paid_out, people, client):
    client.force_login(people["ymx_cz_jb"])
    url = reverse("trace:voucher", args=[paid_out.pk])
    first = client.get(url, secure=True).content.decode()
    # 250 imported rows and one without a batch; 125 + 1 people; Σ实发 2,507.00 of 5,000.00
    assert '<td class="num">126</td><td class="num">251</td>' in first
    assert "2,507.00" in first and "2,493.00" in first
    assert len(_rows(first)) == 100 and "第 1 / 3 页" in first and "?page=2" in first
    assert first.index("未导入乙") < first.index("a.csv</td>")  # the one not imported comes first
    assert "waiting.csv" not in first
    last = client.get(url + "?page=3", secure=True).content.decode()
    assert len(_rows(last)) == 51 and "上一页" in last and "下一页" not in last
    assert client.get(url + "?page=2", secure=True).content.decode().count("向上溯源") == 100


def test_another_county_finds_no_voucher_page(paid_out, people, client):
    client.force_login(people["ems_cz_jb"])
    assert client.get(reverse("trace:voucher", args=[paid_out.pk]), secure=True).status_code == 404


def test_the_plan_page_shows_a_batch_as_soon_as_it_is_approved(people, yumin, voucher, client):
    from jiuzhu.allocation.models import Plan

    client.force_login(people["ymx_cz_jb"])
    url = reverse("trace:plan", args=[Plan.objects.get(doc_no="塔地财社〔2022〕8号").pk])
    assert "暂无发放" in client.get(url, secure=True).content.decode()
    batch = _import(people, yumin, "a.csv")
    assert "暂无发放" in client.get(url, secure=True).content.decode()  # waiting: not counted
    approve_batch(batch)
    page = client.get(url, secure=True).content.decode()
    assert "a.csv（250行，2,500.00元）" in page and "暂无发放" not in page
    (part,) = [p for p in counted_parts() if p.batch_id == batch.pk]
    assert (part.rows, part.paid_out, part.first_month) == (250, Decimal("2500.00"), "05")
    batch.refresh_from_db()
    assert batch.fiscal_year == 2022
    ImportBatch.objects.filter(pk=batch.pk).update(fiscal_year=2023)  # another year's batch is not read
    assert "暂无发放" in client.get(url, secure=True).content.decode()
