"""An XLSX (or DOCX) package checked before its parser runs: every zip member's inflated size, and each sheet's
declared and actual extent — the ``<dimension ref>`` and the farthest cell reference — against ``Limits``.

The sheet XML is inflated once in chunks (never whole) and searched with regular expressions that only match
what would break a limit (a row number above the farthest one seen so far, a column beyond it, a text run
longer than a cell may be), so that a million-row sheet costs about a second and no memory.
"""

import io
import re
import zipfile
from collections.abc import Callable
from functools import lru_cache

from jiuzhu.core.errors import InvalidInput
from jiuzhu.domain.problems import Problem, Where

from .limits import Limits, megabytes

CHUNK = 4 << 20
#: A ``r="…"`` reference cut by a chunk's end is completed by carrying this many bytes over.
CARRY = 64
_DIMENSION = re.compile(rb'<dimension\s+ref="([A-Z]*)([0-9]*)(?::([A-Z]*)([0-9]*))?"')
_LAST_ROW = re.compile(rb'<row r="([0-9]+)"')
_REFS = re.compile(rb' r="([A-Z]*)([0-9]+)"')


def refuse(code: str, message: str, sheet: str = "") -> InvalidInput:
    return InvalidInput([Problem(code, message, Where(sheet=sheet, entity="" if sheet else "文件"))])


def column_number(letters: str | bytes) -> int:
    """A → 1, Z → 26, AA → 27, XFD → 16384."""
    number = 0
    for ch in letters.decode() if isinstance(letters, bytes) else letters:
        number = number * 26 + ord(ch) - 64
    return number


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _greater(text: str, alphabet: str) -> str:
    """A regular expression for the strings of ``alphabet`` (ordered, no leading zeros for digits) that are
    greater than ``text`` when compared as numbers (longer is greater)."""
    low, high = alphabet[0], alphabet[-1]
    first = "1" if alphabet[0] == "0" else low
    parts = [f"[{first}-{high}][{low}-{high}]{{{len(text)},}}"]
    for i, ch in enumerate(text):
        if ch != high:
            above = chr(ord(ch) + 1)
            rest = len(text) - i - 1
            parts.append(f"{re.escape(text[:i])}[{above}-{high}][{low}-{high}]{{{rest}}}")
    return "|".join(parts)


@lru_cache(maxsize=256)
def _beyond(max_row: int, max_column: int) -> re.Pattern[bytes]:
    """A cell or row reference farther down than ``max_row`` or farther right than ``max_column``."""
    rows = _greater(str(max_row), "0123456789")
    columns = _greater(column_letters(max_column), "ABCDEFGHIJKLMNOPQRSTUVWXYZ") if max_column else "[A-Z]+"
    return re.compile(
        rf' r="(?:[A-Z]*(?:{rows})|(?:{columns})[0-9]+)"'.encode(),
    )


def _long_text(limits: Limits) -> Callable[[bytes], bool]:
    """True when a chunk holds a text run (no ``<``) longer than a cell may be (at 4 bytes a character, so a
    block of that many bytes without ``<`` can only be inside one text); the exact count is the reader's."""
    block = 4 * limits.cell_chars

    def check(chunk: bytes) -> bool:
        return any(b"<" not in chunk[i : i + block] for i in range(0, len(chunk) - block + 1, block))

    return check


def declared_members(data: bytes) -> int | None:
    """The member count the zip's end record states (its last 64 KB), before the central directory is read —
    a directory of millions of entries costs memory to list; None when there is no end record."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 12 > len(data):
        return None
    count = int.from_bytes(data[end + 10 : end + 12], "little")
    zip64 = data.rfind(b"PK\x06\x06", max(0, end - 4096), end)
    if count == 0xFFFF and zip64 >= 0 and zip64 + 40 <= len(data):
        count = int.from_bytes(data[zip64 + 32 : zip64 + 40], "little")
    return count


def open_package(data: bytes, limits: Limits, *, what: str = "表格") -> zipfile.ZipFile:
    """The zip package, its members counted and their declared inflated sizes summed against the limits."""
    stated = declared_members(data)
    if stated is not None and stated > limits.members:
        raise refuse("TOO_MANY_PARTS", f"{what}文件包含{stated}个部件，超过上限{limits.members}个")
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        members = package.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise refuse("BAD_WORKBOOK", f"无法读取该{what}文件（压缩包已损坏）") from exc
    if len(members) > limits.members:
        raise refuse("TOO_MANY_PARTS", f"{what}文件包含{len(members)}个部件，超过上限{limits.members}个")
    inflated = sum(m.file_size for m in members)
    if inflated > limits.inflated_bytes:
        raise refuse(
            "TOO_LARGE_INFLATED",
            f"{what}文件解压后为{megabytes(inflated)}，超过上限{megabytes(limits.inflated_bytes)}",
        )
    return package


def read_member(package: zipfile.ZipFile, name: str, limits: Limits, *, what: str = "表格") -> bytes:
    """One member inflated, never past its declared size (nor the limit)."""
    info = package.getinfo(name)
    with package.open(info) as member:
        data = member.read(min(info.file_size, limits.inflated_bytes) + 1)
    if len(data) > info.file_size:
        raise refuse("BAD_WORKBOOK", f"无法读取该{what}文件（压缩包中的部件大小与声明不符）")
    return data


def sheet_names(package: zipfile.ZipFile, limits: Limits) -> dict[str, str]:
    """Zip member → the sheet's name, for the worksheets the workbook lists."""
    names: dict[str, str] = {}
    try:
        workbook = read_member(package, "xl/workbook.xml", limits).decode("utf-8", "replace")
        rels = read_member(package, "xl/_rels/workbook.xml.rels", limits).decode("utf-8", "replace")
    except KeyError:
        return {m: m.rsplit("/", 1)[-1] for m in package.namelist() if m.startswith("xl/worksheets/")}
    targets = dict(re.findall(r'<Relationship\b[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"', rels))
    targets |= {i: t for t, i in re.findall(r'<Relationship\b[^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)}
    for name, rid in re.findall(r'<sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]+)"', workbook):
        target = targets.get(rid, "")
        member = target.lstrip("/") if target.startswith("/") else "xl/" + target
        names[member] = name
    for member in package.namelist():
        if member.startswith("xl/worksheets/") and member.endswith(".xml"):
            names.setdefault(member, member.rsplit("/", 1)[-1])
    return names


def check_xlsx(data: bytes, limits: Limits) -> None:
    """Refuse a workbook whose members or sheets exceed the limits, before calamine reads it."""
    with open_package(data, limits) as package:
        sheets = sheet_names(package, limits)
        long_text = _long_text(limits)
        for info in package.infolist():
            name = info.filename
            if name in sheets:
                _check_sheet(package, info, sheets[name], limits, long_text)
            elif name.endswith(".xml") and ("sharedStrings" in name or name.startswith("xl/")):
                _check_texts(package, info, limits, long_text)


def _chunks(package: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, sheet: str = ""):  # type: ignore[no-untyped-def]
    """The member inflated in chunks, each with the last bytes of the one before; refused past its declared
    size."""
    seen, tail = 0, b""
    try:
        with package.open(info) as member:
            while chunk := member.read(CHUNK):
                seen += len(chunk)
                if seen > info.file_size or seen > limits.inflated_bytes:
                    raise refuse("BAD_WORKBOOK", "无法读取该表格文件（压缩包中的部件大小与声明不符）", sheet)
                yield tail + chunk
                tail = chunk[-CARRY:]
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise refuse("BAD_WORKBOOK", "无法读取该表格文件（压缩包已损坏）", sheet) from exc


def _check_texts(
    package: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, long_text: Callable[[bytes], bool]
) -> None:
    for chunk in _chunks(package, info, limits):
        if long_text(chunk):
            raise refuse("CELL_TOO_LONG", f"表格中有单元格超过{limits.cell_chars}个字符的上限")


def _check_sheet(
    package: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    sheet: str,
    limits: Limits,
    long_text: Callable[[bytes], bool],
) -> None:
    max_row = max_column = 0
    first = True
    for chunk in _chunks(package, info, limits, sheet):
        if first:
            first = False
            if declared := _DIMENSION.search(chunk):
                _within(sheet, limits, _declared(declared), declared=True)
        if long_text(chunk):
            raise refuse(
                "CELL_TOO_LONG", f"工作表“{sheet}”中有单元格超过{limits.cell_chars}个字符的上限", sheet
            )
        if near_end := _LAST_ROW.findall(chunk, max(0, len(chunk) - 4096)):
            max_row = max(max_row, int(near_end[-1]))
        if max_row == 0 or _beyond(max_row, max_column).search(chunk):
            for letters, digits in _REFS.findall(chunk):
                max_row = max(max_row, int(digits))
                if letters:
                    max_column = max(max_column, column_number(letters))
            _within(sheet, limits, (max_row, max_column), declared=False)


def _declared(match: re.Match[bytes]) -> tuple[int, int]:
    c1, r1, c2, r2 = match.groups()
    return int(r2 or r1 or 0), column_number(c2 or c1 or b"")


def _within(sheet: str, limits: Limits, extent: tuple[int, int], *, declared: bool) -> None:
    rows, columns = extent
    said = "声明" if declared else "实际"
    where = f"工作表“{sheet}”{said}的范围到第{rows}行、第{columns}列（{column_letters(columns) or '-'}列）"
    if rows > limits.rows:
        raise refuse("TOO_MANY_ROWS", f"{where}，超过{limits.rows}行的上限", sheet)
    if columns > limits.columns:
        raise refuse("TOO_MANY_COLUMNS", f"{where}，超过{limits.columns}列的上限", sheet)
    if rows * columns > limits.cells:
        raise refuse(
            "TOO_MANY_CELLS", f"{where}，共{rows * columns}个单元格，超过{limits.cells}个的上限", sheet
        )
