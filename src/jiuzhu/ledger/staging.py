"""The set-based payout import: read the file into a polars frame, check each distinct value once, and store
the rows in one bulk load. Everything runs inside the caller's transaction: a refusal leaves nothing behind.

1. **Frame.** A clean CSV (``readers.is_clean_csv``) is read by polars as it is; anything else (XLSX, CSV that
   needs cleaning) is cleaned column by column in Python (each distinct value once) and framed. Blank rows are
   dropped and keep their numbers.
2. **Check.** Every distinct combination of the low-cardinality cells (证件类型, 补助方式, 发放月份, 支付凭证号,
   应发, 实发) and every distinct (证件号码, 证件类型) with their counts, from polars group-bys; the domain's
   cell rules run once per distinct value (``jiuzhu.domain.disbursements``: the same functions the row-by-row
   reference uses). Σ实发 per voucher and the budget year follow from the combinations; duplicates within the
   file are a polars check on the natural key.
3. **Store.** The stored rows are built from the frame (a join with the combinations: codes, fen, payment,
   purpose) and loaded in file order — PostgreSQL: one COPY, chunks built by a helper thread, ids from one block
   of the sequence; SQLite: a temporary table filled a hundred rows to an INSERT, then one INSERT … SELECT —
   while another thread checks each person's cells (证件号码, 姓名) and the duplicates within the file: the
   database and the checks run on different cores, and anything wrong rolls the load back. Then, under the
   importer's lock, the rows are checked against the other payout batches of the year (PostgreSQL: a hashed
   INTERSECT; SQLite: an index on the new rows, built by one sort). No unique index holds that rule: see
   migrations 0004–0006 for why the table has so few indexes.
4. **Refusal.** When anything is wrong, the frame is staged into a temporary all-text table and SQL lists the
   rows of each rule (the first ``PROBLEM_CAP``, with the count of the rest); the cross-row rules run over the
   valid rows, as the reference does. Every problem of the file is reported at once.

SQL is built from this module's constant table names and the header's element names only (never from the
file's text); values are always parameters or COPY data.
"""
# ruff: noqa: S608

import itertools
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.db import connection, transaction

from jiuzhu.core.errors import InvalidInput
from jiuzhu.domain import disbursements as rules
from jiuzhu.domain.problems import Problem

from . import frames
from .io.readers import PayoutRows

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
#: The cells whose distinct combinations are checked together (few per file: codes, months, vouchers, amounts).
KEYS = ("iden_type", "to_peop_family", "pay_month", "pay_cert_no", "pay_amt", "xpay_amt")
OPTIONAL = ("town_code", "town_name", "village_code", "village_name", "add_word", "pro_code")
#: The natural key of a payout: one per person, month, purpose and year (the duplicate rule).
NATURAL_KEY = ("iden_no", "pay_month", "purpose")
#: pg_advisory_xact_lock key that serialises the writers of payouts (``lock_payout_writers``).
PAYOUT_IMPORT_LOCK = 0x6A7A_0001
CHUNK = 50_000
#: Rows to one SQLite INSERT (each with at most ~10 parameters: far below SQLite's 32,766).
ROWS_PER_INSERT = 100
#: Rows per COPY chunk (~8 MB of CSV); the first is small, so that the database starts at once.
COPY_ROWS = 100_000
FIRST_COPY_ROWS = 10_000
#: SQLite's page cache during an import (KiB): a large file's rows and index entries stay in memory until commit.
SQLITE_CACHE_KIB = 256 * 1024

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Voucher:
    info: rules.VoucherInfo
    payment_id: int
    fund_id: int = 0


@dataclass
class _Combo:
    """One distinct combination of ``KEYS`` values and what the rules make of it."""

    count: int
    findings: rules.Findings
    type_code: str | None
    family: str | None
    month: str | None
    pay_fen: int | None
    xpay_fen: int | None
    voucher: Voucher | None

    @property
    def ok(self) -> bool:
        return not self.findings


@dataclass
class _Checked:
    combos: dict[tuple[str, ...], _Combo]
    ids: dict[tuple[str, str], tuple[int, str, rules.Findings]]
    """(证件号码, 证件类型) as staged → (rows, upper-case number, findings)."""
    empty_names: int
    float_rows: list[int]
    upper_agrees: bool = True
    """Does polars upper-case every 证件号码 as the domain's rule does?"""

    @property
    def rows_clean(self) -> bool:
        return (
            all(c.ok for c in self.combos.values())
            and not any(f for _, _, f in self.ids.values())
            and not self.empty_names
            and not self.float_rows
        )


class _Values:
    """The domain's cell rules, each distinct value once."""

    def __init__(self) -> None:
        self.codes: dict[tuple[str, str], tuple[str | None, rules.Findings]] = {}
        self.months: dict[str, tuple[str | None, rules.Findings]] = {}
        self.amounts: dict[tuple[str, str], tuple[int | None, rules.Findings]] = {}

    def code(self, element: str, text: str) -> tuple[str | None, rules.Findings]:
        found = self.codes.get((element, text))
        if found is None:
            table = rules.IDEN_TYPES if element == "iden_type" else rules.FAMILY
            found = self.codes[(element, text)] = rules.check_code(element, text, table)
        return found

    def month(self, text: str) -> tuple[str | None, rules.Findings]:
        found = self.months.get(text)
        if found is None:
            found = self.months[text] = rules.check_month(text)
        return found

    def amount(self, element: str, text: str) -> tuple[int | None, rules.Findings]:
        found = self.amounts.get((element, text))
        if found is None:
            found = self.amounts[(element, text)] = rules.check_amount(element, text)
        return found


@dataclass(frozen=True)
class _Scope:
    """Where a stored payout could repeat the batch's rows: the year's other batches, the file's months and
    purposes."""

    batch_id: int
    year: int
    months: set[str]
    purposes: set[str]


class _Refused(Exception):
    """Something is wrong with the file: the load is rolled back and every problem listed."""


class _Again(Exception):
    """The load is rolled back and done again (证件号码 upper-cased as the domain does)."""


def lock_payout_writers() -> None:
    """Until the transaction ends, be the only writer of payouts (PostgreSQL; SQLite has one writer anyway):
    the duplicate check must see every stored payout, and the importer takes its ids in one block."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PAYOUT_IMPORT_LOCK])


def _q(vendor: str, name: str) -> str:
    """A temporary table's name, qualified so that DROP can never reach a permanent table."""
    return f"pg_temp.{name}" if vendor == "postgresql" else f"temp.{name}"


class PayoutImport:
    """One file's import into ``ledger_disbursement``; ``run`` stores it or raises InvalidInput with every problem."""

    def __init__(
        self,
        rows: PayoutRows,
        vouchers: Mapping[str, Voucher],
        *,
        progress: Progress = lambda phase, done, total: None,
        cap: int | None = None,
    ) -> None:
        assert rows.header is not None
        self.rows, self.vouchers, self.progress = rows, vouchers, progress
        self.cap = rules.PROBLEM_CAP if cap is None else cap
        self.sheet, self.titles = rows.sheet, rows.header.titles
        self.vendor = connection.vendor
        self.names: list[str] = []
        self.fiscal_year: int | None = None
        """The budget year of the stored rows, once stored."""
        self.values = _Values()

    # --- helpers -----------------------------------------------------------------------------------------------

    def t(self, name: str) -> str:
        return _q(self.vendor, name)

    def col(self, element: str, alias: str = "s") -> str:
        return f"{alias}.{element}" if element in self.names else "''"

    def _drop(self, cursor: Any) -> None:
        for name in TEMPORARY:
            cursor.execute(f"DROP TABLE IF EXISTS {self.t(name)}")

    # --- 1. stage (only to list the problems of a refused file) ------------------------------------------------

    def _stage(self, cursor: Any, frame: pl.DataFrame) -> None:
        """The frame into a temporary all-text table, for the SQL that lists the rows of each problem."""
        self.names = [n for n in frame.columns if n != frames.ROW_NO]
        columns = ", ".join(f"{n} text" for n in self.names)
        cursor.execute(f"DROP TABLE IF EXISTS {self.t(STAGING)}")
        key = "PRIMARY KEY" if self.vendor == "sqlite" else ""
        cursor.execute(f"CREATE TEMP TABLE {STAGING} (row_no integer {key}, {columns})")
        ordered = frame.select(frames.ROW_NO, *self.names)
        raw = cursor.cursor
        if self.vendor == "postgresql":
            names = ", ".join(self.names)
            sql = f"COPY {STAGING} (row_no, {names}) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL ({names}))"
            with raw.copy(sql) as copy:
                for _, chunk in frames.csv_chunks(ordered, CHUNK):
                    copy.write(chunk)
        else:
            for _, records in _chunks(ordered.iter_rows(), CHUNK):
                _insert_rows(raw, STAGING, ordered.width, records)
        self._analyze(cursor, STAGING)

    # --- 2. check ------------------------------------------------------------------------------------------------

    def check_combos(self, counts: Mapping[tuple[str, ...], int]) -> dict[tuple[str, ...], _Combo]:
        """Each distinct combination of ``KEYS`` (codes, month, voucher, amounts) through the cell rules."""
        values = self.values
        combos: dict[tuple[str, ...], _Combo] = {}
        for key, count in counts.items():
            kind, family, month, voucher, pay, xpay = key
            type_code, f1 = values.code("iden_type", kind)
            family_code, f2 = values.code("to_peop_family", family)
            month_norm, f3 = values.month(month)
            pay_fen, f4 = values.amount("pay_amt", pay)
            xpay_fen, f5 = values.amount("xpay_amt", xpay)
            f6 = rules.check_above_due(pay_fen, xpay_fen)
            f7 = () if voucher else rules.required("pay_cert_no")
            combos[key] = _Combo(
                count=count,
                findings=(*f1, *f2, *f3, *f4, *f5, *f6, *f7),
                type_code=type_code,
                family=family_code,
                month=month_norm,
                pay_fen=pay_fen,
                xpay_fen=xpay_fen,
                voucher=self.vouchers.get(voucher),
            )
        return combos

    def check_people(self, frame: pl.DataFrame, combos: dict[tuple[str, ...], _Combo]) -> _Checked:
        """The cells of each person: every distinct (证件号码, 证件类型) through the ID rule, and 姓名. Runs in a
        helper thread while the rows load (no database here)."""
        ids: dict[tuple[str, str], tuple[int, str, rules.Findings]] = {}
        pairs = frames.distinct_counts(frame, ("iden_no", "iden_type"))
        for (number, kind), count in pairs.items():
            upper, findings = rules.check_id(number, self.values.code("iden_type", kind)[0])
            ids[(number, kind)] = (count, upper, findings)
        return _Checked(
            combos,
            ids,
            empty_names=frames.count_of(frame, "per_name", ""),
            float_rows=list(self.rows.float_rows),
            upper_agrees=self._same_upper({n: u for (n, _), (_, u, _) in ids.items()}),
        )

    def run(self, *, region_id: int, batch_id: int) -> tuple[int, dict[int, int]]:
        """Store the file; returns the rows stored and Σ实发 (fen) per fund. Raises InvalidInput with every
        problem."""
        with connection.cursor() as cursor:
            cache = None
            if self.vendor == "sqlite":
                cursor.execute("PRAGMA cache_size")
                cache = cursor.fetchone()[0]
                cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
            elif self.vendor == "postgresql":
                cursor.execute("SET LOCAL work_mem = '256MB'")
            try:
                rows = self.rows.rows
                self.progress("暂存", 0, rows)
                frame = frames.read_frame(self.rows, columns=(*KEYS, "iden_no", "per_name"))
                self.progress("校验", 0, frame.height)
                combos = self.check_combos(frames.distinct_counts(frame, KEYS))
                if not combos:
                    raise InvalidInput([rules.empty_file(self.sheet)])
                total = self._store(cursor, frame, combos, region_id=region_id, batch_id=batch_id)
                self._drop(cursor)
                return total
            finally:
                if cache is not None:
                    cursor.execute(f"PRAGMA cache_size = {int(cache)}")

    # --- 3. store ------------------------------------------------------------------------------------------------

    def _write_combos(self, cursor: Any, checked: _Checked) -> None:
        cursor.execute(f"DROP TABLE IF EXISTS {self.t(COMBOS)}")
        keys = ", ".join(f"k{i} text" for i in range(len(KEYS)))
        cursor.execute(
            f"""CREATE TEMP TABLE {COMBOS} ({keys}, ok integer, type_code text, family text, month text,
                pay_fen bigint, xpay_fen bigint, payment_id bigint, purpose text, fiscal_year integer,
                PRIMARY KEY ({", ".join(f"k{i}" for i in range(len(KEYS)))}))"""
        )
        values = [
            (
                *key,
                int(c.ok),
                c.type_code,
                c.family,
                c.month,
                c.pay_fen,
                c.xpay_fen,
                c.voucher.payment_id if c.voucher else None,
                c.voucher.info.purpose if c.voucher else None,
                c.voucher.info.fiscal_year if c.voucher else None,
            )
            for key, c in checked.combos.items()
        ]
        cursor.executemany(f"INSERT INTO {COMBOS} VALUES ({', '.join(['%s'] * (len(KEYS) + 9))})", values)
        upper = [(n, u) for (n, _), (_, u, _) in checked.ids.items() if u != n]
        cursor.execute(f"DROP TABLE IF EXISTS {self.t(UPPER)}")
        if upper:
            cursor.execute(f"CREATE TEMP TABLE {UPPER} (raw text PRIMARY KEY, upper text)")
            cursor.executemany(f"INSERT INTO {UPPER} VALUES (%s, %s)", list(dict(upper).items()))
        self.has_upper = bool(upper)
        self._analyze(cursor, COMBOS)

    def _join(self) -> str:
        on = " AND ".join(f"c.k{i} = s.{k}" for i, k in enumerate(KEYS))
        join = f"{STAGING} s JOIN {COMBOS} c ON {on}"
        if self.has_upper:
            join += f" LEFT JOIN {UPPER} u ON u.raw = s.iden_no"
        return join

    def _iden(self) -> str:
        return "COALESCE(u.upper, s.iden_no)" if self.has_upper else "s.iden_no"

    def _store(
        self,
        cursor: Any,
        frame: pl.DataFrame,
        combos: dict[tuple[str, ...], _Combo],
        *,
        region_id: int,
        batch_id: int,
    ) -> tuple[int, dict[int, int]]:
        year = self._year_if_storable(combos)
        if year is None:
            raise self._refusal(cursor, frame, self.check_people(frame, combos))
        self.fiscal_year = year
        known = [c.voucher for c in combos.values() if c.voucher]
        self._lock_vouchers(cursor, [v.payment_id for v in known])
        scope = _Scope(
            batch_id=batch_id,
            year=year,
            months={c.month for c in combos.values() if c.month},
            purposes={v.info.purpose for v in known},
        )
        constants = {"region_id": region_id, "batch_id": batch_id, "fiscal_year": year}
        stored_rows = self._load_while_checking(cursor, frame, combos, constants, scope)
        per_fund: dict[int, int] = {}
        for c in combos.values():
            if c.voucher:
                per_fund[c.voucher.fund_id] = per_fund.get(c.voucher.fund_id, 0) + c.count * (c.xpay_fen or 0)
        return stored_rows, per_fund

    def _year_if_storable(self, combos: dict[tuple[str, ...], _Combo]) -> int | None:
        """The budget year of the file's vouchers when its combinations let it be stored (every cell right,
        every voucher known and not overspent, one year); None when the file must be refused."""
        if not all(c.ok and c.voucher for c in combos.values()):
            return None
        sums: dict[str, int] = {}
        for key, c in combos.items():
            sums[key[3]] = sums.get(key[3], 0) + c.count * (c.xpay_fen or 0)
        if any(
            self.vouchers[n].info.paid_out + total > self.vouchers[n].info.xpay_amt
            for n, total in sums.items()
        ):
            return None
        years = {c.voucher.info.fiscal_year for c in combos.values() if c.voucher}
        return years.pop() if len(years) == 1 else None

    def _load_while_checking(
        self,
        cursor: Any,
        frame: pl.DataFrame,
        combos: dict[tuple[str, ...], _Combo],
        constants: Mapping[str, object],
        scope: _Scope,
    ) -> int:
        """Load the rows while a helper thread checks each person's cells and the duplicates within the file: the
        database and the checks work on different cores. Anything wrong rolls the load back, and the file is
        refused with every problem; 证件号码 polars upper-cased otherwise than the domain's rule are loaded again."""
        kinds = self._kinds(combos)
        with ThreadPoolExecutor(max_workers=1) as helper:
            people = helper.submit(self.check_people, frame, combos)
            upper: dict[str, str] | None = None  # None: polars' upper case, checked against the domain's
            in_file = helper.submit(self._repeats_in_file, frame, kinds, upper)
            while True:
                try:
                    with transaction.atomic():
                        self.progress("写入", 0, frame.height)
                        stored_rows = self._insert(cursor, frame, kinds, constants, upper)
                        checked = people.result()
                        if not checked.rows_clean or in_file.result():
                            raise _Refused
                        if upper is None and not checked.upper_agrees:
                            upper = {n: u for (n, _), (_, u, _) in checked.ids.items()}
                            in_file = helper.submit(self._repeats_in_file, frame, kinds, upper)
                            raise _Again
                        if self._repeats_stored(cursor, scope):
                            raise _Refused
                except _Again:
                    continue
                except _Refused:
                    raise self._refusal(cursor, frame, people.result()) from None
                return stored_rows

    def _refusal(self, cursor: Any, frame: pl.DataFrame, checked: _Checked) -> InvalidInput:
        """Every problem of the file, found by SQL over the staged rows."""
        self._stage(cursor, frame)
        self._write_combos(cursor, checked)
        return InvalidInput(self.diagnose(cursor, checked))

    @staticmethod
    def _same_upper(domain_upper: Mapping[str, str]) -> bool:
        """Did polars upper-case every 证件号码 as the domain's rule does?"""
        numbers = list(domain_upper)
        ours = pl.Series(numbers, dtype=pl.String).str.to_uppercase().to_list()
        return ours == [domain_upper[n] for n in numbers]

    @staticmethod
    def _repeats_in_file(frame: pl.DataFrame, kinds: pl.DataFrame, upper: Mapping[str, str] | None) -> bool:
        """Do two rows share the natural key (证件号码 as stored, month and purpose as their kind gives them)?"""
        keyed = frames.keyed_rows(frame, kinds, KEYS, upper=upper).select(NATURAL_KEY)
        return frames.duplicated_keys(keyed, NATURAL_KEY)

    @staticmethod
    def _kinds(combos: dict[tuple[str, ...], _Combo]) -> pl.DataFrame:
        """Each kind of row — a combination of the ``KEYS`` (columns k0…k5) — with its ``kind`` number and the
        columns it gives every row of its kind (codes, fen, voucher, purpose)."""
        return pl.DataFrame(
            [
                (
                    *key,
                    n,
                    c.voucher.payment_id if c.voucher else None,
                    c.voucher.info.purpose if c.voucher else None,
                    key[3],
                    c.type_code,
                    c.family,
                    c.pay_fen,
                    c.xpay_fen,
                    c.month,
                )
                for n, (key, c) in enumerate(combos.items())
            ],
            schema={
                **dict.fromkeys(frames.kind_keys(KEYS), pl.String),
                frames.KIND: pl.Int64,
                "payment_id": pl.Int64,
                "purpose": pl.String,
                "pay_cert_no": pl.String,
                "iden_type": pl.String,
                "to_peop_family": pl.String,
                "pay_amt": pl.Int64,
                "xpay_amt": pl.Int64,
                "pay_month": pl.String,
            },
            orient="row",
        )

    def _lock_vouchers(self, cursor: Any, payment_ids: list[int]) -> None:
        """Payouts carry no database foreign key to their voucher (checked row by row it would cost seconds
        per million rows): the vouchers are locked against deletion until the import commits, and every
        payout import waits for the one before it, so that the duplicate check sees its rows."""
        if self.vendor != "postgresql":
            return  # SQLite has one writer at a time
        lock_payout_writers()
        cursor.execute(
            "SELECT id FROM ledger_payment WHERE id = ANY(%s) ORDER BY id FOR KEY SHARE", [payment_ids]
        )

    def _repeats_stored(self, cursor: Any, scope: _Scope) -> bool:
        """Does a stored row repeat the natural key of a row just stored? Only other payout batches of the year
        and payouts without a batch (the demo's faults) can hold one, and only in the file's months and purposes.
        No unique index holds this rule (it would cost seconds per million rows loaded): the importer checks it,
        alone among the writers of payouts (``lock_payout_writers``; SQLite has one writer anyway).

        Written ``batch_id IS NULL`` as the partial index disb_not_imported is: SQLite uses a partial index only
        for the same expression."""
        batch_id, year = scope.batch_id, scope.year
        cursor.execute(
            """SELECT id FROM ledger_importbatch WHERE kind = 'disbursements' AND status = 'done'
                AND fiscal_year = %s AND id <> %s""",
            [year, batch_id],
        )
        others = [r[0] for r in cursor.fetchall()]
        cursor.execute(
            "SELECT 1 FROM ledger_disbursement WHERE batch_id IS NULL AND fiscal_year = %s LIMIT 1",
            [year],
        )
        strays = cursor.fetchone() is not None
        if not others and not strays:
            return False
        within = [f"o.batch_id IN ({', '.join(['%s'] * len(others))})"] if others else []
        if strays:
            within.append("o.batch_id IS NULL")
        where = f"o.fiscal_year = %s AND ({' OR '.join(within)})"
        months, purposes = sorted(scope.months), sorted(scope.purposes)
        if self.vendor == "postgresql":
            # A set operation, hashed (or sorted), never a loop over both sides: the new rows have no statistics
            # yet, and a join would be planned as if they were one.
            cursor.execute(
                f"""SELECT 1 FROM (
                        SELECT iden_no, pay_month, purpose FROM ledger_disbursement WHERE batch_id = %s
                        INTERSECT
                        SELECT iden_no, pay_month, purpose FROM ledger_disbursement o
                        WHERE {where} AND o.pay_month = ANY(%s) AND o.purpose = ANY(%s)) repeated
                    LIMIT 1""",
                [batch_id, year, *others, months, purposes],
            )
            return cursor.fetchone() is not None
        # SQLite joins only through indexes: each stored row of those batches (found through disb_batch) looks
        # its number up in an index on the new rows, built now by one sort.
        cursor.execute(f"CREATE INDEX IF NOT EXISTS temp.{ROWS}_iden ON {ROWS} (iden_no)")
        cursor.execute(
            f"""SELECT 1 FROM ledger_disbursement o CROSS JOIN {ROWS} r CROSS JOIN {KINDS} k
                WHERE {where} AND r.iden_no = o.iden_no AND k.kind = r.kind
                  AND k.pay_month = o.pay_month AND k.purpose = o.purpose
                  AND o.pay_month IN ({", ".join(["%s"] * len(months))})
                  AND o.purpose IN ({", ".join(["%s"] * len(purposes))})
                LIMIT 1""",
            [year, *others, *months, *purposes],
        )
        return cursor.fetchone() is not None

    def _insert(
        self,
        cursor: Any,
        frame: pl.DataFrame,
        kinds: pl.DataFrame,
        constants: Mapping[str, object],
        upper: Mapping[str, str] | None,
    ) -> int:
        """The rows in one bulk load, in file order; returns how many."""
        texts = [t for t in ("per_name", *OPTIONAL) if t in frame.columns]
        if self.vendor == "postgresql":
            self._copy(cursor, frame, kinds, constants, upper, texts)
        else:
            self._insert_select(cursor, frame, kinds, constants, upper, texts)
        return frame.height

    def _copy(
        self,
        cursor: Any,
        frame: pl.DataFrame,
        kinds: pl.DataFrame,
        constants: Mapping[str, object],
        upper: Mapping[str, str] | None,
        texts: list[str],
    ) -> None:
        """PostgreSQL: one COPY, each chunk of rows built and written as CSV by a helper thread while the
        database reads the last; ids from one block of the sequence, so that the load evaluates no default."""
        total, first = frame.height, self._reserve_ids(cursor, frame.height)

        def build(part: pl.DataFrame, start: int) -> pl.DataFrame:
            return frames.full_rows(
                part,
                kinds,
                KEYS,
                first_id=first + start,
                constants=constants,
                upper=upper,
                limits=rules.MAX_LENGTHS,
                texts=texts,
            )

        columns = build(frame.head(0), 0).columns
        not_null = ", ".join(c for c in columns if c in ("iden_no", *texts))
        copy_sql = (
            f"COPY ledger_disbursement ({', '.join(columns)}) FROM STDIN "
            f"WITH (FORMAT csv, FORCE_NOT_NULL ({not_null}))"
        )
        with cursor.cursor.copy(copy_sql) as copy:
            chunks = frames.csv_chunks(frame, COPY_ROWS, build, first=FIRST_COPY_ROWS)
            for done, chunk in frames.prefetched(chunks):
                copy.write(chunk)
                self.progress("写入", done, total)

    def _insert_select(
        self,
        cursor: Any,
        frame: pl.DataFrame,
        kinds: pl.DataFrame,
        constants: Mapping[str, object],
        upper: Mapping[str, str] | None,
        texts: list[str],
    ) -> None:
        """SQLite: what varies per row into a temporary table, then one INSERT … SELECT adds the rest from the
        kinds (binding 20 parameters per row from Python costs more than the join)."""
        total, raw = frame.height, cursor.cursor
        rows = frames.stored_rows(frame, kinds, KEYS, upper=upper, limits=rules.MAX_LENGTHS, texts=texts)
        kind_columns = [c for c in kinds.columns if c not in frames.kind_keys(KEYS)]
        kind_values = [c for c in kind_columns if c != frames.KIND]
        varying = [c for c in rows.columns if c not in (frames.ROW_NO, frames.KIND)]
        cursor.execute(f"DROP TABLE IF EXISTS {self.t(ROWS)}")
        cursor.execute(f"DROP TABLE IF EXISTS {self.t(KINDS)}")
        cursor.execute(
            f"CREATE TEMP TABLE {ROWS} (row_no INTEGER PRIMARY KEY, kind integer, {', '.join(varying)})"
        )
        cursor.execute(f"CREATE TEMP TABLE {KINDS} (kind INTEGER PRIMARY KEY, {', '.join(kind_values)})")
        _insert_rows(raw, KINDS, len(kind_columns), kinds.select(kind_columns).rows())
        for done, records in _chunks(rows.iter_rows(), CHUNK):
            _insert_rows(raw, ROWS, rows.width, records)
            self.progress("写入", done // 2, total)
        names = [*varying, *kind_values, *constants]
        cursor.execute(
            f"""INSERT INTO ledger_disbursement (row_no, {", ".join(names)})
                SELECT r.row_no, {", ".join(f"r.{t}" for t in varying)}, {", ".join(f"k.{c}" for c in kind_values)},
                    {", ".join(["%s"] * len(constants))}
                FROM {ROWS} r JOIN {KINDS} k ON k.kind = r.kind ORDER BY r.row_no""",
            list(constants.values()),
        )
        self.progress("写入", total, total)

    @staticmethod
    def _reserve_ids(cursor: Any, count: int) -> int:
        """The first of ``count`` consecutive ids taken from the payout table's sequence at once. Safe because
        every writer of payouts holds ``PAYOUT_IMPORT_LOCK`` (``lock_payout_writers``)."""
        cursor.execute("SELECT pg_get_serial_sequence('ledger_disbursement', 'id')")
        (sequence,) = cursor.fetchone()
        cursor.execute("SELECT nextval(%s)", [sequence])
        (first,) = cursor.fetchone()
        if count > 1:
            cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
        return int(first)

    # --- problems ------------------------------------------------------------------------------------------------

    def _listed(
        self, cursor: Any, sql: str, params: Sequence[object] = ()
    ) -> tuple[list[tuple[Any, ...]], int]:
        """The first ``cap`` rows of a query ordered by row_no (first column), and how many there are in all."""
        cursor.execute(
            f"SELECT * FROM (SELECT q.*, count(*) OVER () AS n FROM ({sql}) q) r ORDER BY 1 LIMIT %s",
            [*params, self.cap],
        )
        rows = cursor.fetchall()
        return [r[:-1] for r in rows], (rows[0][-1] if rows else 0)

    def _more(self, problems: list[Problem], code: str, column: str, count: int) -> None:
        if count > self.cap:
            problems.append(
                rules.more_problems(code, column, count - self.cap, sheet=self.sheet, cap=self.cap)
            )

    def diagnose(self, cursor: Any, checked: _Checked) -> list[Problem]:
        """Every problem of the file (the first ``cap`` per rule and column), in order."""
        problems: list[Problem] = []
        self._row_problems(cursor, checked, problems)
        self._valid_rows(cursor, checked)
        self._voucher_problems(cursor, problems)
        return sorted(problems, key=rules.problem_order)

    def _row_problems(self, cursor: Any, checked: _Checked, problems: list[Problem]) -> None:
        by_rule = _by_rule((key, combo.findings) for key, combo in checked.combos.items())
        cursor.execute(f"DROP TABLE IF EXISTS {self.t(BAD_COMBOS)}")
        keys = ", ".join(f"k{i} text" for i in range(len(KEYS)))
        cursor.execute(f"CREATE TEMP TABLE {BAD_COMBOS} (rule integer, {keys})")
        rule_list = list(by_rule)
        cursor.executemany(
            f"INSERT INTO {BAD_COMBOS} VALUES (%s{', %s' * len(KEYS)})",
            [(i, *key) for i, rule in enumerate(rule_list) for key in by_rule[rule]],
        )
        self._analyze(cursor, BAD_COMBOS)
        on = " AND ".join(f"b.k{i} = s.{k}" for i, k in enumerate(KEYS))
        for i, rule in enumerate(rule_list):
            rows, count = self._listed(
                cursor,
                f"SELECT s.row_no, {', '.join(f's.{k}' for k in KEYS)} FROM {STAGING} s "
                f"JOIN {BAD_COMBOS} b ON b.rule = %s AND {on}",
                [i],
            )
            for row_no, *cells in rows:
                problems.append(
                    by_rule[rule][tuple(cells)].at(sheet=self.sheet, row=row_no, titles=self.titles)
                )
            self._more(problems, rule[0], self._title(rule[1]), count)
        # 证件号码
        id_rules = _by_rule((pair, findings) for pair, (_, _, findings) in checked.ids.items())
        cursor.execute(f"DROP TABLE IF EXISTS {self.t(BAD_IDS)}")
        cursor.execute(f"CREATE TEMP TABLE {BAD_IDS} (rule integer, iden_no text, iden_type text)")
        cursor.execute(f"CREATE INDEX {BAD_IDS}_pair ON {BAD_IDS} (iden_no, iden_type)")
        id_list = list(id_rules)
        cursor.executemany(
            f"INSERT INTO {BAD_IDS} VALUES (%s, %s, %s)",
            [(i, *pair) for i, rule in enumerate(id_list) for pair in id_rules[rule]],
        )
        self._analyze(cursor, BAD_IDS)
        for i, rule in enumerate(id_list):
            rows, count = self._listed(
                cursor,
                f"SELECT s.row_no, s.iden_no, s.iden_type FROM {STAGING} s JOIN {BAD_IDS} b "
                "ON b.rule = %s AND b.iden_no = s.iden_no AND b.iden_type = s.iden_type",
                [i],
            )
            for row_no, number, kind in rows:
                problems.append(
                    id_rules[rule][(number, kind)].at(sheet=self.sheet, row=row_no, titles=self.titles)
                )
            self._more(problems, rule[0], self._title(rule[1]), count)
        # 姓名
        if checked.empty_names:
            rows, count = self._listed(cursor, f"SELECT row_no FROM {STAGING} WHERE per_name = ''")
            required = rules.Finding("REQUIRED", "per_name", "必填项为空")
            problems += [required.at(sheet=self.sheet, row=r, titles=self.titles) for (r,) in rows]
            self._more(problems, "REQUIRED", self._title("per_name"), count)
        # 证件号码 stored as a spreadsheet number
        floats = checked.float_rows
        problems += [
            rules.ID_AS_NUMBER.at(sheet=self.sheet, row=r, titles=self.titles) for r in floats[: self.cap]
        ]
        self._more(problems, rules.ID_AS_NUMBER.code, self._title("iden_no"), len(floats))
        cursor.execute(f"DROP TABLE IF EXISTS {self.t(FLOATS)}")
        cursor.execute(f"CREATE TEMP TABLE {FLOATS} (row_no integer PRIMARY KEY)")
        cursor.executemany(f"INSERT INTO {FLOATS} VALUES (%s)", [(r,) for r in floats])
        self._analyze(cursor, FLOATS)

    def _analyze(self, cursor: Any, table: str) -> None:
        """Statistics for a small temporary table PostgreSQL joins a large one with (else it guesses, badly)."""
        if self.vendor == "postgresql":
            cursor.execute(f"ANALYZE {table}")

    def _title(self, element: str) -> str:
        return self.titles.get(element) or rules.TITLES[element]

    def _valid_rows(self, cursor: Any, checked: _Checked) -> None:
        """The rows the reference turns into records (no problem of their own), with what the rules need."""
        cursor.execute(f"DROP TABLE IF EXISTS {self.t(VALID)}")
        cursor.execute(
            f"""CREATE TEMP TABLE {VALID} AS
                SELECT s.row_no, {self._iden()} AS iden_no, c.month, s.pay_cert_no, c.purpose, c.fiscal_year,
                       c.xpay_fen, c.payment_id
                FROM {self._join()}
                WHERE c.ok = 1 AND s.per_name <> ''
                  AND NOT EXISTS (SELECT 1 FROM {BAD_IDS} b WHERE b.iden_no = s.iden_no AND b.iden_type = s.iden_type)
                  AND NOT EXISTS (SELECT 1 FROM {FLOATS} f WHERE f.row_no = s.row_no)"""
        )

    def _voucher_problems(self, cursor: Any, problems: list[Problem]) -> None:
        sheet = self.sheet
        rows, count = self._listed(
            cursor, f"SELECT row_no, pay_cert_no FROM {VALID} WHERE payment_id IS NULL"
        )
        problems += [rules.unknown_voucher(number, row, sheet=sheet) for row, number in rows]
        self._more(problems, "UNKNOWN_VOUCHER", rules.TITLES["pay_cert_no"], count)
        cursor.execute(
            f"""SELECT pay_cert_no, sum(xpay_fen), min(row_no) FROM {VALID} WHERE payment_id IS NOT NULL
                GROUP BY pay_cert_no"""
        )
        for number, total, first in sorted(cursor.fetchall(), key=lambda r: r[2]):
            voucher = self.vouchers[number].info
            if voucher.paid_out + int(total) > voucher.xpay_amt:
                problems.append(rules.overspent(number, voucher, int(total), first, sheet=sheet))
        cursor.execute(f"SELECT count(DISTINCT fiscal_year) FROM {VALID} WHERE payment_id IS NOT NULL")
        if cursor.fetchone()[0] > 1:
            problems.append(rules.mixed_years(sheet=sheet))
        rows, count = self._listed(
            cursor,
            f"""SELECT row_no, first FROM (
                    SELECT row_no, min(row_no) OVER (PARTITION BY iden_no, month, purpose) AS first
                    FROM {VALID} WHERE payment_id IS NOT NULL) d
                WHERE row_no <> first""",
        )
        problems += [rules.duplicate_in_file(row, first, sheet=sheet) for row, first in rows]
        self._more(problems, "DUPLICATE_IN_FILE", rules.TITLES["iden_no"], count)
        rows, count = self._listed(
            cursor,
            self._stored_repeats_sql(cursor),
        )
        problems += [rules.stored_duplicate(row, sheet=sheet) for (row,) in rows]
        self._more(problems, "DUPLICATE_STORED", rules.TITLES["iden_no"], count)

    def _stored_repeats_sql(self, cursor: Any) -> str:
        """The valid rows that repeat a stored payout. PostgreSQL hashes one side; SQLite, which joins only
        through indexes, reads the stored rows once and looks each up in an index on the valid rows."""
        keys = "d.iden_no = v.iden_no AND d.pay_month = v.month AND d.purpose = v.purpose AND d.fiscal_year = v.fiscal_year"
        if self.vendor == "postgresql":
            return f"""SELECT v.row_no FROM {VALID} v WHERE v.payment_id IS NOT NULL
                AND EXISTS (SELECT 1 FROM ledger_disbursement d WHERE {keys})"""
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS temp.{VALID}_key ON {VALID} (iden_no, month, purpose, fiscal_year)"
        )
        return f"""SELECT DISTINCT v.row_no FROM ledger_disbursement d CROSS JOIN {VALID} v
            WHERE {keys} AND v.payment_id IS NOT NULL"""


def _by_rule(
    found: Iterable[tuple[tuple[str, ...], rules.Findings]],
) -> dict[tuple[str, str], dict[tuple[str, ...], rules.Finding]]:
    """(code, element) → the distinct values that break that rule, with the finding of each."""
    by_rule: dict[tuple[str, str], dict[tuple[str, ...], rules.Finding]] = {}
    for key, findings in found:
        for finding in findings:
            by_rule.setdefault((finding.code, finding.element), {})[key] = finding
    return by_rule


def _insert_rows(raw: sqlite3.Cursor, table: str, width: int, records: Sequence[Sequence[Any]]) -> None:
    """SQLite: ``records`` into ``table``, ``ROWS_PER_INSERT`` to a statement (a third faster than one row to a
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


def _chunks(items: Iterable[Any], size: int) -> Iterator[tuple[int, list[Any]]]:
    iterator, done = iter(items), 0
    while chunk := list(itertools.islice(iterator, size)):
        done += len(chunk)
        yield done, chunk
