"""Safe text for spreadsheets: a cell a user typed must never run as a formula in Excel or WPS."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Prefix a quote to text that a spreadsheet would read as a formula (CSV injection)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value
