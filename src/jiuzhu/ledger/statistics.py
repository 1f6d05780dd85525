"""Planner statistics after a bulk load, taken inside the loading transaction.

PostgreSQL's autovacuum analyzes a table only after the transaction that filled it commits. Until then the
planner keeps believing the table is as small as it last measured it: on the demo year (333,715 payouts loaded
in one transaction) it planned the performance actuals as nested loops over every payout for every voucher,
30 s a query instead of 0.2 s (EXPLAIN ANALYZE, PostgreSQL 15). So a load that grows a table by more than
autovacuum's own share analyzes it at once; a county's monthly file arriving into a stored year does not.
SQLite needs no statistics for these plans.
"""

from typing import Any

from django.db import connection

#: autovacuum_analyze_scale_factor's default: the share of a table's rows whose change calls for new statistics
SHARE = 0.1


def refresh_after_load(cursor: Any, table: str, added: int) -> bool:
    """ANALYZE ``table`` (a permanent table of this project) when ``added`` rows are many for its last
    statistics; returns whether it did."""
    if connection.vendor != "postgresql" or added <= 0:
        return False
    cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
    (known,) = cursor.fetchone()
    if known >= 0 and added <= SHARE * known:
        return False
    cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
    return True
