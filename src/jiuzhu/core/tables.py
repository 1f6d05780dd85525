"""Read an uploaded table by its content, never by its name: XLSX (the templates are XLSX named .xls), legacy
XLS, or CSV in UTF-8 (with or without BOM) or GB18030 (what banks send). Every importer reads through here."""

import csv
import io

from python_calamine import CalamineError, CalamineWorkbook

from jiuzhu.core.errors import InvalidInput
from jiuzhu.domain.problems import Problem, Where
from jiuzhu.domain.tabular import Table

#: Uploads above this are refused before parsing (a year of payouts of a large county is well below it).
MAX_BYTES = 400 * 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def refuse(code: str, message: str) -> InvalidInput:
    return InvalidInput([Problem(code, message, Where(entity="文件"))])


def detect_format(data: bytes) -> str:
    """``xlsx``, ``xls`` or ``csv``, from the bytes."""
    if data.startswith(ZIP_MAGIC):
        return "xlsx"
    if data.startswith(OLE_MAGIC):
        return "xls"
    if b"\x00" in data[:4096]:
        raise refuse("NOT_A_TABLE", "文件不是XLSX、XLS或CSV表格")
    return "csv"


def read_table(data: bytes, *, max_bytes: int = MAX_BYTES) -> Table:
    if not data:
        raise refuse("EMPTY_FILE", "文件为空")
    if len(data) > max_bytes:
        raise refuse("TOO_LARGE", f"文件超过{max_bytes // 1024 // 1024}MB")
    kind = detect_format(data)
    return read_csv(data) if kind == "csv" else read_workbook(data)


def read_workbook(data: bytes) -> Table:
    """The first sheet (the templates keep their dropdown lists on Sheet2)."""
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
    except (CalamineError, ValueError, IndexError) as exc:
        raise refuse("BAD_WORKBOOK", "无法读取该表格文件，请确认是XLSX或XLS格式") from exc
    return Table(sheet=sheet.name, rows=rows, first_row=1)


def decode(data: bytes) -> str:
    return decode_text(data)[0]


def decode_text(data: bytes) -> tuple[str, str]:
    """The text and its encoding: ``utf-8-sig``, ``utf-8`` or ``gb18030``."""
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
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text)))
    return Table(sheet="", rows=rows, first_row=1)
