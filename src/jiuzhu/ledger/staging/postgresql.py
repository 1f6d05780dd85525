"""PostgreSQL: the payout rows in one COPY (chunks built by a helper thread while the database reads the last,
ids from one block of the sequence), the writers serialised by an advisory lock, the duplicate check against
stored payouts as a hashed semi-join, and the staging of a refused file by COPY."""

# ruff: noqa: S608

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

import polars as pl
from django.db import connection

from jiuzhu.core.planner import planner_settings
from jiuzhu.domain import payout_columns

from .. import frames, partitions
from .base import CHUNK, SAME_KEY, STAGING, VALID, Load, Progress, Scope, Stored
from .checks import KEYS

#: pg_advisory_xact_lock key that serialises the writers of payouts (``lock_writers``).
PAYOUT_IMPORT_LOCK = partitions.WRITERS_LOCK
#: Rows per COPY chunk (~8 MB of CSV); the first is small, so that the database starts at once.
COPY_ROWS = 100_000
FIRST_COPY_ROWS = 10_000
#: The duplicate check's joins (``any_stored_repeat``).
HASHED_ONLY = {"enable_nestloop": "off", "enable_mergejoin": "off"}


class PostgreSQL:
    def temp(self, name: str) -> str:
        return f"pg_temp.{name}"

    @contextmanager
    def session(self, cursor: Any) -> Iterator[None]:
        cursor.execute("SET LOCAL work_mem = '256MB'")
        # compiling the duplicate check cost more (0.18 s) than it saved
        cursor.execute("SET LOCAL jit = off")
        yield

    def analyze(self, cursor: Any, table: str) -> None:
        # else PostgreSQL guesses a temporary table's size, badly
        cursor.execute(f"ANALYZE {table}")

    def lock_writers(self, cursor: Any) -> None:
        """The duplicate check must see every stored payout, and the importer takes its ids in one block."""
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PAYOUT_IMPORT_LOCK])

    def lock_vouchers(self, cursor: Any, payment_ids: list[int]) -> None:
        """Payouts carry no database foreign key to their voucher (checked row by row it would cost seconds
        per million rows): the vouchers are locked against deletion until the import commits, and every
        payout import waits for the one before it, so that the duplicate check sees its rows."""
        self.lock_writers(cursor)
        cursor.execute(
            "SELECT id FROM ledger_payment WHERE id = ANY(%s) ORDER BY id FOR KEY SHARE", [payment_ids]
        )

    # --- the load ------------------------------------------------------------------------------------------------

    def load(self, cursor: Any, load: Load, progress: Progress) -> None:
        """One COPY, each chunk of rows built and written as CSV by a helper thread while the database reads the
        last; ids from one block of the sequence, so that the load evaluates no default."""
        frame = load.frame
        total, first = frame.height, self._reserve_ids(cursor, frame.height)

        def build(part: pl.DataFrame, start: int) -> pl.DataFrame:
            return frames.full_rows(
                part,
                load.kinds,
                KEYS,
                first_id=first + start,
                constants=load.constants,
                upper=load.upper,
                limits=payout_columns.MAX_LENGTHS,
                texts=load.texts,
            )

        columns = build(frame.head(0), 0).columns
        not_null = ", ".join(c for c in columns if c in ("iden_no", *load.texts))
        # straight into the partition of the batch's year and prefecture when there is one: no routing per row
        year, region = (cast(int, load.constants[k]) for k in ("fiscal_year", "region_id"))
        target = partitions.leaf(cursor, year, region)
        copy_sql = (
            f"COPY {target or partitions.ROOT} ({', '.join(columns)}) FROM STDIN "
            f"WITH (FORMAT csv, FORCE_NOT_NULL ({not_null}))"
        )
        # the raw driver's COPY: its errors (the server restarted, the connection ended) become Django's, as
        # every other query's do, so that callers catch one kind
        with connection.wrap_database_errors, cursor.cursor.copy(copy_sql) as copy:
            chunks = frames.csv_chunks(frame, COPY_ROWS, build, first=FIRST_COPY_ROWS)
            for done, chunk in frames.prefetched(chunks):
                copy.write(chunk)
                progress("写入", done, total)

    @staticmethod
    def _reserve_ids(cursor: Any, count: int) -> int:
        """The first of ``count`` consecutive ids taken from the payout table's sequence at once. Safe because
        every writer of payouts holds ``PAYOUT_IMPORT_LOCK`` (``lock_writers``)."""
        cursor.execute("SELECT pg_get_serial_sequence('ledger_payout', 'id')")
        (sequence,) = cursor.fetchone()
        cursor.execute("SELECT nextval(%s)", [sequence])
        (first,) = cursor.fetchone()
        if count > 1:
            cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
        return int(first)

    # --- the duplicate check against stored payouts --------------------------------------------------------------

    def any_stored_repeat(self, cursor: Any, scope: Scope, stored: Stored) -> bool:
        """A hashed semi-join, never a loop over both sides: the new rows, read from their own partition through
        the (batch, id) btree, hashed in each process; the stored rows of the file's months, found through the
        BRIN index on the month (migration 0015), scanned in parallel by every process. Nested loops and merge
        joins are off for the statement because the new rows have no statistics yet: taken for one row, they
        would be looked up once per stored row. A county's December into a province-year (1.46 million stored
        rows of the month): 0.75 s (1.5 s with shared_buffers at its 128 MB default), against 2.6 s for the same
        sets' INTERSECT, which PostgreSQL runs in one process (bench/README.md, "Province scale")."""
        with planner_settings(cursor, **HASHED_ONLY):
            cursor.execute(
                f"""SELECT 1 FROM ledger_payout o
                    WHERE {stored.where} AND o.pay_month = ANY(%s) AND o.purpose = ANY(%s)
                      AND EXISTS (SELECT 1 FROM ledger_payout n
                        WHERE n.fiscal_year = %s AND n.region_id = %s AND n.batch_id = %s
                          AND n.iden_no = o.iden_no AND n.pay_month = o.pay_month AND n.purpose = o.purpose)
                    LIMIT 1""",
                [*stored.params, stored.months, stored.purposes, scope.year, scope.region_id, scope.batch_id],
            )
            return cursor.fetchone() is not None

    # --- a refused file ------------------------------------------------------------------------------------------

    def stage(self, cursor: Any, frame: pl.DataFrame, names: list[str]) -> None:
        columns = ", ".join(f"{n} text" for n in names)
        cursor.execute(f"DROP TABLE IF EXISTS {self.temp(STAGING)}")
        cursor.execute(f"CREATE TEMP TABLE {STAGING} (row_no integer, {columns})")
        listed = ", ".join(names)
        sql = f"COPY {STAGING} (row_no, {listed}) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL ({listed}))"
        with cursor.cursor.copy(sql) as copy:
            for _, chunk in frames.csv_chunks(frame, CHUNK):
                copy.write(chunk)

    def stored_repeats_sql(self, cursor: Any) -> str:
        """The valid rows that repeat a stored payout; PostgreSQL hashes one side."""
        return f"""SELECT v.row_no FROM {VALID} v WHERE v.payment_id IS NOT NULL
            AND EXISTS (SELECT 1 FROM ledger_payout d WHERE {SAME_KEY})"""
