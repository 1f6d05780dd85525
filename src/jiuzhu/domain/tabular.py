"""Rows of an uploaded table: header recognition and cell cleaning, shared by the ledger's importers.

A table is a sheet name and its rows of raw cells (str, int, float from a spreadsheet, None). Columns are
recognised by their 预算管理一体化 element name (``pay_cert_no``) or by the Chinese title users type
(``支付凭证号*``); the position of a column never matters.
"""

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .problems import Problem, Where


@dataclass(frozen=True)
class Table:
    sheet: str
    """The sheet name; empty for CSV."""
    rows: Sequence[Sequence[object]]
    """Every row of the sheet or file, header rows included."""
    first_row: int = 1
    """The spreadsheet row number of ``rows[0]``."""


def header_key(text: object) -> str:
    """A header cell as a lookup key: NFKC, no spaces, no required-marker ``*``, lower case."""
    folded = unicodedata.normalize("NFKC", str(text or ""))
    return "".join(folded.split()).replace("*", "").lower()


def alias_index(columns: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """header key → element name, from element → accepted Chinese titles."""
    index = {}
    for element, titles in columns.items():
        index[header_key(element)] = element
        for title in titles:
            index[header_key(title)] = element
    return index


@dataclass(frozen=True)
class Header:
    row_index: int
    """Index into ``Table.rows`` of the header row."""
    positions: dict[str, int]
    """element → column position."""
    titles: dict[str, str]
    """element → the title as the file writes it (for messages)."""
    repeated: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    """element → every position of a column it names, when more than one does (the file is refused)."""


def find_header(
    table: Table, aliases: Mapping[str, str], *, required: Sequence[str], scan: int = 5
) -> Header | None:
    """The first of the top ``scan`` rows naming every required column, or None."""
    for index, row in enumerate(table.rows[:scan]):
        positions: dict[str, int] = {}
        titles: dict[str, str] = {}
        repeated: dict[str, list[tuple[int, str]]] = {}
        for position, cell in enumerate(row):
            element = aliases.get(header_key(cell))
            if element and element not in positions:
                positions[element] = position
                titles[element] = str(cell).strip().rstrip("*")
            elif element:
                first = (positions[element], titles[element])
                repeated.setdefault(element, [first]).append((position, str(cell).strip().rstrip("*")))
        if all(r in positions for r in required):
            return Header(index, positions, titles, repeated)
    return None


def column_name(position: int) -> str:
    """0 → A, 25 → Z, 26 → AA: the spreadsheet's name of a column."""
    letters, number = "", position + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def repeated_columns_problems(table: Table, header: Header) -> list[Problem]:
    """Two columns with the same title (or two names of one element): refused, naming both."""
    problems = []
    for element, positions in header.repeated.items():
        named = "、".join(f"{column_name(p)}列“{title}”" for p, title in positions)
        problems.append(
            Problem(
                "REPEATED_COLUMN",
                f"表头中有{len(positions)}列表示同一项（{named}），无法确定使用哪一列，请删除多余的列",
                Where(
                    sheet=table.sheet, row=table.first_row + header.row_index, column=header.titles[element]
                ),
            )
        )
    return problems


def missing_columns_problem(table: Table, required: Sequence[str], titles: Mapping[str, str]) -> Problem:
    names = "、".join(titles.get(r, r) for r in required)
    return Problem(
        "MISSING_COLUMNS",
        f"未找到表头：前5行中没有一行同时包含这些列：{names}（可用中文列名或数据元名称）",
        Where(sheet=table.sheet),
    )


def cell_text(value: object) -> str:
    """A cell as text, stripped at both ends (a trailing newline in 支付凭证号 is common).

    Spreadsheet numbers arrive as float: a whole number prints without ``.0`` and any other as its shortest
    round-trip form, which is what the spreadsheet shows; an amount then goes through exact Decimal parsing.
    """
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


def compact_text(value: object) -> str:
    """A code cell (证件号码, 支付凭证号, 月份): every whitespace character removed."""
    return "".join(cell_text(value).split())


def is_blank(row: Sequence[object]) -> bool:
    return all(cell_text(c) == "" for c in row)
