"""到人到户发放 (payout) files: the 直达资金监控系统 person templates and the same columns as CSV.

Two layouts are in use: ``benefitPeopleByPerson.xls`` (13 columns, national) and ``benifitPersonTemp.xls``
(14 columns with 项目代码 first and coded values such as ``01-身份证号``, ``1-到人``). Columns are found by title or
element name, so both (and CSV with either naming) read the same way. Every problem of the file is reported
with sheet, row and column (at most ``PROBLEM_CAP`` per rule and column, then one line saying how many more);
amounts are kept as integer fen.

The columns are named in ``payout_columns``. The rules are written once, per cell value (``payout_cells``:
``check_code``, ``check_month``, ``check_amount``, ``check_id``, ``check_above_due``) and per file
(``payout_problems``: ``unknown_voucher``, ``overspent``, ``duplicate_in_file``, ``stored_duplicate``,
``mixed_years``, and the capped report). Two readers apply them: ``parse_payouts`` + ``check_against_vouchers``
walk the rows one by one (the reference, used for small tables and by the tests), and the importer
(``jiuzhu.ledger.staging``) applies them to each *distinct* value of a column and finds the rows in SQL, which is
what makes a million rows fast. Tests check that both give the same problems.
"""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from . import payout_problems
from .payout_cells import (
    ID_AS_NUMBER,
    CellProblem,
    check_above_due,
    check_amount,
    check_code,
    check_id,
    check_month,
    clean_cell,
    nul_character,
    required,
    too_long,
)
from .payout_columns import FAMILY, IDEN_TYPES, MAX_LENGTHS, TITLES, find_payout_header
from .payout_problems import (
    VoucherInfo,
    cap_problems,
    duplicate_in_file,
    empty_file,
    missing_header,
    mixed_years,
    overspent,
    stored_duplicate,
    unknown_voucher,
)
from .problems import Problem, Where
from .tabular import Header, Table, column_name, is_blank


@dataclass(frozen=True, slots=True)
class PayoutRecord:
    """One person's (or household's) payout as read from a file; amounts in fen."""

    row: int
    pay_cert_no: str
    per_name: str
    iden_type: str
    """01 … 05."""
    iden_no: str
    to_peop_family: str
    """01 到人, 02 到户."""
    pay_amt: int
    """应发, fen."""
    xpay_amt: int
    """实发, fen."""
    pay_month: str
    """``01`` … ``12`` or ``全年``."""
    town_code: str = ""
    town_name: str = ""
    village_code: str = ""
    village_name: str = ""
    add_word: str = ""
    pro_code: str = ""
    acct_no: str = ""
    """收款账号 (一卡通 bank account), when the file has the column."""


# --- one row (the reference reader) ------------------------------------------------------------------------------


def parse_payouts(table: Table) -> tuple[list[PayoutRecord], list[Problem]]:
    """Every row of a payout table, and every problem a row shows on its own (not capped)."""
    header = find_payout_header(table)
    if header is None:
        return [], [missing_header(table.sheet)]
    early = _early_problems(table, header)
    if early:
        return [], early
    records: list[PayoutRecord] = []
    problems: list[Problem] = []
    for index in range(header.row_index + 1, len(table.rows)):
        row = table.rows[index]
        if is_blank(row):
            continue
        record, row_problems = _parse_row(table, header, row, table.first_row + index)
        problems += row_problems
        if record is not None:
            records.append(record)
    if not records and not problems:
        problems.append(empty_file(table.sheet))
    return records, problems


def _early_problems(table: Table, header: Header) -> list[Problem]:
    """What refuses a file before any other rule: NUL characters in any cell, texts longer than their column."""
    elements = {position: element for element, position in header.positions.items()}
    problems = []
    for index in range(header.row_index + 1, len(table.rows)):
        row = table.rows[index]
        if is_blank(row):
            continue
        for position, value in enumerate(row):
            element = elements.get(position)
            text = clean_cell(element or "", value)
            found = []
            if "\x00" in text:
                found.append(nul_character(element or f"x{position}"))
            if element in MAX_LENGTHS and len(text) > MAX_LENGTHS[element]:
                found.append(too_long(element, MAX_LENGTHS[element]))
            for f in found:
                title = header.titles.get(f.element) or TITLES.get(f.element) or f"{column_name(position)}列"
                where = Where(sheet=table.sheet, row=table.first_row + index, column=title)
                problems.append(Problem(f.code, f.message, where, numbers=dict(f.numbers)))
    return problems


def _parse_row(
    table: Table, header: Header, row: Sequence[object], number: int
) -> tuple[PayoutRecord | None, list[Problem]]:
    def raw(element: str) -> object:
        position = header.positions.get(element)
        return row[position] if position is not None and position < len(row) else None

    def text(element: str) -> str:
        return clean_cell(element, raw(element))

    cell_problems: list[CellProblem] = []
    if isinstance(raw("iden_no"), float):
        cell_problems.append(ID_AS_NUMBER)
    iden_type, found = check_code("iden_type", text("iden_type"), IDEN_TYPES)
    cell_problems += found
    iden_no, found = check_id(text("iden_no"), iden_type)
    cell_problems += found
    family, found = check_code("to_peop_family", text("to_peop_family"), FAMILY)
    cell_problems += found
    month, found = check_month(text("pay_month"))
    cell_problems += found
    pay_amt, found = check_amount("pay_amt", text("pay_amt"))
    cell_problems += found
    xpay_amt, found = check_amount("xpay_amt", text("xpay_amt"))
    cell_problems += found
    cell_problems += check_above_due(pay_amt, xpay_amt)
    values = {element: text(element) for element in ("pay_cert_no", "per_name")}
    for element, value in values.items():
        if not value:
            cell_problems += required(element)

    problems = [f.at(sheet=table.sheet, row=number, titles=header.titles) for f in cell_problems]
    if problems:
        return None, problems
    assert iden_type and family and month and pay_amt is not None and xpay_amt is not None
    return PayoutRecord(
        row=number,
        pay_cert_no=values["pay_cert_no"],
        per_name=values["per_name"],
        iden_type=iden_type,
        iden_no=iden_no,
        to_peop_family=family,
        pay_amt=pay_amt,
        xpay_amt=xpay_amt,
        pay_month=month,
        town_code=text("town_code"),
        town_name=text("town_name"),
        village_code=text("village_code"),
        village_name=text("village_name"),
        add_word=text("add_word"),
        pro_code=text("pro_code"),
        acct_no=text("acct_no"),
    ), []


# --- the whole file ------------------------------------------------------------------------------------------------


def check_against_vouchers(
    records: Sequence[PayoutRecord],
    vouchers: Mapping[str, VoucherInfo],
    *,
    sheet: str = "",
    stored: Collection[tuple[str, str, str, int]] = (),
) -> list[Problem]:
    """Cross-row rules: the voucher exists, Σ实发 per voucher ≤ its xpay_amt, one budget year per file, no
    duplicate person-month-purpose in the file or among ``stored`` (iden_no, pay_month, purpose, fiscal_year)."""
    problems: list[Problem] = []
    sums: dict[str, int] = {}
    first_rows: dict[str, int] = {}
    seen: dict[tuple[str, str, str], int] = {}
    years: set[int] = set()
    for record in records:
        voucher = vouchers.get(record.pay_cert_no)
        if voucher is None:
            problems.append(unknown_voucher(record.pay_cert_no, record.row, sheet=sheet))
            continue
        years.add(voucher.fiscal_year)
        sums[record.pay_cert_no] = sums.get(record.pay_cert_no, 0) + record.xpay_amt
        first_rows.setdefault(record.pay_cert_no, record.row)
        key = (record.iden_no, record.pay_month, voucher.purpose)
        if key in seen:
            problems.append(duplicate_in_file(record.row, seen[key], sheet=sheet))
        else:
            seen[key] = record.row
        if (*key, voucher.fiscal_year) in stored:
            problems.append(stored_duplicate(record.row, sheet=sheet))
    for number, total in sums.items():
        voucher = vouchers[number]
        if voucher.paid_out + total > voucher.xpay_amt:
            problems.append(overspent(number, voucher, total, first_rows[number], sheet=sheet))
    if len(years) > 1:
        problems.append(mixed_years(sheet=sheet))
    return problems


def validate_payouts(
    table: Table,
    vouchers: Mapping[str, VoucherInfo],
    *,
    stored: Collection[tuple[str, str, str, int]] = (),
    cap: int | None = None,
) -> tuple[list[PayoutRecord], list[Problem]]:
    """The reference for a whole file, row by row: its records and every problem (capped and in order)."""
    records, problems = parse_payouts(table)
    problems += check_against_vouchers(records, vouchers, sheet=table.sheet, stored=stored)
    # The cap is read when called (not imported by name), so that a test lowering it reaches the importer too.
    return records, cap_problems(problems, cap=payout_problems.PROBLEM_CAP if cap is None else cap)
