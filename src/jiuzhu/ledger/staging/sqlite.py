"""SQLite: the payout rows through a temporary table filled a hundred rows to an INSERT, then one INSERT …
SELECT; a large page cache for the import; the duplicate check against stored payouts through an index on the
new rows (SQLite joins only through indexes); the staging of a refused file by the same multi-row INSERTs.
SQLite has one writer at a time: no locks."""

# ruff: noqa: S608

import itertools
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import polars as pl

from jiuzhu.domain import payout_columns

from .. import frames
from .base import CHUNK, KINDS, ROWS, SAME_KEY, STAGING, VALID, Load, Progress, Scope, Stored, chunks
from .checks import KEYS

#: Rows to one SQLite INSERT (each with at most ~10 parameters: far below SQLite's 32,766).
ROWS_PER_INSERT = 100
#: SQLite's page cache during an import (KiB): a large file's rows and index entries stay in memory until commit.
SQLITE_CACHE_KIB = 256 * 1024


class SQLite:
    def temp(self, name: str) -> str:
        return f"temp.{name}"

    @contextmanager
    def session(self, cursor: Any) -> Iterator[None]:
        cursor.execute("PRAGMA cache_size")
        cache = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        try:
            yield
        finally:
            cursor.execute(f"PRAGMA cache_size = {int(cache)}")

    def analyze(self, cursor: Any, table: str) -> None:
        pass  # SQLite plans these joins well without statistics

    def lock_writers(self, cursor: Any) -> None:
        pass  # SQLite has one writer at a time

    def lock_vouchers(self, cursor: Any, payment_ids: list[int]) -> None:
        pass  # SQLite has one writer at a time

    # --- the load ------------------------------------------------------------------------------------------------

    def load(self, cursor: Any, load: Load, progress: Progress) -> None:
        """What varies per row into a temporary table, then one INSERT … SELECT adds the rest from the kinds
        (binding 20 parameters per row from Python costs more than the join)."""
        frame, kinds, constants = load.frame, load.kinds, load.constants
        total, raw = frame.height, cursor.cursor
        rows = frames.stored_rows(
            frame, kinds, KEYS, upper=load.upper, limits=payout_columns.MAX_LENGTHS, texts=load.texts
        )
        kind_columns = [c for c in kinds.columns if c not in frames.kind_keys(KEYS)]
        kind_values = [c for c in kind_columns if c != frames.KIND]
        varying = [c for c in rows.columns if c not in (frames.ROW_NO, frames.KIND)]
        cursor.execute(f"DROP TABLE IF EXISTS {self.temp(ROWS)}")
        cursor.execute(f"DROP TABLE IF EXISTS {self.temp(KINDS)}")
        cursor.execute(
            f"CREATE TEMP TABLE {ROWS} (row_no INTEGER PRIMARY KEY, kind integer, {', '.join(varying)})"
        )
        cursor.execute(f"CREATE TEMP TABLE {KINDS} (kind INTEGER PRIMARY KEY, {', '.join(kind_values)})")
        insert_rows(raw, KINDS, len(kind_columns), kinds.select(kind_columns).rows())
        for done, records in chunks(rows.iter_rows(), CHUNK):
            insert_rows(raw, ROWS, rows.width, records)
            progress("写入", done // 2, total)
        names = [*varying, *kind_values, *constants]
        cursor.execute(
            f"""INSERT INTO ledger_payout (row_no, {", ".join(names)})
                SELECT r.row_no, {", ".join(f"r.{t}" for t in varying)}, {", ".join(f"k.{c}" for c in kind_values)},
                    {", ".join(["%s"] * len(constants))}
                FROM {ROWS} r JOIN {KINDS} k ON k.kind = r.kind ORDER BY r.row_no""",
            list(constants.values()),
        )
        progress("写入", total, total)

    # --- the duplicate check against stored payouts --------------------------------------------------------------

    def any_stored_repeat(self, cursor: Any, scope: Scope, stored: Stored) -> bool:
        """Each stored row of those batches (found through disb_batch) looks its number up in an index on the
        new rows, built now by one sort."""
        cursor.execute(f"CREATE INDEX IF NOT EXISTS temp.{ROWS}_iden ON {ROWS} (iden_no)")
        cursor.execute(
            f"""SELECT 1 FROM ledger_payout o CROSS JOIN {ROWS} r CROSS JOIN {KINDS} k
                WHERE {stored.where} AND r.iden_no = o.iden_no AND k.kind = r.kind
                  AND k.pay_month = o.pay_month AND k.purpose = o.purpose
                  AND o.pay_month IN ({", ".join(["%s"] * len(stored.months))})
                  AND o.purpose IN ({", ".join(["%s"] * len(stored.purposes))})
                LIMIT 1""",
            [*stored.params, *stored.months, *stored.purposes],
        )
        return cursor.fetchone() is not None

    # --- a refused file ------------------------------------------------------------------------------------------

    def stage(self, cursor: Any, frame: pl.DataFrame, names: list[str]) -> None:
        columns = ", ".join(f"{n} text" for n in names)
        cursor.execute(f"DROP TABLE IF EXISTS {self.temp(STAGING)}")
        cursor.execute(f"CREATE TEMP TABLE {STAGING} (row_no integer PRIMARY KEY, {columns})")
        for _, records in chunks(frame.iter_rows(), CHUNK):
            insert_rows(cursor.cursor, STAGING, frame.width, records)

    def stored_repeats_sql(self, cursor: Any) -> str:
        """The valid rows that repeat a stored payout: SQLite, which joins only through indexes, reads the stored
        rows once and looks each up in an index on the valid rows."""
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS temp.{VALID}_key ON {VALID} (iden_no, month, purpose, fiscal_year)"
        )
        return f"""SELECT DISTINCT v.row_no FROM ledger_payout d CROSS JOIN {VALID} v
            WHERE {SAME_KEY} AND v.payment_id IS NOT NULL"""


def insert_rows(raw: sqlite3.Cursor, table: str, width: int, records: Sequence[Sequence[Any]]) -> None:
    """``records`` into ``table``, ``ROWS_PER_INSERT`` to a statement (a third faster than one row to a
    statement: SQLite steps and resets a statement per row)."""
    row = f"({', '.join('?' * width)})"
    full = len(records) // ROWS_PER_INSERT * ROWS_PER_INSERT
    if full:
        sql = f"INSERT INTO {table} VALUES {', '.join([row] * ROWS_PER_INSERT)}"
        groups = (
            list(itertools.chain.from_iterable(records[i : i + ROWS_PER_INSERT]))
            for i in range(0, full, ROWS_PER_INSERT)
        )
        sqlite3.Cursor.executemany(raw, sql, groups)
    if rest := records[full:]:
        sql = f"INSERT INTO {table} VALUES {', '.join([row] * len(rest))}"
        sqlite3.Cursor.execute(raw, sql, list(itertools.chain.from_iterable(rest)))
