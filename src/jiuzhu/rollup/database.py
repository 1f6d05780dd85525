"""The same rules on the Django database (PostgreSQL or SQLite) over the period a manifest describes.

The rules run through the period's views (``period.period_views``) with the manifest's columns and
parameters, so that they see what the export holds even when the database holds more (other months, other
provinces); the totals are counted through the same views.
"""

import time
from collections.abc import Mapping
from typing import Any

from django.db import connection

from jiuzhu.monitoring.engine import Hit, discard, hits, prepare
from jiuzhu.monitoring.queries import sql_for

from .period import Period, period_views


def period_of(manifest: Mapping[str, Any]) -> Period:
    return Period(manifest["scope"]["path"], int(manifest["fiscal_year"]), tuple(manifest["months"]))


def carried(manifest: Mapping[str, Any]) -> dict[str, list[str]]:
    return {table: list(entry["columns"]) for table, entry in manifest["tables"].items()}


def run_period(
    manifest: Mapping[str, Any], rules: list[str], params: Mapping[str, Any]
) -> tuple[list[Hit], dict[str, dict[str, int]], dict[str, dict[str, Any]]]:
    """The rules' hits, per-rule rows and ms, and each table's rows and fen totals, through the views."""
    found: list[Hit] = []
    per_rule: dict[str, dict[str, int]] = {}
    with period_views(period_of(manifest), carried(manifest)), connection.cursor() as cursor:
        prepare(rules, params)  # the shared tables, made from the period's views like the rules' reads
        for code in rules:
            started = time.perf_counter()
            cursor.execute(sql_for(code, connection.vendor), dict(params))
            names = [c[0] for c in cursor.description]
            rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
            per_rule[code] = {"rows": len(rows), "ms": int((time.perf_counter() - started) * 1000)}
            found += hits(code, rows)
        counted = {t: _totals(cursor, t, list(e["totals_fen"])) for t, e in manifest["tables"].items()}
        discard()
    return found, per_rule, counted


def _totals(cursor: Any, table: str, fen: list[str]) -> dict[str, Any]:
    sums = "".join(f", COALESCE(SUM({c}), 0)" for c in fen)
    cursor.execute(f"SELECT COUNT(*){sums} FROM {table}")  # noqa: S608 (our names)
    row = cursor.fetchone()
    return {"rows": int(row[0]), "totals_fen": {c: int(v) for c, v in zip(fen, row[1:], strict=True)}}
