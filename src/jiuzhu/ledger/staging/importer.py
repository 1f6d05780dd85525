"""One payout file's import, in order: frame it, check each distinct value once (``checks``), lock, load the rows
while a helper thread checks each person's cells and the duplicates within the file (the database's own way:
``postgresql`` or ``sqlite``, chosen here once), check the duplicates against stored payouts (``duplicates``),
and when anything is wrong roll the load back and list every problem (``diagnosis``)."""

from collections.abc import Callable, Collection, Mapping
from concurrent.futures import ThreadPoolExecutor

import polars as pl
from django.db import connection, transaction

from jiuzhu.core.errors import InvalidInput
from jiuzhu.domain import payout_problems

from .. import frames
from ..io.readers import PayoutRows
from ..statistics import refresh_after_load
from . import checks, duplicates
from .base import Backend, Load, Progress, Scope, drop_temporary
from .checks import KEYS, OPTIONAL, Combos, Voucher
from .diagnosis import Diagnosis
from .postgresql import PostgreSQL
from .sqlite import SQLite


def backend() -> Backend:
    """The connection's database's way of doing each step."""
    return PostgreSQL() if connection.vendor == "postgresql" else SQLite()


def lock_payout_writers() -> None:
    """Until the transaction ends, be the only writer of payouts (PostgreSQL; SQLite has one writer anyway):
    the duplicate check must see every stored payout, and the importer takes its ids in one block."""
    with connection.cursor() as cursor:
        backend().lock_writers(cursor)


def _numbers(counts: Mapping[tuple[str, ...], int]) -> set[str]:
    """The voucher numbers of the file's distinct combinations."""
    at = KEYS.index("pay_cert_no")
    return {key[at] for key in counts if key[at]}


class _Refused(Exception):
    """Something is wrong with the file: the load is rolled back and every problem listed."""


class _Again(Exception):
    """The load is rolled back and done again (证件号码 upper-cased as the domain does)."""


class PayoutImport:
    """One file's import into ``ledger_payout``; ``run`` stores it or raises InvalidInput with every problem."""

    def __init__(
        self,
        rows: PayoutRows,
        vouchers: Callable[[Collection[str]], Mapping[str, Voucher]],
        *,
        progress: Progress = lambda phase, done, total: None,
        cap: int | None = None,
        area: str | None = None,
    ) -> None:
        assert rows.header is not None
        self.rows, self.find_vouchers, self.progress = rows, vouchers, progress
        """``vouchers``: the region's vouchers of these numbers (the file's)."""
        self.vouchers: Mapping[str, Voucher] = {}
        self.area = area
        """The importing region's 行政区划代码: its 乡镇/村 codes begin with it."""
        self.cap = payout_problems.PROBLEM_CAP if cap is None else cap
        self.db = backend()
        self.diagnosis = Diagnosis(
            self.db,
            sheet=rows.sheet,
            titles=rows.header.titles,
            vouchers=self.vouchers,
            cap=self.cap,
        )
        self.fiscal_year: int | None = None
        """The budget year of the stored rows, once stored."""
        self.values = checks.Values()

    def run(self, *, region_id: int, batch_id: int) -> tuple[int, dict[int, int]]:
        """Store the file; returns the rows stored and Σ实发 (fen) per fund. Raises InvalidInput with every
        problem."""
        with connection.cursor() as cursor, self.db.session(cursor):
            self.progress("暂存", 0, self.rows.rows)
            frame = frames.read_frame(self.rows, columns=(*KEYS, "iden_no", "per_name"), categorical=KEYS)
            self.progress("校验", 0, frame.height)
            header = self.rows.header
            assert header is not None
            early = checks.frame_problems(
                frame,
                sheet=self.rows.sheet,
                titles=header.titles,
                area=self.area,
                cap=self.cap,
                nul=bool(self.rows.sheet),
            )
            if early:
                raise InvalidInput(early)
            counts = frames.distinct_counts(frame, KEYS)
            self.vouchers = self.diagnosis.vouchers = self.find_vouchers(_numbers(counts))
            combos = checks.check_combos(self.values, self.vouchers, counts)
            if not combos:
                raise InvalidInput([payout_problems.empty_file(self.rows.sheet)])
            stored = self._store(cursor, frame, combos, region_id=region_id, batch_id=batch_id)
            drop_temporary(cursor, self.db)
            return stored, checks.per_fund(combos)

    def _check_people(self, frame: pl.DataFrame, combos: Combos) -> checks.Checked:
        return checks.check_people(self.values, frame, combos, self.rows.float_rows)

    def _store(
        self, cursor: object, frame: pl.DataFrame, combos: Combos, *, region_id: int, batch_id: int
    ) -> int:
        year = checks.year_if_storable(combos, self.vouchers)
        if year is None:
            raise self.diagnosis.refusal(cursor, frame, self._check_people(frame, combos))
        self.fiscal_year = year
        known = [c.voucher for c in combos.values() if c.voucher]
        self.db.lock_vouchers(cursor, [v.payment_id for v in known])
        scope = Scope(
            batch_id=batch_id,
            region_id=region_id,
            year=year,
            months={c.month for c in combos.values() if c.month},
            purposes={v.info.purpose for v in known},
        )
        constants = {"region_id": region_id, "batch_id": batch_id, "fiscal_year": year}
        return self._load_while_checking(cursor, frame, combos, constants, scope)

    def _load_while_checking(
        self,
        cursor: object,
        frame: pl.DataFrame,
        combos: Combos,
        constants: Mapping[str, object],
        scope: Scope,
    ) -> int:
        """Load the rows while a helper thread checks each person's cells and the duplicates within the file: the
        database and the checks work on different cores. Anything wrong rolls the load back, and the file is
        refused with every problem; 证件号码 polars upper-cased otherwise than the domain's rule are loaded again."""
        kinds = checks.kinds(combos)
        texts = [t for t in ("per_name", *OPTIONAL) if t in frame.columns]
        with ThreadPoolExecutor(max_workers=1) as helper:
            people = helper.submit(self._check_people, frame, combos)
            upper: dict[str, str] | None = None  # None: polars' upper case, checked against the domain's
            in_file = helper.submit(checks.repeats_in_file, frame, kinds, upper)
            while True:
                try:
                    with transaction.atomic():
                        self.progress("写入", 0, frame.height)
                        self.db.load(cursor, Load(frame, kinds, constants, upper, texts), self.progress)
                        refresh_after_load(cursor, "ledger_payout", frame.height)
                        checked = people.result()
                        if not checked.rows_clean or in_file.result():
                            raise _Refused
                        if upper is None and not checked.upper_agrees:
                            upper = checked.upper()
                            in_file = helper.submit(checks.repeats_in_file, frame, kinds, upper)
                            raise _Again
                        if duplicates.repeats_stored(cursor, self.db, scope):
                            raise _Refused
                except _Again:
                    continue
                except _Refused:
                    raise self.diagnosis.refusal(cursor, frame, people.result()) from None
                return frame.height
