"""The audit trail as CSV (UTF-8 with BOM) or XLSX; every text cell goes through safe_text."""

import csv
import io
import json
from collections.abc import Iterable

import xlsxwriter
from django.utils import timezone

from jiuzhu.core.spreadsheet import safe_text

from .actions import action_label
from .models import AuditRecord
from .readable import Names, changes_text, entity_text

HEADER = [
    "编号",
    "时间",
    "操作人",
    "地区",
    "操作",
    "对象",
    "变更内容",
    "操作代码",
    "账号",
    "对象（原始）",
    "变更前（原始）",
    "变更后（原始）",
    "IP",
    "哈希",
]


def rows(records: Iterable[AuditRecord], names: Names) -> Iterable[list[str]]:
    for r in records:
        yield [
            str(r.pk),
            f"{timezone.localtime(r.created_at):%Y-%m-%d %H:%M:%S}",
            safe_text(names.person(r.actor)),
            safe_text(names.region(r.region_path)),
            safe_text(action_label(r.action)),
            safe_text(entity_text(r)),
            safe_text(changes_text(r, names)),
            safe_text(r.action),
            safe_text(r.actor),
            safe_text(r.entity),
            safe_text(json.dumps(r.before, ensure_ascii=False)) if r.before is not None else "",
            safe_text(json.dumps(r.after, ensure_ascii=False)) if r.after is not None else "",
            safe_text(r.ip),
            r.hash,
        ]


def as_csv(records: Iterable[AuditRecord], names: Names) -> bytes:
    text = io.StringIO(newline="")
    text.write("\ufeff")
    writer = csv.writer(text)
    writer.writerow(HEADER)
    writer.writerows(rows(records, names))
    return text.getvalue().encode("utf-8")


def as_xlsx(records: Iterable[AuditRecord], names: Names) -> bytes:
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
    )
    ws = wb.add_worksheet("审计日志")
    head = wb.add_format({"bold": True, "border": 1, "bg_color": "#F0F2F5"})
    ws.write_row(0, 0, HEADER, head)
    for i, row in enumerate(rows(records, names), start=1):
        for j, value in enumerate(row):
            ws.write_string(i, j, value)
    ws.set_column(0, 0, 8)
    ws.set_column(1, 1, 20)
    ws.set_column(2, 5, 24)
    ws.set_column(6, 6, 50)
    ws.set_column(10, 11, 40)
    ws.freeze_panes(1, 0)
    wb.close()
    return buffer.getvalue()
