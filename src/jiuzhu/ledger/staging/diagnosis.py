"""The diagnosis of a refused file: the frame is staged into a temporary all-text table and SQL lists the rows of
each rule (the first ``cap``, with the count of the rest); the cross-row rules (vouchers, Σ实发, one year,
duplicates) run over the valid rows, as the row-by-row reference does. Every problem of the file at once."""

# ruff: noqa: S608

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from jiuzhu.core.errors import InvalidInput
from jiuzhu.domain import payout_cells, payout_columns, payout_problems
from jiuzhu.domain.problems import Problem

from .. import frames
from .base import BAD_COMBOS, BAD_IDS, COMBOS, FLOATS, STAGING, UPPER, VALID, Backend
from .checks import KEYS, Checked, Voucher, by_rule


class Diagnosis:
    def __init__(
        self,
        db: Backend,
        *,
        sheet: str,
        titles: Mapping[str, str],
        vouchers: Mapping[str, Voucher],
        cap: int,
    ) -> None:
        self.db, self.sheet, self.titles, self.vouchers, self.cap = db, sheet, titles, vouchers, cap
        self.has_upper = False

    def refusal(self, cursor: Any, frame: pl.DataFrame, checked: Checked) -> InvalidInput:
        """Every problem of the file, found by SQL over the staged rows."""
        names = [n for n in frame.columns if n != frames.ROW_NO]
        self.db.stage(cursor, frame.select(frames.ROW_NO, *names), names)
        self.db.analyze(cursor, STAGING)
        self._write_combos(cursor, checked)
        return InvalidInput(self.problems(cursor, checked))

    def problems(self, cursor: Any, checked: Checked) -> list[Problem]:
        """Every problem of the file (the first ``cap`` per rule and column), in order."""
        problems: list[Problem] = []
        self._row_problems(cursor, checked, problems)
        self._valid_rows(cursor)
        self._voucher_problems(cursor, problems)
        return sorted(problems, key=payout_problems.problem_order)

    # --- the checked values as tables ----------------------------------------------------------------------------

    def _write_combos(self, cursor: Any, checked: Checked) -> None:
        cursor.execute(f"DROP TABLE IF EXISTS {self.db.temp(COMBOS)}")
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
        cursor.execute(f"DROP TABLE IF EXISTS {self.db.temp(UPPER)}")
        if upper:
            cursor.execute(f"CREATE TEMP TABLE {UPPER} (raw text PRIMARY KEY, upper text)")
            cursor.executemany(f"INSERT INTO {UPPER} VALUES (%s, %s)", list(dict(upper).items()))
        self.has_upper = bool(upper)
        self.db.analyze(cursor, COMBOS)

    def _join(self) -> str:
        on = " AND ".join(f"c.k{i} = s.{k}" for i, k in enumerate(KEYS))
        join = f"{STAGING} s JOIN {COMBOS} c ON {on}"
        if self.has_upper:
            join += f" LEFT JOIN {UPPER} u ON u.raw = s.iden_no"
        return join

    def _iden(self) -> str:
        return "COALESCE(u.upper, s.iden_no)" if self.has_upper else "s.iden_no"

    # --- listing -------------------------------------------------------------------------------------------------

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
                payout_problems.more_problems(code, column, count - self.cap, sheet=self.sheet, cap=self.cap)
            )

    def _title(self, element: str) -> str:
        return self.titles.get(element) or payout_columns.TITLES[element]

    # --- the rows' own problems ----------------------------------------------------------------------------------

    def _row_problems(self, cursor: Any, checked: Checked, problems: list[Problem]) -> None:
        self._combo_problems(cursor, checked, problems)
        self._id_problems(cursor, checked, problems)
        # 姓名
        if checked.empty_names:
            rows, count = self._listed(cursor, f"SELECT row_no FROM {STAGING} WHERE per_name = ''")
            required = payout_cells.CellProblem("REQUIRED", "per_name", "必填项为空")
            problems += [required.at(sheet=self.sheet, row=r, titles=self.titles) for (r,) in rows]
            self._more(problems, "REQUIRED", self._title("per_name"), count)
        # 证件号码 stored as a spreadsheet number
        floats = checked.float_rows
        problems += [
            payout_cells.ID_AS_NUMBER.at(sheet=self.sheet, row=r, titles=self.titles)
            for r in floats[: self.cap]
        ]
        self._more(problems, payout_cells.ID_AS_NUMBER.code, self._title("iden_no"), len(floats))
        cursor.execute(f"DROP TABLE IF EXISTS {self.db.temp(FLOATS)}")
        cursor.execute(f"CREATE TEMP TABLE {FLOATS} (row_no integer PRIMARY KEY)")
        cursor.executemany(f"INSERT INTO {FLOATS} VALUES (%s)", [(r,) for r in floats])
        self.db.analyze(cursor, FLOATS)

    def _combo_problems(self, cursor: Any, checked: Checked, problems: list[Problem]) -> None:
        """证件类型, 补助方式, 发放月份, 支付凭证号, 应发, 实发: the rows of each distinct combination a rule refuses."""
        found = by_rule((key, combo.cell_problems) for key, combo in checked.combos.items())
        cursor.execute(f"DROP TABLE IF EXISTS {self.db.temp(BAD_COMBOS)}")
        keys = ", ".join(f"k{i} text" for i in range(len(KEYS)))
        cursor.execute(f"CREATE TEMP TABLE {BAD_COMBOS} (rule integer, {keys})")
        rule_list = list(found)
        cursor.executemany(
            f"INSERT INTO {BAD_COMBOS} VALUES (%s{', %s' * len(KEYS)})",
            [(i, *key) for i, rule in enumerate(rule_list) for key in found[rule]],
        )
        self.db.analyze(cursor, BAD_COMBOS)
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
                    found[rule][tuple(cells)].at(sheet=self.sheet, row=row_no, titles=self.titles)
                )
            self._more(problems, rule[0], self._title(rule[1]), count)

    def _id_problems(self, cursor: Any, checked: Checked, problems: list[Problem]) -> None:
        """证件号码: the rows of each distinct (number, type) the ID rule refuses."""
        found = by_rule((pair, cell_problems) for pair, (_, _, cell_problems) in checked.ids.items())
        cursor.execute(f"DROP TABLE IF EXISTS {self.db.temp(BAD_IDS)}")
        cursor.execute(f"CREATE TEMP TABLE {BAD_IDS} (rule integer, iden_no text, iden_type text)")
        cursor.execute(f"CREATE INDEX {BAD_IDS}_pair ON {BAD_IDS} (iden_no, iden_type)")
        id_list = list(found)
        cursor.executemany(
            f"INSERT INTO {BAD_IDS} VALUES (%s, %s, %s)",
            [(i, *pair) for i, rule in enumerate(id_list) for pair in found[rule]],
        )
        self.db.analyze(cursor, BAD_IDS)
        for i, rule in enumerate(id_list):
            rows, count = self._listed(
                cursor,
                f"SELECT s.row_no, s.iden_no, s.iden_type FROM {STAGING} s JOIN {BAD_IDS} b "
                "ON b.rule = %s AND b.iden_no = s.iden_no AND b.iden_type = s.iden_type",
                [i],
            )
            for row_no, number, kind in rows:
                problems.append(
                    found[rule][(number, kind)].at(sheet=self.sheet, row=row_no, titles=self.titles)
                )
            self._more(problems, rule[0], self._title(rule[1]), count)

    # --- the cross-row rules over the valid rows -----------------------------------------------------------------

    def _valid_rows(self, cursor: Any) -> None:
        """The rows the reference turns into records (no problem of their own), with what the rules need."""
        cursor.execute(f"DROP TABLE IF EXISTS {self.db.temp(VALID)}")
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
        problems += [payout_problems.unknown_voucher(number, row, sheet=sheet) for row, number in rows]
        self._more(problems, "UNKNOWN_VOUCHER", payout_columns.TITLES["pay_cert_no"], count)
        cursor.execute(
            f"""SELECT pay_cert_no, sum(xpay_fen), min(row_no) FROM {VALID} WHERE payment_id IS NOT NULL
                GROUP BY pay_cert_no"""
        )
        for number, total, first in sorted(cursor.fetchall(), key=lambda r: r[2]):
            voucher = self.vouchers[number].info
            if voucher.paid_out + int(total) > voucher.xpay_amt:
                problems.append(payout_problems.overspent(number, voucher, int(total), first, sheet=sheet))
        cursor.execute(f"SELECT count(DISTINCT fiscal_year) FROM {VALID} WHERE payment_id IS NOT NULL")
        if cursor.fetchone()[0] > 1:
            problems.append(payout_problems.mixed_years(sheet=sheet))
        rows, count = self._listed(
            cursor,
            f"""SELECT row_no, first FROM (
                    SELECT row_no, min(row_no) OVER (PARTITION BY iden_no, month, purpose) AS first
                    FROM {VALID} WHERE payment_id IS NOT NULL) d
                WHERE row_no <> first""",
        )
        problems += [payout_problems.duplicate_in_file(row, first, sheet=sheet) for row, first in rows]
        self._more(problems, "DUPLICATE_IN_FILE", payout_columns.TITLES["iden_no"], count)
        rows, count = self._listed(cursor, self.db.stored_repeats_sql(cursor))
        problems += [payout_problems.stored_duplicate(row, sheet=sheet) for (row,) in rows]
        self._more(problems, "DUPLICATE_STORED", payout_columns.TITLES["iden_no"], count)
