"""Set-based storing of payouts: load the checked rows into a staging table, find duplicates against what is
stored with one SQL statement, then move them with one INSERT … SELECT.

PostgreSQL loads the staging table with COPY; SQLite with one executemany inside the same transaction. Both run
inside the caller's transaction, so a refusal leaves nothing behind.
"""

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection

STAGING = "ledger_payout_staging"
#: staging column → type; every column but the last two is copied into ledger_disbursement.
COLUMNS = (
    ("row_no", "integer"),
    ("payment_id", "bigint"),
    ("purpose", "varchar(16)"),
    ("pay_cert_no", "varchar(64)"),
    ("per_name", "varchar(64)"),
    ("iden_type", "varchar(2)"),
    ("iden_no", "varchar(64)"),
    ("to_peop_family", "varchar(2)"),
    ("pay_amt", "bigint"),
    ("xpay_amt", "bigint"),
    ("pay_month", "varchar(4)"),
    ("town_code", "varchar(32)"),
    ("town_name", "varchar(64)"),
    ("village_code", "varchar(32)"),
    ("village_name", "varchar(64)"),
    ("add_word", "varchar(200)"),
    ("pro_code", "varchar(40)"),
)
NAMES = [name for name, _ in COLUMNS]
CHUNK = 20000


def _create(cursor: Any) -> None:
    """A temporary table of this session, made afresh: several imports may share one outer transaction."""
    columns = ", ".join(f"{name} {kind}" for name, kind in COLUMNS)
    cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
    cursor.execute(f"CREATE TEMP TABLE {STAGING} ({columns})")


def _load(cursor: Any, rows: Sequence[tuple[object, ...]], progress: Callable[[int], None]) -> None:
    if connection.vendor == "postgresql":
        raw = cursor.cursor  # psycopg's own cursor under Django's wrapper
        with raw.copy(f"COPY {STAGING} ({', '.join(NAMES)}) FROM STDIN") as copy:
            for start in range(0, len(rows), CHUNK):
                for row in rows[start : start + CHUNK]:
                    copy.write_row(row)
                progress(min(start + CHUNK, len(rows)))
        return
    placeholders = ", ".join("?" for _ in NAMES)
    sql = f"INSERT INTO {STAGING} ({', '.join(NAMES)}) VALUES ({placeholders})"  # noqa: S608 (constants)
    raw = cursor.cursor  # sqlite3's cursor: executemany without Django's wrapping
    for start in range(0, len(rows), CHUNK):
        raw.executemany(sql, rows[start : start + CHUNK])
        progress(min(start + CHUNK, len(rows)))


def stage_and_store(
    rows: Sequence[tuple[object, ...]],
    *,
    region_id: int,
    batch_id: int,
    fiscal_year: int,
    progress: Callable[[int], None] = lambda n: None,
) -> list[int]:
    """Store ``rows`` (in ``NAMES`` order) unless some duplicate a stored payout; returns those rows' numbers.

    When the list is not empty nothing was inserted, and the caller refuses the file (rolling back).
    """
    with connection.cursor() as cursor:
        _create(cursor)
        _load(cursor, rows, progress)
        cursor.execute(
            f"""SELECT s.row_no FROM {STAGING} s WHERE EXISTS (
                  SELECT 1 FROM ledger_disbursement d
                  WHERE d.iden_no = s.iden_no AND d.pay_month = s.pay_month AND d.purpose = s.purpose
                    AND d.fiscal_year = %s)
                ORDER BY s.row_no""",  # noqa: S608 (constant names only; values are parameters)
            [fiscal_year],
        )
        duplicates = [row[0] for row in cursor.fetchall()]
        if not duplicates:
            columns = ", ".join(NAMES)
            cursor.execute(
                f"""INSERT INTO ledger_disbursement ({columns}, region_id, batch_id, origin, fiscal_year)
                    SELECT {columns}, %s, %s, 'import', %s FROM {STAGING} ORDER BY row_no""",  # noqa: S608 (constant names only)
                [region_id, batch_id, fiscal_year],
            )
        cursor.execute(f"DROP TABLE {STAGING}")
    return duplicates
