"""PostgreSQL: payouts partitioned by year, then by prefecture (issue 20, ``jiuzhu.ledger.partitions``), made as
years and regions appear; SQLite keeps one table."""

import pytest
from django.db import connection
from ledger_helpers import SHORT_HEADER as HEADER
from ledger_helpers import VOUCHER, csv_bytes, valid_id

from jiuzhu.ledger import partitions
from jiuzhu.ledger.models import Payment, Payout
from jiuzhu.ledger.services import do_import_file
from jiuzhu.regions.models import Region

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="SQLite keeps one table")


def _file(serials, month="6"):
    rows = [[f"人{i}", "身份证号", valid_id(serial=i), "到人", "100", "100", month, VOUCHER] for i in serials]
    return csv_bytes(HEADER, rows)


def _import(actor, data, name="a.csv"):
    return do_import_file(actor=actor, kind="payouts", region=actor.region, data=data, filename=name)


@pytest.fixture
def payment(voucher) -> Payment:
    """裕民县's voucher of the templates, imported."""
    return Payment.objects.get(pay_cert_no=voucher)


def _where() -> dict[str, int]:
    """Rows per partition that holds them."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text, count(*) FROM ledger_payout GROUP BY 1")
        return dict(cursor.fetchall())


def _stray(payment: Payment, year: int, region: Region, serial: int) -> Payout:
    """A payout written through the ORM, as the demo's faults are: no batch, no import before it."""
    return Payout.objects.create(
        region=region,
        payment=payment,
        fiscal_year=year,
        purpose="dibao",
        row_no=1,
        pay_cert_no=payment.pay_cert_no,
        per_name="某人",
        iden_type="01",
        iden_no=valid_id(serial=serial),
        to_peop_family="1",
        pay_amt=100,
        xpay_amt=100,
        pay_month="06",
    )


def test_sqlite_keeps_one_table_and_makes_no_partitions(people, payment):
    if connection.vendor == "postgresql":
        assert partitions.is_partitioned()
        return
    assert partitions.ensure(2022, payment.region_id) is None
    assert _import(people["ymx_cz_jb"], _file([1, 2])).batch.rows_stored == 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'ledger_payout%'")
        assert {r[0] for r in cursor.fetchall()} == {"ledger_payout", "ledger_payoutpart"}


@on_postgresql
def test_an_import_lands_in_the_partition_of_its_year_and_prefecture(people, payment):
    yumin = payment.region
    assert partitions.leaf(connection.cursor(), 2022, yumin.pk) is None  # no year stored yet
    batch = _import(people["ymx_cz_jb"], _file([1, 2, 3])).batch
    assert batch.rows_stored == 3
    assert _where() == {"ledger_payout_2022_654200": 3}  # 塔城地区's leaf: its counties listed in it
    tacheng = Region.objects.get(code="654200")
    with connection.cursor() as cursor:
        listed = partitions._bound_ids(cursor, "ledger_payout_2022_654200")
    assert listed == {tacheng.pk, *tacheng.children.values_list("pk", flat=True)}
    # the indexes declared on the table exist on the leaf
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'ledger_payout_2022_654200'")
        definitions = " ".join(r[0] for r in cursor.fetchall())
    for part in (
        "USING brin (batch_id)",
        "(batch_id, id)",
        "(iden_no)",
        "(per_name)",
        "WHERE (batch_id IS NULL)",
    ):
        assert part in definitions


@on_postgresql
def test_rows_without_a_partition_wait_in_the_default_and_move_when_it_is_made(people, payment):
    yumin = payment.region
    stray = _stray(payment, 2023, yumin, serial=7)  # a year nobody imports yet
    assert _where() == {"ledger_payout_other": 1}
    assert partitions.ensure(2023, yumin.pk) == "ledger_payout_2023_654200"
    assert _where() == {"ledger_payout_2023_654200": 1}
    moved = Payout.objects.get()
    assert (moved.pk, moved.iden_no, moved.xpay_amt) == (stray.pk, stray.iden_no, stray.xpay_amt)
    # the year's default holds a region without a leaf: a new county, which the leaf then lists
    county = Region.objects.create(
        code="654299",
        mof_div_code="654299000",
        name="新设县",
        short_name="新设县",
        level="county",
        parent=yumin.parent,
        path=f"{yumin.parent.path}654299/",
    )
    _stray(payment, 2023, county, serial=8)
    assert _where() == {"ledger_payout_2023_654200": 1, "ledger_payout_2023_other": 1}
    assert partitions.ensure(2023, county.pk) == "ledger_payout_2023_654200"
    assert _where() == {"ledger_payout_2023_654200": 2}
    assert Payout.objects.filter(region=county).count() == 1


@on_postgresql
def test_a_year_s_query_reads_only_that_year_s_partitions(people, payment):
    _import(people["ymx_cz_jb"], _file([1, 2]))
    partitions.ensure(2023, payment.region_id)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN SELECT sum(xpay_amt) FROM ledger_payout WHERE fiscal_year = 2022")
        plan = "\n".join(r[0] for r in cursor.fetchall())
    assert "ledger_payout_2022_654200" in plan
    assert "2023" not in plan and "ledger_payout_other" not in plan


@on_postgresql
def test_the_importer_takes_ids_from_the_partitioned_table_s_sequence(people, payment):
    first = _import(people["ymx_cz_jb"], _file([1, 2]), "a.csv").batch
    second = _import(people["ymx_cz_jb"], _file([3, 4]), "b.csv").batch
    stray = _stray(payment, 2022, payment.region, serial=9)
    ids = [
        list(Payout.objects.filter(batch=b).order_by("id").values_list("id", flat=True))
        for b in (first, second)
    ]
    assert ids[0][1] == ids[0][0] + 1 and ids[1][0] > ids[0][1]
    assert stray.pk > ids[1][1]
