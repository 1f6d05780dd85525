"""Running the rules: the parameters of one run, each rule's SQL executed once, rows normalised and keyed.

Nothing here writes to the project's tables but the payout parts the rules read (``prepare`` stores those of
an approved batch that has none, ``payout_sums.store_missing``); the shared tables are temporary to the
connection and dropped after the run; ``services.do_run`` reconciles the rows with the stored findings.
"""

import calendar
import datetime
import hashlib
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from jiuzhu.core.planner import planner_settings
from jiuzhu.domain.findings import DEADLINE_DAYS, Severity
from jiuzhu.domain.monitoring_rules import REGISTRY, Rule
from jiuzhu.ledger.payout_sums import store_missing

from .queries import INDEXED, NARROW, PEOPLE, REPEATS, SHARED, STORED, Dialect, shared_for, sql_for

DEFAULTS: dict[str, Any] = {
    "late_registration_days": 30,
    "pass_down_days": 30,
    "voucher_payout_days": 30,
    "idle_months": 2,
    "yellow_points": 10,
    "red_points": 20,
    "deadline_days": {s.value: d for s, d in DEADLINE_DAYS.items()},
    "holidays": [],
    "work_mem": "256MB",
}
"""``work_mem``: PostgreSQL's memory for one sort or hash of a run (each of up to three processes, hashes twice
this by PostgreSQL's ``hash_mem_multiplier``), taken only as far as needed: the people table groups a million
payouts into ~100,000 people, and at the default 4 MB the hash spills to disk in batches; a province-year's
largest partition (5.5 million payouts, 450,000 people) still spilled at 64 MB (bench/README.md, "Province
scale")."""


def config() -> dict[str, Any]:
    """The defaults, overridden by the setting ``JIUZHU_MONITORING`` (a dict with the same keys)."""
    return {**DEFAULTS, **getattr(settings, "JIUZHU_MONITORING", {})}


def months_before(day: datetime.date, months: int) -> datetime.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return datetime.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def as_of_for(year: int, today: datetime.date) -> datetime.date:
    """The day a year is checked at: today, or the year's last day for a past year."""
    return min(today, datetime.date(year, 12, 31))


def elapsed_bp(as_of: datetime.date) -> int:
    """Time elapsed in the year at ``as_of``, in basis points (1/100 %)."""
    days = 366 if calendar.isleap(as_of.year) else 365
    return as_of.timetuple().tm_yday * 10000 // days


@dataclass(frozen=True)
class Params:
    year: int
    as_of: datetime.date
    path: str
    """The scope's region path; the SQL matches ``path%``."""
    narrow: bool = False
    """Make the shared tables from the scope's people only (``queries.NARROW``): a run over one county."""

    def sql(self) -> dict[str, Any]:
        c = config()
        return {
            "year": self.year,
            "path": self.path + "%",
            "as_of": self.as_of,
            "late_registration_days": int(c["late_registration_days"]),
            "pass_down_days": int(c["pass_down_days"]),
            "voucher_cutoff": self.as_of - datetime.timedelta(days=int(c["voucher_payout_days"])),
            "idle_cutoff": months_before(self.as_of, int(c["idle_months"])),
            "elapsed_bp": elapsed_bp(self.as_of),
            "yellow_points": int(c["yellow_points"]),
            "red_points": int(c["red_points"]),
        }


@dataclass(frozen=True)
class Hit:
    """One row a rule found, ready to become a finding."""

    rule: Rule
    key: str
    region_id: int
    fiscal_year: int
    fund_id: int | None
    purpose: str
    month: str
    severity: Severity
    data: dict[str, Any]

    @property
    def message(self) -> str:
        return self.rule.render(self.data)


FILTER_COLUMNS = ("region_id", "fiscal_year", "fund_id", "purpose", "month", "severity")


def _plain(value: Any) -> Any:
    """Database values as JSON: dates as ISO text, whole Decimals (PostgreSQL's SUM) as int."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    return value


def finding_key(code: str, region_id: int, year: int, keys: Iterable[Any]) -> str:
    text = "|".join([code, str(region_id), str(year), *(str(k) for k in keys)])
    return hashlib.sha256(text.encode()).hexdigest()


def _hit(rule: Rule, row: dict[str, Any]) -> Hit:
    data = {k: _plain(v) for k, v in row.items() if k not in FILTER_COLUMNS and not k.startswith("key")}
    keys = [row[k] for k in sorted(k for k in row if k.startswith("key"))]
    severity = Severity(row["severity"]) if row.get("severity") else rule.severity
    month = row.get("month") or ""
    return Hit(
        rule=rule,
        key=finding_key(rule.code, row["region_id"], int(row["fiscal_year"]), keys),
        region_id=row["region_id"],
        fiscal_year=int(row["fiscal_year"]),
        fund_id=row.get("fund_id"),
        purpose=row.get("purpose") or "",
        month=str(month)[:4],
        severity=severity,
        data={**data, "purpose": row.get("purpose"), "month": month},
    )


def hits(code: str, rows: Iterable[dict[str, Any]]) -> list[Hit]:
    """A rule's rows as hits, whichever engine found them (the roll-up's Spark, too)."""
    rule = REGISTRY[code]
    return [_hit(rule, r) for r in rows]


def evaluate(code: str, params: Params) -> tuple[list[Hit], int]:
    """One rule's hits and how long its query took (ms)."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql_for(code, connection.vendor), params.sql())
        names = [c[0] for c in cursor.description]
        rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    elapsed = int((time.perf_counter() - started) * 1000)
    return hits(code, rows), elapsed


@contextmanager
def session() -> Iterator[None]:
    """A transaction with the run's settings (PostgreSQL: ``config()["work_mem"]``; no JIT, whose compiling cost
    more than it saved on every rule at a million payouts: 60–250 ms a query; each partition of the payouts
    grouped on its own where a grouping keeps the region: the people table of a province-year of 2×10^7 payouts
    took 35 s as one sort spilled to disk, 10 s grouped partition by partition in memory, bench/README.md
    "Province scale")."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('work_mem', %s, true)", [str(config()["work_mem"])])
                cursor.execute("SET LOCAL jit = off")
                cursor.execute("SET LOCAL enable_partitionwise_aggregate = on")
        yield


ANALYZED = dict.fromkeys(SHARED, "") | {PEOPLE: "(region_id, iden_no)"}
"""What ANALYZE reads of each shared table: of the people table its row count, which the planner needs to run
its readers in parallel (guessed at an eighth of the real count, a province's ``account_shared`` was hashed in
one process, spilling to disk), and the 证件号码's distinct count, without which the repeaters were grouped by
a sort (9.3 s instead of 2.9 s over a province's 1.64 million people); of its other text columns nothing
(their statistics cost ~0.8× the floor at a million payouts)."""

NESTED_LOOPS_ONLY = {"enable_hashjoin": "off", "enable_mergejoin": "off"}
JOINED_BY_INDEX = {REPEATS}
"""Shared tables made by a join through the payouts' 证件号码 index (PostgreSQL: hash and merge joins off for
the statement): the planner costs the index reads from disk and prefers hashing the repeaters and scanning the
whole year — 17 s over a province-year of 19.8 million payouts, against 3.3 s for 33,428 repeaters' index
look-ups in each of the year's 15 partitions, whose pages are in memory (bench/README.md, "Province scale")."""


def _run_schema(cursor: Any) -> str | None:
    """PostgreSQL in a transaction: a schema of the run's own, first on the search path, for the shared tables.

    Unlogged tables there instead of temporary ones, because PostgreSQL's parallel workers cannot read a
    temporary table (its pages live in the leader's memory): over a province-year each rule on the people table
    then runs in one process while the floor uses three (bench/README.md, "Province scale"). The schema is
    made inside the run's transaction and dropped before it ends (``discard``; a failed run's rollback removes
    it too), so no other connection ever sees it; the name carries the backend's pid, so two runs never meet.
    Elsewhere (SQLite, or outside a transaction) the shared tables stay temporary: ``None``."""
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return None
    schema = _schema_name(cursor)
    cursor.execute("SELECT current_setting('search_path')")
    (path,) = cursor.fetchone()
    cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    if not path.startswith(schema + ","):
        cursor.execute("SELECT set_config('search_path', %s, true)", [f"{schema}, {path}"])
    return schema


def _schema_name(cursor: Any) -> str:
    """The run's schema (PostgreSQL): named by the connection's backend."""
    cursor.execute("SELECT 'jiuzhu_run_' || pg_backend_pid()")
    return str(cursor.fetchone()[0])


def prepare(
    codes: Iterable[str], params: Params | Mapping[str, Any], *, plans: list[str] | None = None
) -> int:
    """Make the shared tables that the rules ``codes`` read (``queries.SHARED``); returns how long it took (ms).
    ``params``: the run's, or their SQL values (the roll-up's manifest carries those). ``plans``: each table
    made under EXPLAIN (ANALYZE, BUFFERS), its plan's lines appended there (``bench.province``)."""
    started = time.perf_counter()
    d = Dialect(connection.vendor)
    values = params.sql() if isinstance(params, Params) else dict(params)
    if isinstance(params, Params):  # a run over the database: the vouchers' sums are read from stored parts
        store_missing()
        texts = NARROW if params.narrow else STORED
    else:
        texts = SHARED  # the roll-up's views of exported payouts
    with connection.cursor() as cursor:
        schema = _run_schema(cursor)
        for name in shared_for(codes):
            made = f"CREATE UNLOGGED TABLE {schema}.{name}" if schema else f"CREATE TEMPORARY TABLE {name}"
            cursor.execute(f"DROP TABLE IF EXISTS {name}")
            statement = f"{made} AS {texts[name](d)}"
            with planner_settings(cursor, **(NESTED_LOOPS_ONLY if name in JOINED_BY_INDEX else {})):
                if plans is None:
                    cursor.execute(statement, values)
                else:
                    cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", values)
                    plans += [f"== shared table {name}", *(r[0] for r in cursor.fetchall())]
            if name in INDEXED:
                cursor.execute(f"CREATE INDEX {name}_key ON {name} ({INDEXED[name]})")
            if connection.vendor == "postgresql":
                cursor.execute(f"ANALYZE {name} {ANALYZED[name]}")  # a made table has no statistics otherwise
    return int((time.perf_counter() - started) * 1000)


def discard() -> None:
    with connection.cursor() as cursor:
        for name in reversed(SHARED):
            cursor.execute(f"DROP TABLE IF EXISTS {name}")
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP SCHEMA IF EXISTS {_schema_name(cursor)} CASCADE")


def evaluate_all(codes: Sequence[str], params: Params) -> tuple[dict[str, tuple[list[Hit], int]], int]:
    """Every rule of ``codes`` over the shared tables made once: each rule's hits and query time (ms), and the
    time the shared tables took (ms)."""
    with session():
        shared_ms = prepare(codes, params)
        found = {code: evaluate(code, params) for code in codes}
        # not in a ``finally``: after a failed query PostgreSQL refuses every statement until the rollback, so
        # the DROP would raise in the original error's place; the rollback removes the tables anyway
        discard()
        return found, shared_ms
