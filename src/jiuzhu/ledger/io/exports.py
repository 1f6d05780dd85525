"""The 到人到户资金发放明细表 back out, in the national template's 13 columns, for the 直达资金监控系统."""

import io
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import xlsxwriter

from jiuzhu.core.spreadsheet import safe_text
from jiuzhu.domain.payout_columns import FAMILY, IDEN_TYPES, REQUIRED, TEMPLATE_13, TITLES

#: The template marks its required columns with *.
REQUIRED_MARK = frozenset(REQUIRED)
SHEET = "到人到户资金发放明细表模板"


def template_row(values: Mapping[str, Any]) -> list[object]:
    """One payout (element → stored value; amounts Decimal 元 as the MoneyField gives them) as template cells."""
    cells: list[object] = []
    for element in TEMPLATE_13:
        value = values[element]
        if element in ("pay_amt", "xpay_amt"):
            if not isinstance(value, Decimal):
                raise TypeError(f"{element} must be Decimal 元, not {type(value).__name__}")
            cells.append(value)
        elif element == "iden_type":
            cells.append(IDEN_TYPES.get(str(value), str(value)))
        elif element == "to_peop_family":
            cells.append(FAMILY.get(str(value), str(value)))
        else:
            cells.append(safe_text(str(value or "")))
    return cells


def write_payouts_xlsx(rows: Iterable[Mapping[str, Any]]) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": True})
    sheet = book.add_worksheet(SHEET)
    title = book.add_format({"bold": True, "font_size": 14, "align": "center"})
    head = book.add_format({"bold": True, "border": 1, "bg_color": "#F2F2F2", "align": "center"})
    text = book.add_format({"num_format": "@"})
    money = book.add_format({"num_format": "0.00"})
    sheet.merge_range(0, 0, 0, len(TEMPLATE_13) - 1, "到人到户资金发放明细表", title)
    for col, element in enumerate(TEMPLATE_13):
        label = TITLES[element] + ("*" if element in REQUIRED_MARK else "")
        sheet.write_string(1, col, label, head)
        sheet.set_column(col, col, 22 if element in ("iden_no", "pay_cert_no") else 14)
    for r, values in enumerate(rows, start=2):
        for col, cell in enumerate(template_row(values)):
            if isinstance(cell, str):
                sheet.write_string(r, col, cell, text)
            else:
                # Decimal 元 with 2 places: an XLSX number cell is a double; 2-place amounts round-trip exactly.
                sheet.write_number(r, col, cell, money)
    book.close()
    return out.getvalue()
