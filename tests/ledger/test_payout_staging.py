"""The set-based payout import's own paths: COPY of a clean CSV as it is, the fallback for irregular rows, the
cap on listed problems, and the progress phases."""

import polars as pl
import pytest
from ledger_helpers import SHORT_HEADER as HEADER
from ledger_helpers import VOUCHER, csv_bytes, valid_id

from jiuzhu.core.errors import InvalidInput
from jiuzhu.domain import payout_problems
from jiuzhu.ledger import frames
from jiuzhu.ledger.io.readers import PayoutRows, is_clean_csv, read_payouts
from jiuzhu.ledger.models import Payout
from jiuzhu.ledger.services import do_import_file


def rows(n, month="6", start=1):
    return [
        [f"人{i}", "身份证号", valid_id(serial=i), "到人", "100", "100", month, VOUCHER]
        for i in range(start, n + start)
    ]


def run(actor, data, progress=lambda *a: None):
    return do_import_file(
        actor=actor, kind="payouts", region=actor.region, data=data, filename="p.csv", progress=progress
    )


def test_a_clean_csv_needs_no_cell_cleaning():
    assert is_clean_csv("张三,身份证号,654225198001010016,到人,600,600,05,V1\r\n".encode())
    assert is_clean_csv("阿依古丽·买买提,“引号”\n".encode())  # · and “” are not whitespace
    for dirty in (" 张三", "a\tb", '"a,b"', "a\\b", "赵\u3000六", "a\u00a0b", "a\u2003b"):
        assert not is_clean_csv(f"{dirty},x\n".encode())


def test_a_clean_csv_is_loaded_as_it_is(people, voucher, monkeypatch):
    data = csv_bytes(HEADER, rows(5))
    assert read_payouts(data).clean_csv is not None

    def no_cleaning(self):
        raise AssertionError("a clean CSV is not cleaned column by column")

    monkeypatch.setattr(PayoutRows, "columns", no_cleaning)
    run(people["ymx_cz_jb"], data)
    assert list(Payout.objects.order_by("row_no").values_list("row_no", "per_name")) == [
        (n + 1, f"人{n}") for n in range(1, 6)
    ]


def test_a_clean_utf8_csv_is_framed_from_the_upload_itself_below_a_title_row(people, voucher, monkeypatch):
    """No copy of a large file's body: polars reads the upload's bytes, skipping the title and header lines."""
    data = "\ufeff2022年6月发放名册\r\n".encode() + csv_bytes(HEADER, rows(4))
    staged = read_payouts(data)
    assert staged.clean_csv is data and staged.clean_skip == 2 and staged.rows == 4
    monkeypatch.setattr(PayoutRows, "columns", lambda self: pytest.fail("a clean CSV is not cleaned"))
    run(people["ymx_cz_jb"], data)
    assert list(Payout.objects.order_by("row_no").values_list("row_no", "per_name")) == [
        (n + 2, f"人{n}") for n in range(1, 5)
    ]


def test_irregular_rows_are_cleaned_and_numbered_like_any_other(people, voucher):
    text = (
        csv_bytes(HEADER, rows(2)).decode() + "\r\n" + "人9,身份证号," + valid_id(serial=9) + ",到人,100\r\n"
    )
    data = text.encode() + csv_bytes(HEADER, rows(1, start=3))[len(csv_bytes(HEADER, [])) :]
    assert read_payouts(data).clean_csv is not None  # no whitespace: COPY is tried first, and refuses
    with pytest.raises(InvalidInput) as exc:
        run(people["ymx_cz_jb"], data)
    assert {(p.where.row, p.code, p.where.column) for p in exc.value.problems} == {
        (5, "REQUIRED", "实发金额"),
        (5, "REQUIRED", "发放月份"),
        (5, "REQUIRED", "支付凭证号"),
    }
    fixed = data.replace(b",100\r\n", b",100,100,6," + VOUCHER.encode() + b"\r\n")
    run(people["ymx_cz_jb"], fixed)
    assert list(Payout.objects.order_by("row_no").values_list("row_no", flat=True)) == [2, 3, 5, 6]


def test_at_most_cap_problems_per_rule_then_how_many_more(people, voucher, monkeypatch):
    monkeypatch.setattr(payout_problems, "PROBLEM_CAP", 2)
    with pytest.raises(InvalidInput) as exc:
        run(people["ymx_cz_jb"], csv_bytes(HEADER, rows(5, month="13")))
    assert [(p.code, p.where.row) for p in exc.value.problems] == [
        ("BAD_MONTH", 2),
        ("BAD_MONTH", 3),
        ("BAD_MONTH", None),
    ]
    assert str(exc.value.problems[-1]) == "发放月份：同类问题另有3处未逐条列出（每类问题最多列出2处）"


def test_progress_goes_through_each_stage(people, voucher):
    phases = []
    run(people["ymx_cz_jb"], csv_bytes(HEADER, rows(3)), lambda phase, done, total: phases.append(phase))
    assert list(dict.fromkeys(phases)) == ["读取", "暂存", "校验", "写入", "完成"]


def test_numbers_are_stored_upper_cased_as_the_domain_does(people, voucher):
    # U+A7CD is lower case from Unicode 16 on: polars (Rust) upper-cases it, this Python's str.upper does not.
    # The load is done again with the domain's upper case, so both databases store what the rule checked.
    odd = "p\ua7cd1"
    assert pl.Series([odd]).str.to_uppercase()[0] != odd.upper()
    data = csv_bytes(HEADER, [*rows(2), ["人9", "护照号", odd, "到人", "100", "100", "6", VOUCHER]])
    run(people["ymx_cz_jb"], data)
    assert list(Payout.objects.order_by("row_no").values_list("iden_no", flat=True))[-1] == odd.upper()
    assert Payout.objects.count() == 3


def test_a_wrong_number_found_while_loading_leaves_nothing(people, voucher):
    # the per-person checks run while the rows load: a wrong 证件号码 rolls the load back
    bad = rows(3)
    bad[1][2] = bad[1][2][:-1] + ("0" if bad[1][2][-1] != "0" else "1")
    with pytest.raises(InvalidInput) as exc:
        run(people["ymx_cz_jb"], csv_bytes(HEADER, bad))
    assert [(p.code, p.where.row) for p in exc.value.problems] == [("BAD_ID", 3)]
    assert not Payout.objects.exists()


def _half_and_half(header_title: bool) -> bytes:
    """Over a megabyte of UTF-8 (ASCII rows, padded by a column the importer ignores), then one row in GB18030:
    only the head is decoded before polars reads the rest."""
    elements = ["per_name", "iden_type", "iden_no", "to_peop_family", "pay_amt", "xpay_amt", "pay_month"]
    header = [*(HEADER[:7] if header_title else elements), "pay_cert_no", "padding"]
    padded = [
        [f"P{i}", "01", valid_id(serial=i), "01", "1", "1", "6", VOUCHER, "x" * 40_000] for i in range(1, 31)
    ]
    head = csv_bytes(header, padded)
    assert len(head) > 1 << 20
    last = f"阿依古丽,01,{valid_id(serial=31)},01,1,1,6,{VOUCHER},x\r\n"
    return head + last.encode("gb18030")


def test_a_file_utf8_at_its_head_and_gb18030_further_on(people, voucher):
    with pytest.raises(InvalidInput) as exc:  # a Chinese UTF-8 header over GB18030 rows: no one encoding
        run(people["ymx_cz_jb"], _half_and_half(header_title=True))
    assert [p.code for p in exc.value.problems] == ["MIXED_ENCODING"]
    assert not Payout.objects.exists()
    run(people["ymx_cz_jb"], _half_and_half(header_title=False))  # ASCII head: the file is GB18030 throughout
    assert Payout.objects.get(row_no=32).per_name == "阿依古丽"


def test_rows_go_into_sqlite_a_hundred_to_a_statement_none_lost():
    import sqlite3

    from jiuzhu.ledger.staging.sqlite import ROWS_PER_INSERT, insert_rows

    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE t (n INTEGER PRIMARY KEY, name text)")
    records = [(n, f"人{n}") for n in range(2 * ROWS_PER_INSERT + 7)]  # two full statements and a rest
    insert_rows(db.cursor(), "t", 2, records)
    assert db.execute("SELECT n, name FROM t ORDER BY n").fetchall() == records


def test_names_with_backslashes_tabs_quotes_and_commas_are_stored_as_written(people, voucher):
    # PostgreSQL takes the rows in COPY's text format: its special characters must arrive escaped
    names = ["a\\b", "x\ty", "\\N", 'q"uote', "逗,号", "\\.", "尾\\"]
    data = csv_bytes(
        HEADER,
        [[n, "身份证号", valid_id(serial=i), "到人", "1", "1", "6", VOUCHER] for i, n in enumerate(names, 1)],
    )
    run(people["ymx_cz_jb"], data)
    assert list(Payout.objects.order_by("row_no").values_list("per_name", flat=True)) == names


def test_a_file_refused_while_read_still_leaves_a_rejected_batch(people, voucher):
    # the file is read while its sha256 is computed, before its batch exists: the batch records the refusal
    from jiuzhu.ledger.models import ImportBatch

    with pytest.raises(InvalidInput) as exc:
        run(people["ymx_cz_jb"], b"\x81\x30\xff\xfe,\xff\n")  # neither UTF-8 nor GB18030
    assert [p.code for p in exc.value.problems] == ["BAD_ENCODING"]
    batch = ImportBatch.objects.get(kind="payouts")
    assert batch.status == ImportBatch.REJECTED
    assert "编码" in str(batch.problems)


def test_a_repeat_in_the_file_is_found_across_the_hashed_slices(people, voucher, monkeypatch):
    """The in-file duplicate check hashes the keys a slice at a time: a repeat in another slice is still found."""
    monkeypatch.setattr(frames, "HASH_ROWS", 2)
    repeated = rows(5)
    repeated[4][2] = repeated[0][2]
    with pytest.raises(InvalidInput) as exc:
        run(people["ymx_cz_jb"], csv_bytes(HEADER, repeated))
    assert {p.code for p in exc.value.problems} == {"DUPLICATE_IN_FILE"}
    assert not Payout.objects.exists()


def test_equal_hashes_of_different_keys_are_no_repeat(people, voucher, monkeypatch):
    """Two keys with one hash (made here for every row) are compared by their keys: no repeat, the file is
    stored; a real repeat among them is still found."""
    monkeypatch.setattr(frames, "key_hashes", lambda frame, *a, **k: pl.Series([0] * frame.height))
    run(people["ymx_cz_jb"], csv_bytes(HEADER, rows(4)))
    assert Payout.objects.count() == 4
    repeated = rows(3, month="7")
    repeated[2] = repeated[0]
    with pytest.raises(InvalidInput) as exc:
        run(people["ymx_cz_jb"], csv_bytes(HEADER, repeated))
    assert {p.code for p in exc.value.problems} == {"DUPLICATE_IN_FILE"}
