"""The checks that need no database: the domain's cell rules over each distinct value of the frame, whether the
file can be stored (vouchers known and not overspent, one budget year), the kinds of rows the stores join with,
and the duplicates within the file (a polars check on the natural key)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import polars as pl

from jiuzhu.domain import payout_cells, payout_columns, payout_problems
from jiuzhu.domain.problems import Problem, Where
from jiuzhu.domain.tabular import column_name

from .. import frames

#: The cells whose distinct combinations are checked together (few per file: codes, months, vouchers, amounts).
KEYS = ("iden_type", "to_peop_family", "pay_month", "pay_cert_no", "pay_amt", "xpay_amt")
OPTIONAL = ("town_code", "town_name", "village_code", "village_name", "add_word", "pro_code", "acct_no")
#: The natural key of a payout: one per person, month, purpose and year (the duplicate rule).


@dataclass(frozen=True)
class Voucher:
    info: payout_problems.VoucherInfo
    payment_id: int
    fund_id: int = 0


@dataclass
class Combo:
    """One distinct combination of ``KEYS`` values and what the rules make of it."""

    count: int
    cell_problems: payout_cells.CellProblems
    type_code: str | None
    family: str | None
    month: str | None
    pay_fen: int | None
    xpay_fen: int | None
    voucher: Voucher | None

    @property
    def ok(self) -> bool:
        return not self.cell_problems


Combos = dict[tuple[str, ...], Combo]


@dataclass
class Checked:
    combos: Combos
    ids: dict[tuple[str, str], tuple[int, str, payout_cells.CellProblems]]
    """(证件号码, 证件类型) as staged → (rows, upper-case number, cell_problems), for the numbers with a problem
    or whose upper-case form differs (every other number is stored as staged)."""
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

    def upper(self) -> dict[str, str]:
        """证件号码 as staged → as the domain's rule upper-cases it (those it changes)."""
        return {n: u for (n, _), (_, u, _) in self.ids.items()}


class Values:
    """The domain's cell rules, each distinct value once."""

    def __init__(self) -> None:
        self.codes: dict[tuple[str, str], tuple[str | None, payout_cells.CellProblems]] = {}
        self.months: dict[str, tuple[str | None, payout_cells.CellProblems]] = {}
        self.amounts: dict[tuple[str, str], tuple[int | None, payout_cells.CellProblems]] = {}

    def code(self, element: str, text: str) -> tuple[str | None, payout_cells.CellProblems]:
        found = self.codes.get((element, text))
        if found is None:
            table = payout_columns.IDEN_TYPES if element == "iden_type" else payout_columns.FAMILY
            found = self.codes[(element, text)] = payout_cells.check_code(element, text, table)
        return found

    def month(self, text: str) -> tuple[str | None, payout_cells.CellProblems]:
        found = self.months.get(text)
        if found is None:
            found = self.months[text] = payout_cells.check_month(text)
        return found

    def amount(self, element: str, text: str) -> tuple[int | None, payout_cells.CellProblems]:
        found = self.amounts.get((element, text))
        if found is None:
            found = self.amounts[(element, text)] = payout_cells.check_amount(element, text)
        return found


def check_combos(
    values: Values, vouchers: Mapping[str, Voucher], counts: Mapping[tuple[str, ...], int]
) -> Combos:
    """Each distinct combination of ``KEYS`` (codes, month, voucher, amounts) through the cell rules."""
    combos: Combos = {}
    for key, count in counts.items():
        kind, family, month, voucher, pay, xpay = key
        type_code, f1 = values.code("iden_type", kind)
        family_code, f2 = values.code("to_peop_family", family)
        month_norm, f3 = values.month(month)
        pay_fen, f4 = values.amount("pay_amt", pay)
        xpay_fen, f5 = values.amount("xpay_amt", xpay)
        f6 = payout_cells.check_above_due(pay_fen, xpay_fen)
        f7 = () if voucher else payout_cells.required("pay_cert_no")
        combos[key] = Combo(
            count=count,
            cell_problems=(*f1, *f2, *f3, *f4, *f5, *f6, *f7),
            type_code=type_code,
            family=family_code,
            month=month_norm,
            pay_fen=pay_fen,
            xpay_fen=xpay_fen,
            voucher=vouchers.get(voucher),
        )
    return combos


def check_people(values: Values, frame: pl.DataFrame, combos: Combos, float_rows: Iterable[int]) -> Checked:
    """The cells of each person: every distinct (证件号码, 证件类型) through the ID rule, and 姓名. Runs in a
    helper thread while the rows load (no database here). Only the numbers with a problem or another upper-case
    form are kept: a clean 200 MB file has ~235,000 people, whose entries cost ~100 MB beside the load."""
    ids: dict[tuple[str, str], tuple[int, str, payout_cells.CellProblems]] = {}
    agrees = True
    pairs = frame.lazy().group_by("iden_no", "iden_type").len().collect()
    polars_upper = pairs.get_column("iden_no").str.to_uppercase()
    for (number, kind, count), ours in zip(pairs.iter_rows(), polars_upper, strict=True):
        upper, cell_problems = payout_cells.check_id(number, values.code("iden_type", kind)[0])
        if cell_problems or upper != number:
            ids[(number, kind)] = (count, upper, cell_problems)
        agrees = agrees and ours == upper
    return Checked(
        combos,
        ids,
        empty_names=frames.count_of(frame, "per_name", ""),
        float_rows=list(float_rows),
        upper_agrees=agrees,
    )


def year_if_storable(combos: Combos, vouchers: Mapping[str, Voucher]) -> int | None:
    """The budget year of the file's vouchers when its combinations let it be stored (every cell right, every
    voucher known and not overspent, one year); None when the file must be refused."""
    if not all(c.ok and c.voucher for c in combos.values()):
        return None
    sums: dict[str, int] = {}
    for key, c in combos.items():
        sums[key[3]] = sums.get(key[3], 0) + c.count * (c.xpay_fen or 0)
    if any(vouchers[n].info.paid_out + total > vouchers[n].info.xpay_amt for n, total in sums.items()):
        return None
    years = {c.voucher.info.fiscal_year for c in combos.values() if c.voucher}
    return years.pop() if len(years) == 1 else None


def per_fund(combos: Combos) -> dict[int, int]:
    """Σ实发 (fen) per fund of the file's vouchers."""
    sums: dict[int, int] = {}
    for c in combos.values():
        if c.voucher:
            sums[c.voucher.fund_id] = sums.get(c.voucher.fund_id, 0) + c.count * (c.xpay_fen or 0)
    return sums


def kinds(combos: Combos) -> pl.DataFrame:
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


def repeats_in_file(frame: pl.DataFrame, kinds: pl.DataFrame, upper: Mapping[str, str] | None) -> bool:
    """Do two rows share the natural key (证件号码 as stored, month and purpose as their kind gives them)? First
    by the keys' hashes (little memory); the rows whose hash repeats — the repeats, or in rare cases two keys
    with one hash — are then compared by their keys."""
    hashes = frames.key_hashes(frame, kinds, KEYS, upper=upper)
    if hashes.n_unique() == hashes.len():  # counted without a table of rows (is_duplicated held ~170 MB)
        return False
    repeated = hashes.is_duplicated()
    keyed = frames.keyed_rows(frame.filter(repeated), kinds, KEYS, upper=upper)
    return frames.duplicated_keys(keyed, keyed.columns)


def by_rule(
    found: Iterable[tuple[tuple[str, ...], payout_cells.CellProblems]],
) -> dict[tuple[str, str], dict[tuple[str, ...], payout_cells.CellProblem]]:
    """(code, element) → the distinct values that break that rule, with the cell_problem of each."""
    grouped: dict[tuple[str, str], dict[tuple[str, ...], payout_cells.CellProblem]] = {}
    for key, cell_problems in found:
        for cell_problem in cell_problems:
            grouped.setdefault((cell_problem.code, cell_problem.element), {})[key] = cell_problem
    return grouped


def frame_problems(
    frame: pl.DataFrame,
    *,
    sheet: str,
    titles: Mapping[str, str],
    area: str | None,
    cap: int,
    nul: bool = True,
) -> list[Problem]:
    """What refuses a file before any other rule, found by polars over every row: NUL characters (PostgreSQL
    cannot store them, SQLite would), texts longer than their column, 乡镇/村 codes of another region. Each
    with its row (the first ``cap`` per rule and column). ``nul=False`` for a CSV, whose reader refused NUL."""
    texts = [c for c in frame.columns if c != frames.ROW_NO and frame.schema[c] == pl.String]
    coded = [c for c in frame.columns if frame.schema[c] == pl.Categorical]  # KEYS: no length, no 区划
    tests: list[tuple[payout_cells.CellProblem, pl.Expr]] = []
    for column in [*texts, *coded] if nul else ():
        text = pl.col(column).cast(pl.String) if column in coded else pl.col(column)
        tests.append((payout_cells.nul_character(column), text.str.contains("\x00", literal=True)))
    for column, limit in payout_columns.MAX_LENGTHS.items():
        if column in texts:
            tests.append((payout_cells.too_long(column, limit), pl.col(column).str.len_chars() > limit))
    prefix = payout_cells.area_prefix(area) if area else ""
    for column in ("town_code", "village_code"):
        if prefix and column in texts:
            # a 区划 code (six digits or more) of another region; shorter codes are a county's own numbering
            wrong = pl.col(column).str.contains(r"^\d{6,}$") & ~pl.col(column).str.starts_with(prefix)
            tests.append((payout_cells.foreign_code(column, "", prefix), wrong))
    if not tests:
        return []
    flags = frame.select(pl.col(frames.ROW_NO), *(t.alias(f"t{i}") for i, (_, t) in enumerate(tests)))
    if not flags.select(pl.any_horizontal(pl.all().exclude(frames.ROW_NO).any())).item():
        return []
    problems: list[Problem] = []
    for i, (cell_problem, _) in enumerate(tests):
        hits = flags.filter(pl.col(f"t{i}"))
        if not hits.height:
            continue
        title = (
            titles.get(cell_problem.element)
            or payout_columns.TITLES.get(cell_problem.element)
            or _column_title(cell_problem.element)
        )
        listed = frame.join(hits.select(frames.ROW_NO), on=frames.ROW_NO).sort(frames.ROW_NO).head(cap)
        for row_no, value in listed.select(frames.ROW_NO, cell_problem.element).iter_rows():
            found = (
                payout_cells.foreign_code(cell_problem.element, value, prefix)
                if cell_problem.code == "FOREIGN_CODE"
                else cell_problem
            )
            where = Where(sheet=sheet, row=row_no, column=title)
            problems.append(Problem(found.code, found.message, where, numbers=dict(found.numbers)))
        if hits.height > cap:
            problems.append(
                payout_problems.more_problems(
                    cell_problem.code, title, hits.height - cap, sheet=sheet, cap=cap
                )
            )
    return sorted(problems, key=payout_problems.problem_order)


def _column_title(name: str) -> str:
    """A column the importer does not read (``x<position>``) by its spreadsheet letters."""
    return f"{column_name(int(name[1:]))}列" if name[1:].isdigit() else name
