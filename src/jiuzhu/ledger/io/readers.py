"""Payout files as the set-based importer reads them (the generic reader is ``jiuzhu.core.tables``)."""

import csv
import io
import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import cast

from jiuzhu.core.errors import InvalidInput
from jiuzhu.core.tables import (  # noqa: F401  (read_table and MAX_BYTES are this module's API too)
    MAX_BYTES,
    UTF16_BOMS,
    decode_text,
    detect_format,
    read_table,
    read_workbook,
    refuse,
    sniff_delimiter,
)
from jiuzhu.domain import payout_cells, payout_columns
from jiuzhu.domain.payments import find_payment_header
from jiuzhu.domain.problems import Problem, Where
from jiuzhu.domain.tabular import Header, Table, repeated_columns_problems


def holds_payment_header(table: Table) -> bool:
    return find_payment_header(table) is not None


def holds_payout_header(table: Table) -> bool:
    return payout_columns.find_payout_header(table) is not None


# --- payout files, read for the set-based importer ----------------------------------------------------------------

#: Bytes that make a CSV cell need cleaning (or quoting) in UTF-8: ASCII whitespace other than line ends, the
#: quote and the backslash, and the lead bytes of the multi-byte whitespace characters (checked exactly below).
_ASCII_DIRTY = b' \t\x0b\x0c\x1c\x1d\x1e\x1f"\\'
_LEAD_BYTES = b"\xc2\xe1\xe2\xe3"
_KEEP = _ASCII_DIRTY + _LEAD_BYTES
_DELETE_ALL_BUT_KEEP = bytes(b for b in range(256) if b not in _KEEP)
_MULTIBYTE_SPACE = re.compile(
    b"|".join(re.escape(ch.encode()) for ch in payout_columns.WHITESPACE if ord(ch) > 0x7F)
)
#: Header search reads at most this many records (find_header scans the top 5 rows).
_HEADER_SCAN = 5
_SAMPLE = 1 << 20


_CHUNK = 16 << 20


def is_clean_csv(body: bytes, start: int = 0) -> bool:
    """True when no cell of this UTF-8 CSV text (from byte ``start`` on) needs cleaning: no whitespace but line
    ends, no quotes (hence no line break inside a cell) and no backslash. Then every line is one record and COPY
    reads it as it is. Read 16 MB at a time: no copy of a large file's body."""
    view = memoryview(body)[start:]
    lead_bytes = False
    for at in range(0, len(view), _CHUNK):
        rest = bytes(view[at : at + _CHUNK]).translate(None, _DELETE_ALL_BUT_KEEP)
        if rest.translate(None, _LEAD_BYTES):
            return False
        lead_bytes = lead_bytes or bool(rest)
    return not lead_bytes or _MULTIBYTE_SPACE.search(view) is None


@dataclass
class PayoutRows:
    """A payout upload as the importer stages it.

    ``names`` are the staging columns: the element of each recognised column, ``x<position>`` for the others.
    The data rows come either as ``clean_csv`` (UTF-8 CSV text after the header record, every cell already as
    the rules read it, one record a line, ``len(names)`` fields each: polars reads it as it is) or as
    ``columns()`` (cleaned text, one list per name, row numbers from ``first_row``). ``clean_csv`` is only
    a shortcut: ``columns()`` always works.
    """

    sheet: str
    header: Header | None
    names: list[str] = field(default_factory=list)
    first_row: int = 0
    """The sheet or file row number of the first data row."""
    rows: int = 0
    """Data rows (blank ones included) — for progress; exact for columns, counted lines for clean CSV."""
    delimiter: str = ","
    clean_csv: bytes | None = None
    clean_skip: int = 0
    """Lines of ``clean_csv`` before the data rows (the header's and those above it)."""
    float_rows: list[int] = field(default_factory=list)
    """Rows whose 证件号码 cell is a spreadsheet number."""
    _raw_rows: Sequence[Sequence[object]] = ()
    _text: str = ""
    _start: int = 0
    """Where the data rows begin in ``_text`` (CSV)."""
    _data: bytes | None = None
    """The whole file, when only its head was decoded (``_clean_utf8_csv``)."""

    def _body(self) -> io.StringIO:
        return io.StringIO(self._text[self._start :], newline="")

    def columns(self) -> tuple[list[str], list[list[str]]]:
        """Staging names and cleaned columns; blank rows stay (the importer skips them by row number)."""
        assert self.header is not None
        if self._data is not None:  # only the head was decoded: read the whole file now
            try:
                whole: PayoutRows | None = _any_csv(self._data)
            except InvalidInput:  # neither UTF-8 nor GB18030 as a whole
                whole = None
            # None, or no header: a UTF-8 header (not ASCII) over rows in another encoding
            if whole is None or whole.header is None:
                raise refuse(
                    "MIXED_ENCODING", "CSV文件前后编码不一致，请将整个文件另存为UTF-8或GB18030编码后重新导入"
                )
            self._data, self._text, self._start = None, whole._text, whole._start
            self.header, self.first_row = whole.header, whole.first_row
        data = self._raw_rows
        if not data and self._text:
            data = list(csv.reader(self._body(), delimiter=self.delimiter))
        widths = {len(r) for r in data}
        width = max([*widths, *(p + 1 for p in self.header.positions.values())])
        if widths != {width}:  # ragged (CSV): pad, so that every element has a column
            data = [list(r) + [None] * (width - len(r)) for r in data]
        elements = {position: element for element, position in self.header.positions.items()}
        self.rows = len(data)
        if not data:
            return list(self.header.positions), [[] for _ in self.header.positions]
        names, columns = [], []
        for position, column in enumerate(zip(*data, strict=True)):
            element = elements.get(position)
            cleaned = clean_column(column, element)
            if element == "iden_no":
                self.float_rows = [self.first_row + i for i, v in enumerate(column) if type(v) is float]
            if element is None and not any(cleaned):
                continue  # nothing in it: no need to stage it
            names.append(element or f"x{position}")
            columns.append(cleaned)
        return names, columns


def clean_column(column: Sequence[object], element: str | None) -> list[str]:
    """One column's cells as the rules read them (see ``payout_cells.clean_cell``), each distinct value once."""
    kinds = set(map(type, column))
    if kinds <= {str}:
        squeeze = element in payout_columns.CODE_ELEMENTS
        texts = cast("Sequence[str]", column)  # every cell is a str: ``kinds`` says so
        changed: dict[str, str] = {}
        for value in set(texts):
            cleaned = "".join(value.split()) if squeeze else value.strip()
            if cleaned != value:
                changed[value] = cleaned
        if not changed:
            return texts if isinstance(texts, list) else list(texts)
        return [changed.get(v, v) for v in texts]
    if bool in kinds:  # True == 1 == 1.0 as dict keys: no shortcut
        return [payout_cells.clean_cell(element or "", v) for v in column]
    text = {v: payout_cells.clean_cell(element or "", v) for v in set(column)}
    return [text[v] for v in column]


def read_payouts(data: bytes) -> PayoutRows:
    """A payout file by its content (XLSX, XLS or CSV in UTF-8 / GB18030 / UTF-16), header found, rows ready to
    stage. Refused: two columns naming one element, NUL characters (CSV: before anything is parsed)."""
    rows = _read_payouts(data)
    if rows.header is not None and rows.header.repeated:
        table = Table(sheet=rows.sheet, rows=[], first_row=rows.first_row - rows.header.row_index - 1)
        raise InvalidInput(repeated_columns_problems(table, rows.header))
    return rows


def _read_payouts(data: bytes) -> PayoutRows:
    if not data:
        raise refuse("EMPTY_FILE", "文件为空")
    if len(data) > MAX_BYTES:
        raise refuse("TOO_LARGE", f"文件超过{MAX_BYTES // 1024 // 1024}MB")
    if detect_format(data) != "csv":
        table = read_workbook(data, holds_header=holds_payout_header)
        header = payout_columns.find_payout_header(table)
        if header is None:
            return PayoutRows(sheet=table.sheet, header=None)
        start = header.row_index + 1
        rows = table.rows[start:]
        return PayoutRows(
            sheet=table.sheet,
            header=header,
            first_row=table.first_row + start,
            rows=len(rows),
            _raw_rows=rows,
        )
    if data.startswith(UTF16_BOMS):
        data = decode_text(data)[0].encode()  # Excel's "Unicode text": read as the UTF-8 it says
    if (nul := data.find(b"\x00")) >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise InvalidInput(
            [Problem("NUL_CHARACTER", "文件含有空字符（NUL），请删除后重新导入", Where(sheet="", row=line))]
        )
    return _payout_csv(data)


def _first_records(text: str, delimiter: str) -> tuple[list[list[str]], list[int]]:
    """The first records of a CSV text and the offset where each ends (a sample first: the text may be large)."""
    for sample in (text[:_SAMPLE], text) if len(text) > _SAMPLE else (text,):
        consumed = [0]

        def lines(buffer: io.StringIO, consumed: list[int] = consumed) -> Iterator[str]:
            for line in buffer:
                consumed[0] += len(line)
                yield line

        reader = csv.reader(lines(io.StringIO(sample, newline="")), delimiter=delimiter)
        records, ends = [], []
        for record in itertools.islice(reader, _HEADER_SCAN + 1):
            records.append(record)
            ends.append(consumed[0])
        if len(records) > _HEADER_SCAN or sample is text:
            return records[:_HEADER_SCAN], ends[:_HEADER_SCAN]
    raise AssertionError("unreachable")


def _payout_csv(data: bytes) -> PayoutRows:
    return _clean_utf8_csv(data) or _any_csv(data)


def _clean_utf8_csv(data: bytes) -> PayoutRows | None:
    """A comma-separated UTF-8 file whose data rows need no cleaning, read without decoding all of it: the header
    is found in the first megabyte, and polars checks the rest is UTF-8 as it reads it (when it is not, or
    polars cannot take it, ``PayoutRows.columns`` reads the whole file as ``_any_csv`` does). None otherwise."""
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    end = len(data) if len(data) - bom <= _SAMPLE else data.rfind(b"\n", bom, bom + _SAMPLE) + 1
    try:
        head = data[bom:end].decode("utf-8")
    except UnicodeDecodeError:
        return None
    if sniff_delimiter(head) != ",":
        return None
    records, ends = _first_records(head, ",")
    if len(records) < _HEADER_SCAN and end < len(data):
        return None
    header = payout_columns.find_payout_header(Table(sheet="", rows=records))
    if header is None:
        return None
    before = head[: ends[header.row_index]]
    start = bom + len(before.encode())
    if not is_clean_csv(data, start):
        return None
    rows = PayoutRows(sheet="", header=header, first_row=header.row_index + 2, _data=data)
    _take_clean(rows, data, start, before.count("\n"), len(records[header.row_index]))
    return rows


def _take_clean(rows: PayoutRows, text: bytes, start: int, skip: int, width: int) -> None:
    """``text`` from byte ``start`` (after ``skip`` line ends) is the clean body: polars reads it from ``text``
    itself, skipping those lines — for a UTF-8 file the upload's own bytes, not a 200 MB copy of its body."""
    assert rows.header is not None
    elements = {position: element for element, position in rows.header.positions.items()}
    rows.names = [elements.get(p) or f"x{p}" for p in range(width)]
    rows.clean_csv, rows.clean_skip = text, skip
    has_body = len(text) > start
    rows.rows = text.count(b"\n") - skip + (has_body and not text.endswith(b"\n"))


def _any_csv(data: bytes) -> PayoutRows:
    text, encoding = decode_text(data)
    delimiter = sniff_delimiter(text)
    records, ends = _first_records(text, delimiter)
    header = payout_columns.find_payout_header(Table(sheet="", rows=records))
    if header is None:
        return PayoutRows(sheet="", header=None)
    start = ends[header.row_index]
    rows = PayoutRows(
        sheet="", header=header, first_row=header.row_index + 2, delimiter=delimiter, _text=text, _start=start
    )
    if delimiter == ",":
        if encoding == "gb18030":
            utf8, at, skip = text[start:].encode(), 0, 0
        else:
            bom = 3 if encoding == "utf-8-sig" else 0
            utf8, at, skip = data, bom + len(text[:start].encode()), text[:start].count("\n")
        if is_clean_csv(utf8, at):
            _take_clean(rows, utf8, at, skip, len(records[header.row_index]))
    return rows
