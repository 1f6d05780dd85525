"""A province-period: one region's subtree, one fiscal year, some months — as views named like the tables.

Inside a transaction, ``period_views`` creates a temporary view per table the rules read, with the table's
name and only the period's rows and the rules' columns; PostgreSQL and SQLite both look in the temporary
schema first, so the rules' unchanged SQL then runs over the period. The export writes exactly these views,
and ``jiuzhu rollup run --engine postgres`` runs the rules through them: the two engines see the same rows.

A view's filter may name an earlier view (registrations are those of the period's movements), so the order
of ``TABLES`` matters.
"""

import datetime
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import connection, transaction

from jiuzhu.monitoring.queries import Dialect

from .sql import used_columns

ALL_MONTHS = tuple(f"{m:02d}" for m in range(1, 13))
IN_SUBTREE = "region_id IN (SELECT id FROM regions_region WHERE path LIKE %(path)s)"

#: table → the rows of the period (columns of that table; parameters year, path, scope).
TABLES: dict[str, str] = {
    # the scope, its descendants, and its ancestors (a prefecture's reference list applies below it)
    "regions_region": "path LIKE %(path)s OR %(scope)s LIKE path || '%%'",
    "regions_budgetunit": "1 = 1",  # the rule matches a payee by name, wherever the unit is
    "funds_directfundtag": "1 = 1",
    "funds_fund": "fiscal_year = %(year)s",
    "funds_classificationcode": "fiscal_year = %(year)s",
    "monitoring_executionthreshold": "fund_id IN (SELECT id FROM funds_fund)",
    "allocation_plan": "fund_id IN (SELECT id FROM funds_fund)",
    "ledger_movement": f"fiscal_year = %(year)s AND {IN_SUBTREE}",
    "ledger_registration": "movement_id IN (SELECT id FROM ledger_movement)",
    "ledger_registrationline": "registration_id IN (SELECT id FROM ledger_registration)",
    "ledger_appropriation": f"fiscal_year = %(year)s AND {IN_SUBTREE}",
    "ledger_importbatch": IN_SUBTREE,
    "ledger_payment": f"fiscal_year = %(year)s AND {IN_SUBTREE}{{payment_months}}",
    "ledger_payout": f"fiscal_year = %(year)s AND {IN_SUBTREE}{{payout_months}}",
    "cards_referencelist": "region_id IN (SELECT id FROM regions_region)",
    "cards_referenceentry": "list_id IN (SELECT id FROM cards_referencelist)",
    "cards_sampleitem": f"fiscal_year = %(year)s AND {IN_SUBTREE}",
    "cards_complaint": f"fiscal_year = %(year)s AND {IN_SUBTREE}",
}
#: the money columns (integer fen) whose sums the manifest carries.
FEN_COLUMNS: dict[str, tuple[str, ...]] = {
    "ledger_movement": ("amount",),
    "ledger_registrationline": ("amount",),
    "ledger_payment": ("pay_amt", "xpay_amt"),
    "ledger_payout": ("pay_amt", "xpay_amt"),
    "cards_sampleitem": ("xpay_amt",),
}


@dataclass(frozen=True)
class Period:
    path: str
    """The scope's region path (``/650000/654200/``)."""
    fiscal_year: int
    months: tuple[str, ...] = ALL_MONTHS
    """Payments by the month of their date, payouts by their 发放月份; all twelve: the whole year (a
    payout of 全年 included)."""

    def whole_year(self) -> bool:
        return tuple(sorted(self.months)) == ALL_MONTHS

    def filter_sql(self, table: str, vendor: str) -> str:
        months = "" if self.whole_year() else ", ".join(f"'{m}'" for m in self.months)
        text = TABLES[table].format(
            payment_months=f" AND {Dialect(vendor).month('xpay_date')} IN ({months})" if months else "",
            payout_months=f" AND pay_month IN ({months})" if months else "",
        )
        # final text: the rules' ``%%`` are single again, the scope path is one of our region paths (no quote)
        return text % {"year": self.fiscal_year, "path": f"'{self.path}%'", "scope": f"'{self.path}'"}


def model_schema() -> dict[str, dict[str, str]]:
    """Table → column → Django's internal field type, for the tables of ``TABLES``."""
    out: dict[str, dict[str, str]] = {}
    for model in apps.get_models():
        if model._meta.db_table in TABLES:
            out[model._meta.db_table] = {f.column: f.get_internal_type() for f in model._meta.concrete_fields}
    return out


def columns(rules: list[str], params: Mapping[str, Any]) -> dict[str, list[str]]:
    """Table → the columns a period carries: what the rules read, the key and what the filters name."""
    schema = model_schema()
    used = used_columns(rules, schema, params)
    keep = {"id", "region_id", "fiscal_year", "fund_id", "movement_id", "registration_id", "list_id", "path"}
    return {
        table: [
            c
            for c in schema[table]
            if c in used.get(table, set()) or c in keep or c in FEN_COLUMNS.get(table, ())
        ]
        for table in TABLES
    }


def base_schema() -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_schema()")
            return str(cursor.fetchone()[0])
    return "main"


@contextmanager
def period_views(period: Period, carried: Mapping[str, list[str]]) -> Iterator[None]:
    """The period's views in a transaction rolled back at the end (nothing is written)."""
    base = base_schema()
    with transaction.atomic():
        with connection.cursor() as cursor:
            for table in TABLES:
                cols = ", ".join(carried[table])
                cursor.execute(
                    f"CREATE TEMP VIEW {table} AS SELECT {cols} FROM {base}.{table} "  # noqa: S608 (names are ours)
                    f"WHERE {period.filter_sql(table, connection.vendor)}"
                )
        try:
            yield
        finally:
            transaction.set_rollback(True)


def as_of_for(period: Period, today: datetime.date) -> datetime.date:
    """The day the period is checked at: today, or the last day of its last month if that is earlier."""
    last = max(int(m) for m in period.months)
    end = datetime.date(period.fiscal_year + last // 12, last % 12 + 1, 1) - datetime.timedelta(days=1)
    return min(today, end)
