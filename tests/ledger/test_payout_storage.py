"""How payouts are stored (migrations 0004–0006): the indexes each database needs, and the duplicate rule held by the
importer's lock where no unique index holds it."""

import datetime
import threading
import time

import pytest
from django.db import connection, connections
from ledger_helpers import SHORT_HEADER as HEADER
from ledger_helpers import (
    VOUCHER,
    approve_registration,
    csv_bytes,
    import_payments,
    import_voucher,
    movements,
    register_yumin,
    valid_id,
)

from jiuzhu.core.errors import InvalidInput
from jiuzhu.domain.ledger import RegistrationLine
from jiuzhu.domain.purposes import Purpose
from jiuzhu.ledger.models import Payout
from jiuzhu.ledger.services import do_import_file, do_register_receipt

TACHENG_VOUCHER = "TC2022-0001"


def _indexes() -> dict[str, str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'ledger_payout'")
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ledger_payout'"
            )
        return {name: sql or "" for name, sql in cursor.fetchall()}


@pytest.mark.django_db
def test_each_database_has_the_payout_indexes_it_needs():
    indexes = _indexes()
    assert "disb_not_imported" in indexes
    if connection.vendor == "postgresql":
        assert "USING brin (batch_id)" in indexes["disb_batch"]
        # no primary key; the btrees are the search's two and the API feed's (batch, id), which a COPY appends to
        assert "(batch_id, id)" in indexes["disb_batch_row"]
        assert (
            "USING brin (pay_month)" in indexes["disb_month"]
        )  # the repeats of a monthly file, migration 0015
        assert set(indexes) == {
            "disb_batch",
            "disb_batch_row",
            "disb_month",
            "disb_not_imported",
            "disb_iden_no",
            "disb_per_name",
        }
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_constraint WHERE conrelid = 'ledger_payout'::regclass "
                "AND contype IN ('f', 'p', 'u')"
            )
            assert cursor.fetchone()[0] == 0
    else:  # SQLite joins through indexes only: the batch's and the voucher's; no unique natural-key index
        assert set(indexes) - {"disb_not_imported", "disb_iden_no", "disb_per_name"} == {
            "disb_batch",
            "disb_payment",
        }


@pytest.mark.django_db
def test_optional_texts_a_file_lacks_are_null_and_read_as_empty(people, voucher):
    _import(people["ymx_cz_jb"], _file([1]), "a.csv")  # no 备注, 村 or 项目代码 columns
    with connection.cursor() as cursor:
        cursor.execute("SELECT add_word, village_name, pro_code FROM ledger_payout")
        assert cursor.fetchall() == [(None, None, None)]
    assert Payout.objects.values_list("add_word", flat=True).get() == ""
    assert Payout.objects.get().add_word == ""


@pytest.fixture
def committed_voucher(transactional_db):
    """The seed, 裕民县's registrations and its voucher, committed: other connections (threads) see them."""
    from jiuzhu.accounts.models import User
    from jiuzhu.demo import seed as demo
    from jiuzhu.regions.models import Region

    demo.load_seed()
    people = {u.username: u for u in User.objects.all()}
    register_yumin(people)
    import_voucher(Region.objects.get(code="654225"), people)
    # 塔城市 too: imports of two regions do not wait for each other's region lock, only for the importer's
    tacheng = Region.objects.get(code="654201")
    receipt = movements("654201")[0]
    registration, _ = do_register_receipt(
        actor=people["tcs_cz_jb"],
        movement=receipt,
        cor_bgt_doc_no="塔市财社〔2022〕1号",
        lines=[RegistrationLine("2081902", Purpose.SUBSISTENCE, receipt.amount)],
        registered_on=datetime.date(2022, 2, 10),
    )
    approve_registration(registration)
    import_payments(
        people["tcs_cz_jb"],
        tacheng,
        [[TACHENG_VOUCHER, "塔市财社〔2022〕1号", "2081902", "5000", "5000", "2022-05-10", "塔城市民政局"]],
    )
    return people


def _file(serials, month="6", voucher=VOUCHER):
    return csv_bytes(
        HEADER,
        [[f"人{i}", "身份证号", valid_id(serial=i), "到人", "100", "100", month, voucher] for i in serials],
    )


def _import(actor, data, name):
    return do_import_file(actor=actor, kind="payouts", region=actor.region, data=data, filename=name)


def test_a_repeat_in_another_year_or_of_a_returned_batch_is_no_duplicate(people, voucher):
    from ledger_helpers import checker_for

    from jiuzhu.approvals import review

    actor = people["ymx_cz_jb"]
    first = _import(actor, _file([1, 2]), "a.csv")
    assert first.batch.fiscal_year == 2022
    review.return_(first.batch, checker_for(actor.region), reason="重报")
    again = _import(actor, _file([2, 1]), "b.csv")  # the returned rows are gone: no duplicate
    assert again.batch.rows_stored == 2
    with pytest.raises(InvalidInput) as exc:
        _import(actor, _file([3, 1]), "c.csv")
    assert [(p.where.row, p.code) for p in exc.value.problems] == [(3, "DUPLICATE_STORED")]
    assert Payout.objects.count() == 2


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="SQLite has one writer at a time")
def test_two_imports_at_once_cannot_both_store_a_person_month(committed_voucher):
    """PostgreSQL has no unique index on the natural key: the importer's lock makes the second import wait for
    the first and then see its rows — also when they are two counties' (a person paid by both)."""
    outcomes: list[object] = []
    start = threading.Barrier(2)

    def run(username, serials, voucher):
        actor = committed_voucher[username]
        start.wait()
        try:
            outcomes.append(_import(actor, _file(serials, voucher=voucher), f"{username}.csv"))
        except Exception as exc:  # kept: the test asserts on what each import ended with
            outcomes.append(exc)
        finally:
            connections.close_all()

    jobs = (("ymx_cz_jb", [1, 2], VOUCHER), ("tcs_cz_jb", [3, 2], TACHENG_VOUCHER))
    threads = [threading.Thread(target=run, args=job) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(outcomes) == 2
    refused = [o for o in outcomes if isinstance(o, InvalidInput)]
    assert len(refused) == 1
    assert [p.code for p in refused[0].problems] == ["DUPLICATE_STORED"]
    assert Payout.objects.filter(iden_no=valid_id(serial=2)).count() == 1


def test_prefetched_keeps_order_passes_errors_on_and_stops_with_its_consumer():
    from jiuzhu.ledger.frames import prefetched

    assert list(prefetched(iter(range(100)), depth=3)) == list(range(100))

    def failing():
        yield 1
        raise ValueError("坏")

    got = []
    with pytest.raises(ValueError, match="坏"):
        for item in prefetched(failing()):
            got.append(item)
    assert got == [1]
    produced = []

    def endless():
        n = 0
        while True:
            produced.append(n)
            yield n
            n += 1

    for item in prefetched(endless(), depth=2):
        if item == 5:
            break
    time.sleep(0.3)  # the producer notices the stop within its 0.1 s wait
    settled = len(produced)
    time.sleep(0.3)
    assert len(produced) == settled


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="SQLite has one writer at a time")
def test_imports_at_once_take_distinct_blocks_of_ids(committed_voucher):
    """No primary key on PostgreSQL: each import takes a block of the id sequence under the writers' lock, and
    the rows are numbered in file order within it; ids stay distinct when two counties import at once."""
    from jiuzhu.demo.faults import demo_only_insert_fault_payouts
    from jiuzhu.ledger.actors import SystemActor

    start = threading.Barrier(2)
    failures: list[Exception] = []

    def run(username, serials, voucher):
        start.wait()
        try:
            _import(committed_voucher[username], _file(serials, voucher=voucher), f"{username}.csv")
        except Exception as exc:  # kept: asserted below
            failures.append(exc)
        finally:
            connections.close_all()

    jobs = (("ymx_cz_jb", range(1, 40), VOUCHER), ("tcs_cz_jb", range(40, 80), TACHENG_VOUCHER))
    threads = [threading.Thread(target=run, args=job) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    original = Payout.objects.filter(iden_no=valid_id(serial=1)).values().get()
    fault = {k: v for k, v in original.items() if k not in ("id", "batch_id", "row_no")}
    demo_only_insert_fault_payouts(
        actor=SystemActor(username="system:demo", is_demo_loader=True),
        payouts=[{**fault, "row_no": 0}],
        reason="测试",
    )  # an ORM insert after the imports: its id comes from the same sequence, past their blocks
    rows = list(Payout.objects.values_list("id", "batch_id", "row_no"))
    ids = [r[0] for r in rows]
    assert len(ids) == len(set(ids)) == 39 + 40 + 1
    for batch in {r[1] for r in rows if r[1] is not None}:
        numbered = sorted((row_no, pk) for pk, b, row_no in rows if b == batch)
        assert [pk for _, pk in numbered] == list(range(numbered[0][1], numbered[0][1] + len(numbered)))


def test_csv_chunks_start_small_then_cover_every_row_once():
    import polars as pl

    from jiuzhu.ledger.frames import csv_chunks

    frame = pl.DataFrame({"n": range(25)})
    chunks = list(csv_chunks(frame, 10, first=3))
    assert [done for done, _ in chunks] == [3, 13, 23, 25]
    assert b"".join(chunk for _, chunk in chunks) == b"".join(f"{n}\n".encode() for n in range(25))
    assert [done for done, _ in csv_chunks(frame, 10)] == [10, 20, 25]
    assert list(csv_chunks(frame.head(0), 10, first=3)) == []
