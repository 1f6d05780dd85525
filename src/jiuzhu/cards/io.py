"""Reference lists in, call sheets out. An upload is hostile until read: its size is checked before parsing, an
XLSX's unpacked size before it is unpacked (a small zip can hold gigabytes), and its rows are counted before
they are checked."""

import io
import zipfile
from collections.abc import Iterable, Sequence

import xlsxwriter

from jiuzhu.core.spreadsheet import safe_text
from jiuzhu.core.tables import ZIP_MAGIC, read_table, refuse
from jiuzhu.domain.tabular import Table

#: A list of a whole prefecture's deaths or employees is far below these.
MAX_BYTES = 10 * 1024 * 1024
MAX_UNPACKED = 100 * 1024 * 1024
MAX_ROWS = 100_000


def read_list(data: bytes) -> Table:
    if len(data) > MAX_BYTES:
        raise refuse("TOO_LARGE", f"名单文件超过{MAX_BYTES // 1024 // 1024}MB，请分县（市）导入")
    if data.startswith(ZIP_MAGIC):
        _check_unpacked(data)
    table = read_table(data, max_bytes=MAX_BYTES)
    if len(table.rows) > MAX_ROWS + 5:
        raise refuse("TOO_MANY_ROWS", f"名单超过{MAX_ROWS}行，请分县（市）导入")
    return table


def _check_unpacked(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise refuse("BAD_WORKBOOK", "无法读取该表格文件，请确认是XLSX或XLS格式") from exc
    if unpacked > MAX_UNPACKED:
        raise refuse("TOO_LARGE", "表格解压后过大，疑似异常文件，已拒绝")


CALL_SHEET_HEADER = (
    "序号",
    "村",
    "姓名",
    "证件号码",
    "发放月份",
    "支出方向",
    "实发金额（元）",
    "核查结果（已收到/未收到/金额不符/查无此人/联系不上）",
    "核查方式（电话/入户）",
    "核查人",
    "核查日期",
    "说明",
)


def call_sheet_xlsx(title: str, rows: Iterable[Sequence[object]]) -> bytes:
    """The sample as a sheet to call from: one person a row, the outcome columns left blank."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("回访核查")
    bold = book.add_format({"bold": True, "font_size": 14})
    head = book.add_format({"bold": True, "border": 1, "text_wrap": True})
    cell = book.add_format({"border": 1})
    sheet.write(0, 0, title, bold)
    for col, name in enumerate(CALL_SHEET_HEADER):
        sheet.write(1, col, name, head)
    for r, row in enumerate(rows, start=2):
        for col, value in enumerate(row):
            sheet.write(r, col, safe_text(value) if isinstance(value, str) else value, cell)
        for col in range(len(row), len(CALL_SHEET_HEADER)):
            sheet.write_blank(r, col, None, cell)
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 6, 14)
    sheet.set_column(3, 3, 22)
    sheet.set_column(7, 11, 16)
    book.close()
    return out.getvalue()
