"""What the importer asks of a database (``Backend``: ``postgresql.PostgreSQL`` or ``sqlite.SQLite``, chosen
once per import from the connection's vendor), and the names every part shares: the temporary tables, the rows to load, the scope of the
duplicate check."""

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

import polars as pl

STAGING = "ledger_payout_staging"
COMBOS = "ledger_payout_combos"
UPPER = "ledger_payout_upper"
BAD_COMBOS = "ledger_payout_bad_combos"
BAD_IDS = "ledger_payout_bad_ids"
FLOATS = "ledger_payout_floats"
VALID = "ledger_payout_valid"
ROWS = "ledger_payout_rows"
KINDS = "ledger_payout_kinds"
TEMPORARY = (STAGING, COMBOS, UPPER, BAD_COMBOS, BAD_IDS, FLOATS, VALID, ROWS, KINDS)
CHUNK = 50_000
#: A valid row (``VALID v``) and a stored payout (``ledger_payout d``) with the same natural key and year.
SAME_KEY = "d.iden_no = v.iden_no AND d.pay_month = v.month AND d.purpose = v.purpose AND d.fiscal_year = v.fiscal_year"

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Load:
    """The rows to store: the frame, the kinds it joins with (``checks.kinds``), the columns every row shares
    (region, batch, year), 证件号码 upper-cased by the domain's rule (None: polars' upper case) and the text
    columns the file has."""

    frame: pl.DataFrame
    kinds: pl.DataFrame
    constants: Mapping[str, object]
    upper: Mapping[str, str] | None
    texts: list[str]


@dataclass(frozen=True)
class Scope:
    """Where a stored payout could repeat the batch's rows: the year's other batches, the file's months and
    purposes."""

    batch_id: int
    region_id: int
    year: int
    months: set[str]
    purposes: set[str]


@dataclass(frozen=True)
class Stored:
    """The stored payouts that could repeat the batch's rows (``duplicates.stored_scope``): a WHERE clause over
    ``ledger_payout o`` with its parameters."""

    where: str
    params: list[object]
    months: list[str]
    purposes: list[str]


class Backend(Protocol):
    """One database's way of doing each step; ``postgresql.PostgreSQL`` and ``sqlite.SQLite``."""

    def temp(self, name: str) -> str:
        """A temporary table's name, qualified so that DROP can never reach a permanent table."""

    def session(self, cursor: Any) -> AbstractContextManager[None]:
        """The import's settings for the transaction (memory for sorts and caches)."""

    def analyze(self, cursor: Any, table: str) -> None:
        """Statistics for a small temporary table joined with a large one, where the planner needs them."""

    def lock_writers(self, cursor: Any) -> None:
        """Until the transaction ends, be the only writer of payouts."""

    def lock_vouchers(self, cursor: Any, payment_ids: list[int]) -> None:
        """The vouchers locked against deletion until the import commits (and the writers serialised)."""

    def load(self, cursor: Any, load: Load, progress: Progress) -> None:
        """The rows into ``ledger_payout`` in one bulk load, in file order."""

    def any_stored_repeat(self, cursor: Any, scope: Scope, stored: Stored) -> bool:
        """Does a stored payout of ``stored`` repeat the natural key of a row just loaded?"""

    def stage(self, cursor: Any, frame: pl.DataFrame, names: list[str]) -> None:
        """The frame (``row_no`` then ``names``) into the temporary all-text table ``STAGING``."""

    def stored_repeats_sql(self, cursor: Any) -> str:
        """SQL for the row numbers of the valid rows (``VALID``) that repeat a stored payout."""


def chunks(items: Iterable[Any], size: int) -> Iterator[tuple[int, list[Any]]]:
    iterator, done = iter(items), 0
    while chunk := list(itertools.islice(iterator, size)):
        done += len(chunk)
        yield done, chunk


def drop_temporary(cursor: Any, db: Backend) -> None:
    for name in TEMPORARY:
        cursor.execute(f"DROP TABLE IF EXISTS {db.temp(name)}")
