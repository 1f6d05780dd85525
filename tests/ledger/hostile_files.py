"""A corpus of malformed payout files, generated (never committed as blobs): each is (name, bytes, expected code,
whether the refusal names a row). ``nasty`` ones are also read in a child process under RLIMIT_AS."""

import functools
import io
import zipfile

from ledger_helpers import SHORT_HEADER, VOUCHER, csv_bytes, valid_id

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _cell(ref: str, value: object) -> str:
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    text = str(value).replace("&", "&amp;").replace("<", "&lt;")
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _letters(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def sheet_xml(rows: list[list[object]], *, dimension: str | None = None, extra: str = "") -> str:
    body = "".join(
        f'<row r="{i}">' + "".join(_cell(f"{_letters(j)}{i}", v) for j, v in enumerate(r, 1)) + "</row>"
        for i, r in enumerate(rows, 1)
    )
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}>{dim}<sheetData>{body}{extra}</sheetData></worksheet>'


def xlsx(sheets: list[tuple[str, str, str]], *, members: dict[str, bytes] | None = None) -> bytes:
    """(name, sheet XML, state) → a minimal XLSX package."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f"{overrides}</Types>",
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        entries = "".join(
            f'<sheet name="{name}" sheetId="{i}" state="{state}" r:id="rId{i}"/>'
            for i, (name, _, state) in enumerate(sheets, 1)
        )
        z.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0"?><workbook {NS} xmlns:r="{REL}"><sheets>{entries}</sheets></workbook>',
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{rels}</Relationships>",
        )
        for i, (_, xml, _) in enumerate(sheets, 1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", xml)
        for name, data in (members or {}).items():
            z.writestr(name, data)
    return out.getvalue()


def good_row(serial: int = 1, name: str = "张三", **cells: object) -> list[object]:
    row: dict[str, object] = dict(
        zip(
            SHORT_HEADER,
            [name, "身份证号", valid_id(serial=serial), "到人", "100", "100", "6", VOUCHER],
            strict=True,
        )
    )
    row.update(cells)
    return list(row.values())


def one_sheet(rows: list[list[object]], **kw: object) -> bytes:
    return xlsx([("发放明细", sheet_xml([SHORT_HEADER, *rows], **kw), "visible")])  # type: ignore[arg-type]


@functools.lru_cache(maxsize=1)
def corpus() -> list[tuple[str, bytes, str, bool]]:
    """(name, data, expected problem code, the refusal names a row)."""
    H = SHORT_HEADER
    files: list[tuple[str, bytes, str, bool]] = []

    def add(name: str, data: bytes, code: str, row: bool = False) -> None:
        files.append((name, data, code, row))

    # --- extent: declared and actual -----------------------------------------------------------------------
    for ref in ("A1:XFD1048576", "A1:XFD1", "A1:GS1", "A1:Z1048576", "A1:H1048577", "XFD1048576"):
        code = {"XFD1": "TOO_MANY_COLUMNS", "GS1": "TOO_MANY_COLUMNS", "Z1048576": "TOO_MANY_CELLS"}
        expected = next((c for k, c in code.items() if ref.endswith(k)), None)
        expected = expected or ("TOO_MANY_ROWS" if ref.endswith("1048577") else "TOO_MANY_COLUMNS")
        add(f"declared {ref}", one_sheet([good_row()], dimension=ref), expected)
    for far in ("XFD1048576", "XFD2", "GS2", "Z1048576", "A1048577", "ZZZ9"):
        extra = f'<row r="{far.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}">{_cell(far, "x")}</row>'
        expected = (
            "TOO_MANY_CELLS"
            if far == "Z1048576"
            else "TOO_MANY_ROWS"
            if far == "A1048577"
            else "TOO_MANY_COLUMNS"
        )
        add(f"one cell at {far}", one_sheet([good_row()], extra=extra), expected)
    far_first = sheet_xml([H], extra=f'<row r="3">{_cell("XFD3", "x")}</row>').replace(
        "<sheetData>", f'<sheetData><row r="1048576">{_cell("XFD1048576", 1)}</row>'
    )
    add("far cell first, rows out of order", xlsx([("s", far_first, "visible")]), "TOO_MANY_COLUMNS")
    # --- inflated size, parts, long cells ----------------------------------------------------------------
    add("1000+ parts", _many_parts(), "TOO_MANY_PARTS")
    # 40,000 characters pass the package check (under 4 bytes a character) and are refused as a name too long
    add("inline string of 40000", one_sheet([good_row(name="长" * 40_000)]), "TOO_LONG", True)
    add("inline string of 200000", one_sheet([good_row(name="长" * 200_000)]), "CELL_TOO_LONG")
    add(
        "shared string of 300,000",
        xlsx(
            [("s", sheet_xml([H, good_row()]), "visible")],
            members={"xl/sharedStrings.xml": f"<sst {NS}><si><t>{'a' * 300_000}</t></si></sst>".encode()},
        ),
        "CELL_TOO_LONG",
    )
    # --- broken packages and non-tables --------------------------------------------------------------------
    add("zip magic only", b"PK\x03\x04", "BAD_WORKBOOK")
    add("truncated workbook", one_sheet([good_row()])[:300], "BAD_WORKBOOK")
    add("zip without a workbook", _zip({"a.txt": b"hello"}), "BAD_WORKBOOK")
    add("OLE header, nothing else", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "BAD_WORKBOOK")
    add("binary noise, a NUL every 256 bytes", bytes(range(256)) * 20, "NUL_CHARACTER", True)
    add("binary noise, mostly NUL", b"\x00\x01" * 3000, "NOT_A_TABLE")
    add("empty", b"", "EMPTY_FILE")
    add("a PNG", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "NOT_A_TABLE")
    add("latin-1 noise (GB18030 garbage)", b"\xfa\xfb\xfc\xfd" * 50, "MISSING_COLUMNS")
    add(
        "UTF-16 with an odd byte",
        b"\xff\xfe" + "姓名,证件号码\n".encode("utf-16-le") + b"\x00",
        "BAD_ENCODING",
    )
    # --- sheets ----------------------------------------------------------------------------------------------
    both = [
        ("明细一", sheet_xml([H, good_row()]), "visible"),
        ("明细二", sheet_xml([H, good_row(2)]), "visible"),
    ]
    add("two visible sheets with the header", xlsx(both), "AMBIGUOUS_SHEETS")
    hidden = [("隐藏", sheet_xml([H, good_row()]), "hidden"), ("说明", sheet_xml([["填表说明"]]), "visible")]
    add("the header only on a hidden sheet", xlsx(hidden), "MISSING_COLUMNS")
    very = [("隐藏", sheet_xml([H, good_row()]), "veryHidden"), ("空", sheet_xml([["x"]]), "visible")]
    add("the header only on a very hidden sheet", xlsx(very), "MISSING_COLUMNS")
    # --- columns -------------------------------------------------------------------------------------------
    for title, other in (
        ("姓名", "姓名"),
        ("证件号码", "iden_no"),
        ("实发金额", "实发金额(元)"),
        ("发放月份", "pay_month"),
    ):
        header = [*H, other]
        add(f"CSV: {title} twice", csv_bytes(header, [[*good_row(), "x"]]), "REPEATED_COLUMN")
        add(
            f"XLSX: {title} twice",
            xlsx([("s", sheet_xml([header, [*good_row(), "x"]]), "visible")]),
            "REPEATED_COLUMN",
        )
    add("CSV of 201 columns, no rows", csv_bytes([*H, *[f"c{i}" for i in range(193)]], []), "EMPTY")
    add("no header", csv_bytes(["甲", "乙"], [["1", "2"]]), "MISSING_COLUMNS")
    add("header only", csv_bytes(H, []), "EMPTY")
    # --- cells -----------------------------------------------------------------------------------------------
    add("CSV: NUL in a name", csv_bytes(H, [good_row(), good_row(2, name="李\x00四")]), "NUL_CHARACTER", True)
    add(
        "CSV: NUL in row 40",
        csv_bytes(H, [good_row(i) for i in range(1, 40)] + [good_row(40, name="\x00")]),
        "NUL_CHARACTER",
        True,
    )
    add("CSV: NUL in an amount", csv_bytes(H, [good_row(实发金额="1\x000")]), "NUL_CHARACTER", True)
    add("XLSX: NUL escaped in a name", one_sheet([good_row(name="王_x0000_五")]), "NUL_CHARACTER", True)
    # 支付凭证号 is a Categorical column of the frame: its NUL is found as a name's is
    add(
        "XLSX: NUL escaped in a voucher", one_sheet([good_row(支付凭证号="V_x0000_1")]), "NUL_CHARACTER", True
    )
    for title, length in (("姓名", 65), ("姓名", 500)):
        add(f"CSV: {title} of {length}", csv_bytes(H, [good_row(name="名" * length)]), "TOO_LONG", True)
        add(f"XLSX: {title} of {length}", one_sheet([good_row(name="名" * length)]), "TOO_LONG", True)
    remark = [*H, "备注"]
    add("CSV: 备注 of 201", csv_bytes(remark, [[*good_row(), "注" * 201]]), "TOO_LONG", True)
    town = [*H, "乡镇编码", "村编码"]
    add(
        "CSV: 乡镇 of another county", csv_bytes(town, [[*good_row(), "654201001", ""]]), "FOREIGN_CODE", True
    )
    add(
        "CSV: 村 of another county",
        csv_bytes(town, [[*good_row(), "", "654226001001"]]),
        "FOREIGN_CODE",
        True,
    )
    add(
        "CSV: 村 of another prefecture",
        csv_bytes(town, [[*good_row(), "", "653101001001"]]),
        "FOREIGN_CODE",
        True,
    )
    future = valid_id(birth="20991231")
    add("CSV: born in 2099", csv_bytes(H, [good_row(证件号码=future)]), "BAD_ID", True)
    add("XLSX: born in 2099", one_sheet([good_row(证件号码=future)]), "BAD_ID", True)
    fw = valid_id(birth="20991231").translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    add("CSV: born in 2099, full-width", csv_bytes(H, [good_row(证件号码=fw)]), "BAD_ID", True)
    add(
        "CSV: bad check digit",
        csv_bytes(H, [good_row(证件号码=valid_id()[:-1] + "0")]),
        "BAD_ID",
        True,
    )
    add("CSV: 17-digit ID", csv_bytes(H, [good_row(证件号码=valid_id()[:-1])]), "BAD_ID", True)
    add("CSV: negative amount", csv_bytes(H, [good_row(实发金额="-1")]), "NEGATIVE_AMOUNT", True)
    add("CSV: amount 1e9999", csv_bytes(H, [good_row(应发金额="1e9999")]), "BAD_AMOUNT", True)
    add("CSV: =cmd formula as amount", csv_bytes(H, [good_row(应发金额="=1+1")]), "BAD_AMOUNT", True)
    add("CSV: month 13", csv_bytes(H, [good_row(发放月份="13")]), "BAD_MONTH", True)
    add("CSV: unknown voucher", csv_bytes(H, [good_row(支付凭证号="X-1")]), "UNKNOWN_VOUCHER", True)
    add("CSV: 证件类型 99", csv_bytes(H, [good_row(证件类型="99")]), "BAD_CODE", True)
    fw_dup = valid_id().translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    add(
        "CSV: one person twice, once full-width",
        csv_bytes(H, [good_row(), good_row(证件号码=fw_dup)]),
        "DUPLICATE_IN_FILE",
        True,
    )
    add(
        "UTF-16: NUL in a name",
        b"\xff\xfe"
        + "\t".join(H).encode("utf-16-le")
        + "\r\n".encode("utf-16-le")
        + "\t".join(good_row(name="a\x00b")).encode("utf-16-le"),
        "NUL_CHARACTER",
        True,
    )
    add("CSV: a short row", csv_bytes(H, [good_row()[:5]]), "REQUIRED", True)
    return files


#: Files that ask a parser for gigabytes beyond the corpus's: (name, builder, code); built only by the test that
#: reads them, never at collection (the 1.1 GB sheet takes seconds to deflate).
BIG = [
    ("a 1.1 GB inflated sheet", lambda: _bomb(1_100 * 1024 * 1024), "TOO_LARGE_INFLATED"),
    ("a 150 MB shared string", lambda: _long_shared(150 * 1024 * 1024), "CELL_TOO_LONG"),
]
NASTY_PREFIXES = ("declared", "one cell at", "far cell", "inline string of 2", "shared string")


def nasty_names() -> list[str]:
    return [name for name, *_ in corpus() if name.startswith(NASTY_PREFIXES)] + [name for name, *_ in BIG]


def nasty(name: str) -> tuple[bytes, str]:
    """A file that asks a parser for gigabytes: read in a child process under RLIMIT_AS (default limits)."""
    for corpus_name, data, code, _ in corpus():
        if corpus_name == name:
            return data, code
    build, code = next((b, c) for n, b, c in BIG if n == name)
    return build(), code


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def _many_parts() -> bytes:
    return xlsx(
        [("s", sheet_xml([SHORT_HEADER]), "visible")], members={f"x/{i}.xml": b"" for i in range(1001)}
    )


def _streamed(name: str, head: bytes, filler: bytes, size: int, tail: bytes) -> bytes:
    out = io.BytesIO()
    base = xlsx([("s", sheet_xml([SHORT_HEADER]), "visible")])
    with (
        zipfile.ZipFile(io.BytesIO(base)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z,
    ):
        for info in src.infolist():
            z.writestr(info.filename, src.read(info.filename))
        with z.open(name, "w", force_zip64=True) as member:
            member.write(head)
            block = filler * max(1, (1 << 20) // len(filler))
            written = 0
            while written < size:
                member.write(block)
                written += len(block)
            member.write(tail)
    return out.getvalue()


def _bomb(size: int) -> bytes:
    return _streamed(
        "xl/worksheets/sheet2.xml",
        b"<worksheet><sheetData>",
        b"<row/>" * 1000,
        size,
        b"</sheetData></worksheet>",
    )


def _long_shared(size: int) -> bytes:
    return _streamed(
        "xl/sharedStrings.xml", f"<sst {NS}><si><t>".encode(), b"a" * 1024, size, b"</t></si></sst>"
    )
