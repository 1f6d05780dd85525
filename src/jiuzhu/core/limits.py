"""What an upload may hold before any parser sees it: rows, columns, cells, characters in a cell, bytes once
inflated. A parser allocates by what a file declares (calamine a whole rectangle from A1 to the farthest cell:
one cell at XFD1048576 asks for 512 GB), so the declarations are checked first, each refusal stating its limit.

Defaults below; ``settings.JIUZHU_UPLOAD_LIMITS`` (a dict with any of the field names) overrides them.
"""

from dataclasses import dataclass, fields, replace


@dataclass(frozen=True)
class Limits:
    rows: int = 1_048_576
    """Rows of a sheet or CSV (Excel's own maximum)."""
    columns: int = 200
    cells: int = 25_000_000
    """Rows × columns of a sheet's rectangle (a million rows of the 14-column template fit)."""
    cell_chars: int = 32_767
    """Characters in one cell (Excel's own maximum)."""
    inflated_bytes: int = 1024 * 1024 * 1024
    """Bytes of a workbook or document once its zip members are inflated."""
    members: int = 1000
    """Members of a workbook's or document's zip package."""
    document_bytes: int = 16 * 1024 * 1024
    """Bytes of a document (DOCX) once inflated, its pictures included."""
    parse_memory_bytes: int = 1024 * 1024 * 1024
    """Memory a background import's parse may take in its child process (``core.sandbox``)."""
    parse_seconds: int = 60
    """CPU seconds a background import's parse may take in its child process."""
    document_xml_bytes: int = 4 * 1024 * 1024
    """Bytes of a document's XML parts once inflated: python-docx holds their whole tree, some 50 times the XML
    (4MB of paragraphs take 200MB and 2.5 s), and a notice with its attachments has well under 1MB."""


def upload_limits() -> Limits:
    from django.conf import settings

    overrides = getattr(settings, "JIUZHU_UPLOAD_LIMITS", None) or {}
    known = {f.name for f in fields(Limits)}
    return replace(Limits(), **{k: int(v) for k, v in overrides.items() if k in known})


def megabytes(count: int) -> str:
    return f"{count / 1024 / 1024:g}MB"
