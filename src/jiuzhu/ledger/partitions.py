"""PostgreSQL: the payout table partitioned by budget year, then by prefecture (issue 20).

A province's year holds ~2×10^7 payouts. Each year is a partition of ``ledger_payout`` (``ledger_payout_2022``),
itself partitioned by region: one leaf per prefecture, listing the prefecture's own id and its counties'
(``ledger_payout_2022_654200``), where a county's monthly file lands, so that its load and its indexes touch one
prefecture's rows, and a year's rules prune the other years. A province's own payouts have a leaf of their own.
Rows of a year or a region without a partition yet (the demo's faults, written through the ORM) wait in a default
partition (``ledger_payout_other``, ``ledger_payout_2022_other``) and move into the partition made for them.

Partitions are made as years and regions appear (``ensure``: before a payout import, in its own short
transaction, because attaching a partition locks the default one until its transaction ends), serialised by the
payout writers' lock. Indexes are declared on ``ledger_payout`` and so exist on every partition. SQLite keeps one
unpartitioned table: every function here does nothing there.
"""

# ruff: noqa: S608  (table names are made here from integers and region codes, never from input)

import re
from typing import Any

from django.db import connection, transaction

ROOT = "ledger_payout"
#: pg_advisory_xact_lock key that serialises the writers of payouts (staging.postgresql.lock_writers)
WRITERS_LOCK = 0x6A7A_0001
#: pg_advisory_xact_lock key that serialises the making of partitions. Not the writers' lock: an import holds
#: that while it reads the payouts, and a partition's making waits for those reads to end (ATTACH locks the
#: default partition), so holding both would deadlock.
MAKERS_LOCK = 0x6A7A_0002


def enabled() -> bool:
    return connection.vendor == "postgresql"


def year_table(year: int) -> str:
    return f"{ROOT}_{int(year)}"


def leaf_table(year: int, code: str) -> str:
    if not code.isdigit():
        raise ValueError(code)
    return f"{year_table(year)}_{code}"


def other_table(year: int | None = None) -> str:
    """The default partition of a year (or of the whole table, for years without one)."""
    return f"{ROOT if year is None else year_table(year)}_other"


def group(cursor: Any, region_id: int) -> tuple[str, list[int]]:
    """The code naming the region's leaf and the ids it lists: a prefecture and its counties, or a province
    alone."""
    cursor.execute(
        """SELECT r.level, r.code, r.parent_id, p.code FROM regions_region r
            LEFT JOIN regions_region p ON p.id = r.parent_id WHERE r.id = %s""",
        [region_id],
    )
    level, code, parent_id, parent_code = cursor.fetchone()
    if level == "province":
        return code, [region_id]
    head, head_code = (parent_id, parent_code) if level == "county" else (region_id, code)
    cursor.execute("SELECT id FROM regions_region WHERE id = %s OR parent_id = %s ORDER BY id", [head, head])
    return head_code, [r[0] for r in cursor.fetchall()]


def _bound_ids(cursor: Any, table: str) -> set[int] | None:
    """The region ids a leaf lists, or None when the table is not a partition."""
    cursor.execute(
        "SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE relname = %s AND relispartition", [table]
    )
    row = cursor.fetchone()
    return None if row is None else {int(n) for n in re.findall(r"\d+", row[0])}


def leaf(cursor: Any, year: int, region_id: int) -> str | None:
    """The leaf that holds the region's payouts of the year, if it exists already."""
    code, _ = group(cursor, region_id)
    table = leaf_table(year, code)
    listed = _bound_ids(cursor, table)
    return table if listed is not None and region_id in listed else None


def ensure(year: int, region_id: int) -> str | None:
    """Make (or widen to a new county) the leaf for the region's payouts of the year; its name, None on SQLite.

    Its own transaction where none is open: callers make partitions before the import that needs them."""
    if not enabled() or not is_partitioned():
        return None
    with connection.cursor() as cursor:
        found = leaf(cursor, year, region_id)
        if found is not None:
            return found
        with transaction.atomic():
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [MAKERS_LOCK])
            return leaf(cursor, year, region_id) or make(cursor, year, region_id)


def make(cursor: Any, year: int, region_id: int) -> str:
    """The year's partition and the region's leaf, made or widened where missing (the caller serialises)."""
    _ensure_year(cursor, year)
    return _ensure_leaf(cursor, year, *group(cursor, region_id))


def is_partitioned() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE relname = %s", [ROOT])
        row = cursor.fetchone()
    return row is not None and row[0] == "p"


def _exists(cursor: Any, table: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_class WHERE relname = %s", [table])
    return cursor.fetchone() is not None


def _move(cursor: Any, source: str, target: str, where: str, params: list[Any]) -> None:
    """Rows waiting in a default partition move to the table made for them (same columns, same order)."""
    cursor.execute(
        f"WITH moved AS (DELETE FROM {source} WHERE {where} RETURNING *) INSERT INTO {target} SELECT * FROM moved",
        params,
    )


def _ensure_year(cursor: Any, year: int) -> None:
    table = year_table(year)
    if _exists(cursor, table):
        return
    cursor.execute(
        f"CREATE TABLE {table} (LIKE {ROOT} INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY LIST (region_id)"
    )
    cursor.execute(f"CREATE TABLE {other_table(year)} PARTITION OF {table} DEFAULT")
    _move(cursor, other_table(), table, "fiscal_year = %s", [year])
    cursor.execute(f"ALTER TABLE {ROOT} ATTACH PARTITION {table} FOR VALUES IN ({int(year)})")


def _ensure_leaf(cursor: Any, year: int, code: str, ids: list[int]) -> str:
    parent, table = year_table(year), leaf_table(year, code)
    listed = _bound_ids(cursor, table)
    if listed is not None and set(ids) <= listed:
        return table
    if listed is None:
        cursor.execute(f"CREATE TABLE {table} (LIKE {ROOT} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
        listed = set()
    else:  # a county new to the prefecture: the leaf is listed again with it
        cursor.execute(f"ALTER TABLE {parent} DETACH PARTITION {table}")
    added = sorted(set(ids) - listed)
    if added:
        _move(cursor, other_table(year), table, "region_id = ANY(%s)", [added])
    values = ", ".join(str(int(i)) for i in sorted(listed | set(ids)))
    cursor.execute(f"ALTER TABLE {parent} ATTACH PARTITION {table} FOR VALUES IN ({values})")
    return table


def leaves(cursor: Any) -> dict[str, int]:
    """Every partition of the payout table that holds rows itself (leaves and defaults), with its row
    estimate."""
    cursor.execute(
        """SELECT c.relname, c.reltuples FROM pg_partition_tree(%s::regclass) t
            JOIN pg_class c ON c.oid = t.relid WHERE t.isleaf ORDER BY c.relname""",
        [ROOT],
    )
    return {name: int(max(tuples, 0)) for name, tuples in cursor.fetchall()}
