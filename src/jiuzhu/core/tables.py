"""Read an uploaded table by its content, never by its name: XLSX (the templates are XLSX named .xls), legacy
XLS, or CSV in UTF-8 (with or without BOM), GB18030 (what banks send) or UTF-16 (Excel's "Unicode text").
Every importer reads through here. A workbook is checked against ``limits.Limits`` before calamine reads it
(``workbooks.check_xlsx``); the sheet read is the visible one that holds the header.
"""

import csv
import io
from collections.abc import Callable, Sequence

from python_calamine import CalamineError, CalamineWorkbook, SheetVisibleEnum

from jiuzhu.core.errors import InvalidInput
from jiuzhu.domain.problems import Problem, Where
from jiuzhu.domain.tabular import Table

from .limits import Limits, upload_limits
from .workbooks import check_xlsx, column_letters

#: Uploads above this are refused before parsing (a year of payouts of a large county is well below it).
MAX_BYTES = 400 * 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
#: Does a sheet (its first rows) hold the header the importer looks for?
HoldsHeader = Callable[[Table], bool]


def refuse(code: str, message: str) -> InvalidInput:
    return InvalidInput([Problem(code, message, Where(entity="文件"))])


def detect_format(data: bytes) -> str:
    """``xlsx``, ``xls`` or ``csv``, from the bytes."""
    if data.startswith(ZIP_MAGIC):
        return "xlsx"
    if data.startswith(OLE_MAGIC):
        return "xls"
    if data.startswith(UTF16_BOMS):
        return "csv"
    head = data[:4096]
    if head.count(0) > len(head) // 100:  # binary (a text with a stray NUL is read, and the NUL refused)
        raise refuse("NOT_A_TABLE", "文件不是XLSX、XLS或CSV表格")
    return "csv"


def read_table(data: bytes, *, max_bytes: int = MAX_BYTES, holds_header: HoldsHeader | None = None) -> Table:
    if not data:
        raise refuse("EMPTY_FILE", "文件为空")
    if len(data) > max_bytes:
        raise refuse("TOO_LARGE", f"文件超过{max_bytes // 1024 // 1024}MB")
    kind = detect_format(data)
    limits = upload_limits()
    table = read_csv(data) if kind == "csv" else read_workbook(data, holds_header=holds_header)
    check_cells(table, limits)
    return table


def read_workbook(data: bytes, *, holds_header: HoldsHeader | None = None) -> Table:
    """The visible sheet that holds the header (the templates keep their dropdown lists on Sheet2; a hidden
    first sheet is never read); refused when two visible sheets hold it. Without ``holds_header``, or when no
    sheet holds it, the first visible sheet."""
    limits = upload_limits()
    if data.startswith(ZIP_MAGIC):
        check_xlsx(data, limits)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        metadata = workbook.sheets_metadata
        visible = [i for i, m in enumerate(metadata) if m.visible == SheetVisibleEnum.Visible] or [0]
        first, holding = None, []
        for index in visible if holds_header is not None else visible[:1]:
            sheet = workbook.get_sheet_by_index(index)
            _check_extent(sheet.name, sheet.height, sheet.width, limits)
            table = Table(sheet=sheet.name, rows=sheet.to_python(skip_empty_area=False), first_row=1)
            if holds_header is not None and holds_header(table):
                holding.append(table)
            elif first is None:
                first = table
    except (CalamineError, ValueError, IndexError) as exc:
        raise refuse("BAD_WORKBOOK", "无法读取该表格文件，请确认是XLSX或XLS格式") from exc
    if len(holding) > 1:
        names = "、".join(f"“{t.sheet}”" for t in holding)
        raise refuse(
            "AMBIGUOUS_SHEETS",
            f"工作簿中有多个可见工作表（{names}）都含有表头，无法确定导入哪一个，请只保留一个",
        )
    chosen = holding[0] if holding else first
    assert chosen is not None
    return chosen


def _check_extent(sheet: str, height: int, width: int, limits: Limits) -> None:
    """The sheet's extent as calamine read it (a legacy XLS is not checked before)."""
    if height > limits.rows or width > limits.columns or height * width > limits.cells:
        raise InvalidInput(
            [
                Problem(
                    "TOO_MANY_CELLS",
                    f"工作表“{sheet}”有{height}行、{width}列，超过上限（{limits.rows}行、{limits.columns}列、"
                    f"共{limits.cells}个单元格）",
                    Where(sheet=sheet),
                )
            ]
        )


def check_cells(table: Table, limits: Limits) -> None:
    """Every text cell within the length limit and free of NUL characters: refused with sheet, row and column."""
    problems = []
    for index, row in enumerate(table.rows):
        for position, cell in enumerate(row):
            if isinstance(cell, str) and (len(cell) > limits.cell_chars or "\x00" in cell):
                problems.append(cell_problem(table.sheet, table.first_row + index, position, cell, limits))
                if len(problems) >= 100:
                    raise InvalidInput(problems)
    if problems:
        raise InvalidInput(problems)


def cell_problem(sheet: str, row: int, position: int, cell: str, limits: Limits) -> Problem:
    column = f"{column_letters(position + 1)}列"
    if "\x00" in cell:
        return Problem(
            "NUL_CHARACTER",
            "单元格含有空字符（NUL），请删除后重新导入",
            Where(sheet=sheet, row=row, column=column),
        )
    return Problem(
        "CELL_TOO_LONG",
        f"单元格有{len(cell)}个字符，超过{limits.cell_chars}个字符的上限",
        Where(sheet=sheet, row=row, column=column),
    )


def decode(data: bytes) -> str:
    return decode_text(data)[0]


def decode_text(data: bytes) -> tuple[str, str]:
    """The text and its encoding: ``utf-8-sig``, ``utf-16``, ``utf-8`` or ``gb18030``."""
    if data.startswith(UTF16_BOMS):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise refuse("BAD_ENCODING", "CSV文件以UTF-16标记开头，但内容不是有效的UTF-16文本") from exc
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise refuse("BAD_ENCODING", "CSV文件既不是UTF-8也不是GB18030编码") from exc


def sniff_delimiter(text: str) -> str:
    """A tab when the first line has tabs and no comma (a sheet copied out of Excel), else a comma."""
    first_line = text[: text.find("\n")] if "\n" in text else text
    return "\t" if "\t" in first_line and "," not in first_line else ","


def read_csv(data: bytes) -> Table:
    text = decode(data)
    limits = upload_limits()
    csv.field_size_limit(max(limits.cell_chars * 4, 131072))
    rows: list[Sequence[str]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text)):
            if len(rows) >= limits.rows:
                raise refuse("TOO_MANY_ROWS", f"CSV文件超过{limits.rows}行的上限")
            if len(row) > limits.columns:
                raise refuse(
                    "TOO_MANY_COLUMNS",
                    f"CSV文件第{len(rows) + 1}行有{len(row)}列，超过{limits.columns}列的上限",
                )
            rows.append(row)
    except csv.Error as exc:
        raise refuse(
            "CELL_TOO_LONG",
            f"CSV文件第{len(rows) + 1}行有单元格超过{limits.cell_chars}个字符的上限或格式有误",
        ) from exc
    return Table(sheet="", rows=rows, first_row=1)
