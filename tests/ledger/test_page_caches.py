"""The ledger report and the approved batches' sums are cached per process: a new approval shows at once."""

from decimal import Decimal

from ledger_helpers import SHORT_HEADER, approve_batch, csv_bytes, valid_id

from jiuzhu.ledger.payout_sums import paid_out_by_payment
from jiuzhu.ledger.selectors import BatchPage, cached_ledger_report, ledger_report
from jiuzhu.ledger.services import do_import_file


def _yumin_paid_out(report):
    (yumin,) = [r for r in report["regions"] if r["mof_div_code"].startswith("654225")]
    return Decimal(yumin["paid_out"])


def test_the_cached_report_follows_every_write(people, voucher, yumin):
    viewer = people["dq_sj_ck"]
    assert _yumin_paid_out(cached_ledger_report(viewer)) == 0
    data = csv_bytes(
        SHORT_HEADER,
        [["甲", "身份证号", valid_id(serial=3), "到人", "600", "600", "5月", "D012022-V02CTD-08061"]],
    )
    outcome = do_import_file(
        actor=people["ymx_cz_jb"], kind="payouts", region=yumin, data=data, filename="a.csv"
    )
    assert _yumin_paid_out(cached_ledger_report(viewer)) == 0  # waiting: counts nothing
    approve_batch(outcome.batch)
    assert _yumin_paid_out(cached_ledger_report(viewer)) == Decimal("600.00")
    assert cached_ledger_report(viewer) == ledger_report(viewer)
    assert sum(paid_out_by_payment().values()) == Decimal("600.00")


def test_a_batch_page_counts_from_the_batch_and_reads_its_rows(people, voucher, yumin):
    rows = [
        ["甲", "身份证号", valid_id(serial=n), "到人", "10", "10", "5月", "D012022-V02CTD-08061"]
        for n in range(1, 8)
    ]
    outcome = do_import_file(actor=people["ymx_cz_jb"], kind="payouts", region=yumin,
                             data=csv_bytes(SHORT_HEADER, rows), filename="b.csv")  # fmt: skip
    approve_batch(outcome.batch)
    outcome.batch.refresh_from_db()
    page = BatchPage(outcome.batch)
    assert page.count() == 7
    assert [d.iden_no for d in page[0:3]] == [valid_id(serial=n) for n in (1, 2, 3)]
    assert [d.iden_no for d in page[0:3]] == [valid_id(serial=n) for n in (1, 2, 3)]  # from the cache
    assert BatchPage(None).count() == 0
