"""The findings list as XLSX (证件号码 only masked, as in the messages)."""

import datetime
import io
from collections.abc import Iterable

import xlsxwriter

from jiuzhu.domain.findings import SEVERITY_LABELS, STATE_LABELS, Severity, State, is_overdue
from jiuzhu.domain.purposes import PURPOSE_LABELS, Purpose

from .models import Finding

HEADER = [
    "编号",
    "年度",
    "地区",
    "规则",
    "等级",
    "状态",
    "问题描述",
    "支出方向",
    "月份",
    "首次发现",
    "整改期限",
    "是否逾期",
    "重新出现次数",
    "误报理由",
    "整改措施",
    "承诺完成日期",
]


def findings_xlsx(findings: Iterable[Finding], today: datetime.date) -> bytes:
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True})
    ws = wb.add_worksheet("监控预警")
    bold = wb.add_format({"bold": True, "bg_color": "#f0f2f5", "border": 1})
    ws.write_row(0, 0, HEADER, bold)
    ws.set_column(0, 2, 12)
    ws.set_column(3, 3, 22)
    ws.set_column(6, 6, 80)
    for i, f in enumerate(findings, start=1):
        state = State(f.state)
        ws.write_row(
            i,
            0,
            [
                f.pk,
                f.fiscal_year,
                f.region.name,
                f.get_rule_display(),
                SEVERITY_LABELS[Severity(f.severity)],
                STATE_LABELS[state],
                f.message,
                PURPOSE_LABELS[Purpose(f.purpose)] if f.purpose else "",
                f.month,
                f.first_seen_at.strftime("%Y-%m-%d"),
                f.due_on.isoformat() if f.due_on else "",
                "是" if is_overdue(state, f.due_on, today) else "",
                f.reopen_count,
                f.reason,
                f.measure,
                f.promised_on.isoformat() if f.promised_on else "",
            ],
        )
    ws.freeze_panes(1, 0)
    wb.close()
    return out.getvalue()
