"""The set-based payout import: stage the rows, check each distinct value once and find rows in SQL, store the
file with one INSERT … SELECT. Everything runs inside the caller's transaction: a refusal leaves nothing behind.

1. **Stage.** A temporary all-text table of the import: ``row_no`` and one column per recognised element (plus
   any other non-empty column, so that a blank row is known as such). PostgreSQL COPYs a clean CSV as it is and
   SQLite executemany's its records; XLSX and CSV that need cleaning are cleaned column by column (each distinct
   value once) and then loaded the same way.
2. **Check.** Every distinct combination of the low-cardinality cells (证件类型, 补助方式, 发放月份, 支付凭证号,
   应发, 实发) and every distinct (证件号码, 证件类型), with their counts: two GROUP BYs after COPY, a Counter when
   the rows passed through Python anyway. The domain's cell rules run once per distinct value
   (``jiuzhu.domain.disbursements``: the same functions the row-by-row reference uses).
   When nothing is wrong — the usual case — Σ实发 per voucher and the budget year follow from the combinations,
   and duplicates are left to the unique index on the natural key, which the INSERT has to maintain anyway.
   When something is wrong, SQL lists the rows of each rule (the first ``PROBLEM_CAP``, with the count of the
   rest) and the cross-row rules run over the valid rows, as the reference does.
3. **Store.** One INSERT … SELECT joining the combinations (codes, fen, payment, purpose), in the order staged.
   (Ordering it by the natural key was measured: the sort costs what the index saves.)

SQL is built from this module's constant table names and the header's element names only (never from the
file's text); values are always parameters.
"""
# ruff: noqa: S608

import itertools
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from django.db import IntegrityError, connection, transaction

from jiuzhu.core.errors import InvalidInput
from jiuzhu.domain import disbursements as rules
from jiuzhu.domain.problems import Problem

from .io.readers import PayoutRows

STAGING = "ledger_payout_staging"
COMBOS = "ledger_payout_combos"
UPPER = "ledger_payout_upper"
BAD_COMBOS = "ledger_payout_bad_combos"
BAD_IDS = "ledger_payout_bad_ids"
FLOATS = "ledger_payout_floats"
VALID = "ledger_payout_valid"
TEMPORARY = (STAGING, COMBOS, UPPER, BAD_COMBOS, BAD_IDS, FLOATS, VALID)
#: The cells whose distinct combinations are checked together (few per file: codes, months, vouchers, amounts).
KEYS = ("iden_type", "to_peop_family", "pay_month", "pay_cert_no", "pay_amt", "xpay_amt")
OPTIONAL = ("town_code", "town_name", "village_code", "village_name", "add_word", "pro_code")
CHUNK = 50_000
COPY_CHUNK = 8 << 20
#: SQLite's page cache during an import (KiB): the natural-key index of a large file is filled at random.
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
class _Counts:
    """The distinct values the rules look at, and how many rows have each."""

    combos: Mapping[tuple[str, ...], int]
    """``KEYS`` values → rows."""
    ids: Mapping[tuple[str, str], int]
    """(证件号码, 证件类型) → rows."""
    empty_names: int
    """Rows without 姓名."""


@dataclass
class _Checked:
    combos: dict[tuple[str, ...], _Combo]
    ids: dict[tuple[str, str], tuple[int, str, rules.Findings]]
    """(证件号码, 证件类型) as staged → (rows, upper-case number, findings)."""
    empty_names: int
    float_rows: list[int]

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


class _Irregular(Exception):
    """A CSV whose records do not all have the header's width."""


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

    # --- helpers -----------------------------------------------------------------------------------------------

    def t(self, name: str) -> str:
        return _q(self.vendor, name)

    def col(self, element: str, alias: str = "s") -> str:
        return f"{alias}.{element}" if element in self.names else "''"

    def _drop(self, cursor: Any) -> None:
        for name in TEMPORARY:
            cursor.execute(f"DROP TABLE IF EXISTS {self.t(name)}")

    # --- 1. stage ------------------------------------------------------------------------------------------------

    def _create(self, cursor: Any, names: Sequence[str], *, identity: bool) -> None:
        self.names = list(names)
        columns = ", ".join(f"{n} text" for n in names)
        if self.vendor == "postgresql":
            row_no = f"row_no integer GENERATED BY DEFAULT AS IDENTITY (START WITH {self.rows.first_row})"
            cursor.execute(f"DROP TABLE IF EXISTS {self.t(STAGING)}")
            cursor.execute(
                f"CREATE TEMP TABLE {STAGING} ({row_no if identity else 'row_no integer'}, {columns})"
            )
        else:
            cursor.execute(f"DROP TABLE IF EXISTS {self.t(STAGING)}")
            cursor.execute(f"CREATE TEMP TABLE {STAGING} (row_no INTEGER PRIMARY KEY, {columns})")

    def stage(self, cursor: Any) -> _Counts | None:
        """Load the staging table; the counts of distinct values too when the rows pass through Python."""
        if self.rows.clean_csv is not None:
            try:
                with transaction.atomic():
                    return self._stage_clean_csv(cursor)
            except (psycopg.errors.DataError, _Irregular):
                pass  # irregular rows (a blank line, a short row): clean it column by column instead
        names, columns = self.rows.columns()
        self._create(cursor, names, identity=False)
        self._load_columns(cursor, columns)
        column = dict(zip(names, columns, strict=True))
        return _Counts(
            combos=Counter(zip(*(column[k] for k in KEYS), strict=True)),
            ids=Counter(zip(column["iden_no"], column["iden_type"], strict=True)),
            empty_names=column["per_name"].count(""),
        )

    def _stage_clean_csv(self, cursor: Any) -> _Counts | None:
        body, total = self.rows.clean_csv, self.rows.rows
        assert body is not None
        self._create(cursor, self.rows.names, identity=True)
        names = ", ".join(self.names)
        raw = cursor.cursor
        if self.vendor == "postgresql":
            sql = f"COPY {STAGING} ({names}) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL ({names}))"
            with raw.copy(sql) as copy:
                for start in range(0, len(body), COPY_CHUNK):
                    copy.write(body[start : start + COPY_CHUNK])
                    self.progress("暂存", min(total, total * (start + COPY_CHUNK) // len(body)), total)
            return None
        # SQLite numbers the rows itself (INTEGER PRIMARY KEY): a first row at first_row - 1, removed after.
        # The records stream from the csv reader (a list of a million would cost ~600 MB); SQL counts them.
        sentinel = self.rows.first_row - 1
        raw.execute(f"INSERT INTO {STAGING} (row_no) VALUES (?)", [sentinel])
        sql = f"INSERT INTO {STAGING} ({names}) VALUES ({', '.join('?' * len(self.names))})"
        try:
            for done, chunk in _chunks(self.rows.csv_records(), CHUNK):
                sqlite3.Cursor.executemany(raw, sql, chunk)
                self.progress("暂存", done, total)
        except sqlite3.ProgrammingError as exc:  # a record of another width
            raise _Irregular from exc
        raw.execute(f"DELETE FROM {STAGING} WHERE row_no = ?", [sentinel])
        return None

    def _load_columns(self, cursor: Any, columns: list[list[str]]) -> None:
        first, total = self.rows.first_row, self.rows.rows
        raw = cursor.cursor
        if self.vendor == "postgresql":
            lines = map(
                "\t".join, zip(map(str, range(first, first + total)), *map(_copy_text, columns), strict=True)
            )
            with raw.copy(f"COPY {STAGING} (row_no, {', '.join(self.names)}) FROM STDIN") as copy:
                for done, chunk in _chunks(lines, CHUNK):
                    copy.write("\n".join(chunk) + "\n")
                    self.progress("暂存", done, total)
            return
        sql = f"INSERT INTO {STAGING} VALUES (?{', ?' * len(self.names)})"
        for done, chunk in _chunks(zip(range(first, first + total), *columns, strict=True), CHUNK):
            sqlite3.Cursor.executemany(raw, sql, chunk)
            self.progress("暂存", done, total)

    # --- 2. check ------------------------------------------------------------------------------------------------

    def _counted(self, cursor: Any) -> _Counts:
        """The counts from SQL (PostgreSQL's COPY left the rows in the database only)."""
        keys = ", ".join(KEYS)
        cursor.execute(
            f"""SELECT {keys}, count(*), sum(CASE WHEN per_name = '' THEN 1 ELSE 0 END)
                FROM {STAGING} GROUP BY {keys}"""
        )
        rows = cursor.fetchall()
        combos = {tuple(r[: len(KEYS)]): r[len(KEYS)] for r in rows}
        cursor.execute(f"SELECT iden_no, iden_type, count(*) FROM {STAGING} GROUP BY iden_no, iden_type")
        ids = {(number, kind): n for number, kind, n in cursor.fetchall()}
        return _Counts(combos, ids, empty_names=sum(int(r[-1] or 0) for r in rows))

    def _without_blank_rows(self, cursor: Any, counts: _Counts | None) -> _Counts:
        """Blank rows are skipped (and keep their numbers): only a row with all KEYS empty can be one."""
        counts = counts or self._counted(cursor)
        if any(not any(key) for key in counts.combos):
            blank = " AND ".join(f"{name} = ''" for name in self.names)
            cursor.execute(f"DELETE FROM {STAGING} WHERE {blank}")
            if cursor.rowcount:
                return self._counted(cursor)
        return counts

    def check(self, cursor: Any, counts: _Counts | None = None) -> _Checked:
        counts = self._without_blank_rows(cursor, counts)
        values = _Values()
        combos: dict[tuple[str, ...], _Combo] = {}
        for key, count in counts.combos.items():
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
        ids: dict[tuple[str, str], tuple[int, str, rules.Findings]] = {}
        for (number, kind), count in counts.ids.items():
            upper, findings = rules.check_id(number, values.code("iden_type", kind)[0])
            ids[(number, kind)] = (count, upper, findings)
        return _Checked(combos, ids, empty_names=counts.empty_names, float_rows=list(self.rows.float_rows))

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
                counts = self.stage(cursor)
                self.progress("校验", 0, rows)
                checked = self.check(cursor, counts)
                if not checked.combos:
                    raise InvalidInput([rules.empty_file(self.sheet)])
                total = self._store(cursor, checked, region_id=region_id, batch_id=batch_id)
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
        self, cursor: Any, checked: _Checked, *, region_id: int, batch_id: int
    ) -> tuple[int, dict[int, int]]:
        self._write_combos(cursor, checked)
        if not checked.rows_clean:
            raise InvalidInput(self.diagnose(cursor, checked))
        known = [c for c in checked.combos.values() if c.voucher]
        sums: dict[str, int] = {}
        for key, c in checked.combos.items():
            if c.voucher:
                sums[key[3]] = sums.get(key[3], 0) + c.count * (c.xpay_fen or 0)
        years = {c.voucher.info.fiscal_year for c in known if c.voucher}
        overspent = any(
            self.vouchers[n].info.paid_out + total > self.vouchers[n].info.xpay_amt
            for n, total in sums.items()
        )
        if len(known) < len(checked.combos) or overspent or len(years) > 1:
            raise InvalidInput(self.diagnose(cursor, checked))
        (year,) = years
        if self._stored_not_imported(cursor, year):  # rows the unique index does not cover
            raise InvalidInput(self.diagnose(cursor, checked))
        rows = sum(c.count for c in checked.combos.values())
        self.progress("校验", rows, rows)
        self.progress("写入", 0, rows)
        try:
            with transaction.atomic():
                stored_rows = self._insert(cursor, region_id=region_id, batch_id=batch_id)
        except IntegrityError:
            problems = self.diagnose(cursor, checked)
            if problems:
                raise InvalidInput(problems) from None
            raise
        per_fund: dict[int, int] = {}
        for c in known:
            assert c.voucher is not None
            per_fund[c.voucher.fund_id] = per_fund.get(c.voucher.fund_id, 0) + c.count * (c.xpay_fen or 0)
        return stored_rows, per_fund

    def _stored_not_imported(self, cursor: Any, year: int) -> bool:
        """Does the file repeat a stored payout that did not come from an import (the demo's faults)?

        Written ``NOT (origin = 'import')`` as the partial index disb_not_imported is: SQLite uses a partial index
        only for the same expression (``origin <> 'import'`` scans the table)."""
        cursor.execute(
            "SELECT 1 FROM ledger_disbursement WHERE NOT (origin = 'import') AND fiscal_year = %s LIMIT 1",
            [year],
        )
        if cursor.fetchone() is None:
            return False
        cursor.execute(
            f"""SELECT 1 FROM {self._join()} WHERE EXISTS (
                    SELECT 1 FROM ledger_disbursement d WHERE NOT (d.origin = 'import') AND d.fiscal_year = %s
                    AND d.iden_no = {self._iden()} AND d.pay_month = c.month AND d.purpose = c.purpose)
                LIMIT 1""",
            [year],
        )
        return cursor.fetchone() is not None

    def _insert(self, cursor: Any, *, region_id: int, batch_id: int) -> int:
        def text(element: str) -> str:
            if element not in self.names:
                return "''"
            limit = rules.MAX_LENGTHS.get(element)
            return f"substr(s.{element}, 1, {limit})" if limit else f"s.{element}"

        optional = ", ".join(text(e) for e in OPTIONAL)
        iden = self._iden()
        cursor.execute(
            f"""INSERT INTO ledger_disbursement (row_no, payment_id, purpose, pay_cert_no, per_name, iden_type,
                    iden_no, to_peop_family, pay_amt, xpay_amt, pay_month, {", ".join(OPTIONAL)},
                    region_id, batch_id, origin, fiscal_year)
                SELECT s.row_no, c.payment_id, c.purpose, s.pay_cert_no, {text("per_name")}, c.type_code,
                    {iden}, c.family, c.pay_fen, c.xpay_fen, c.month, {optional},
                    %s, %s, 'import', c.fiscal_year
                FROM {self._join()}""",
            [region_id, batch_id],
        )
        stored: int = cursor.rowcount
        self.progress("写入", stored, stored)
        return stored

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
        by_rule: dict[tuple[str, str], dict[tuple[str, ...], rules.Finding]] = {}
        counts: dict[tuple[str, str], int] = {}
        for key, combo in checked.combos.items():
            for finding in combo.findings:
                rule = (finding.code, finding.element)
                by_rule.setdefault(rule, {})[key] = finding
                counts[rule] = counts.get(rule, 0) + combo.count
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
        id_rules: dict[tuple[str, str], dict[tuple[str, str], rules.Finding]] = {}
        id_counts: dict[tuple[str, str], int] = {}
        for pair, (count, _, findings) in checked.ids.items():
            for finding in findings:
                rule = (finding.code, finding.element)
                id_rules.setdefault(rule, {})[pair] = finding
                id_counts[rule] = id_counts.get(rule, 0) + count
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
            # two EXISTS: the first can use the unique index of imported payouts, the second the small one of
            # the others
            f"""SELECT v.row_no FROM {VALID} v WHERE v.payment_id IS NOT NULL AND (EXISTS (
                    SELECT 1 FROM ledger_disbursement d WHERE d.origin = 'import' AND d.iden_no = v.iden_no
                    AND d.pay_month = v.month AND d.purpose = v.purpose AND d.fiscal_year = v.fiscal_year)
                OR EXISTS (
                    SELECT 1 FROM ledger_disbursement d WHERE NOT (d.origin = 'import') AND d.iden_no = v.iden_no
                    AND d.pay_month = v.month AND d.purpose = v.purpose AND d.fiscal_year = v.fiscal_year))""",
        )
        problems += [rules.stored_duplicate(row, sheet=sheet) for (row,) in rows]
        self._more(problems, "DUPLICATE_STORED", rules.TITLES["iden_no"], count)


def _copy_text(column: list[str]) -> Iterable[str]:
    """A column for COPY's text format: backslash, tab and line ends escaped (only if there are any)."""
    joined = "\x00".join(column)
    if not any(ch in joined for ch in "\\\t\n\r"):
        return column
    table = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
    escaped = {v: v.translate(table) for v in set(column)}
    return [escaped[v] for v in column]


def _chunks(items: Iterable[Any], size: int) -> Iterator[tuple[int, list[Any]]]:
    iterator, done = iter(items), 0
    while chunk := list(itertools.islice(iterator, size)):
        done += len(chunk)
        yield done, chunk
