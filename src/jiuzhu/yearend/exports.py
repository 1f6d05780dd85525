"""The execution table and the carryover table as XLSX (amounts in 元 as numbers with two places)."""

import datetime
import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from jiuzhu.core.spreadsheet import safe_text
from jiuzhu.domain.execution import time_elapsed_rate

from .models import CarryoverLine
from .selectors import Row

MONEY = "#,##0.00"
EXECUTION_HEADER = (
    "财政区划代码",
    "地区",
    "资金",
    "支出方向",
    "本年登记",
    "上年结转",
    "收回",
    "可用",
    "已支付",
    "发放到人",
    "余额",
    "支出进度(%)",
    "时序进度(%)",
    "月均支付",
    "预计全年支出（按月均）",
    "预计全年支出（按上年进度）",
)
CARRYOVER_HEADER = (
    "财政区划代码",
    "地区",
    "资金",
    "指标主键",
    "支出方向",
    "支出功能分类科目",
    "收入分类科目",
    "直达资金标识",
    "上级指标文号",
    "本级指标文号",
    "指标年度",
    "结转至年度",
    "连续结转年数",
    "结转金额",
)


def _sheet(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]], caption: str) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    sheet.append([caption])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(list(header))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for row in rows:
        sheet.append([safe_text(x) if isinstance(x, str) else x for x in row])
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            if hasattr(cell.value, "as_tuple"):
                cell.number_format = MONEY
    sheet.freeze_panes = "A3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def execution_xlsx(rows: Sequence[Row], *, year: int, as_of: datetime.date) -> bytes:
    elapsed = time_elapsed_rate(as_of)
    body = (
        (
            r.region.mof_div_code,
            r.region.name,
            r.fund,
            r.purpose_name,
            r.figures.registered,
            r.figures.carried_in,
            r.figures.recovered,
            r.figures.available,
            r.figures.paid,
            r.figures.paid_out,
            r.figures.balance,
            r.figures.rate(),
            elapsed,
            r.projection.run_rate,
            r.projection.by_run_rate,
            r.projection.by_profile,
        )
        for r in rows
    )
    caption = f"{year}年度支出进度（截至{as_of:%Y年%m月%d日}，单位：元；时序进度＝截至当日天数÷全年天数）"
    return _sheet("支出进度", EXECUTION_HEADER, body, caption)


def carryover_xlsx(lines: Sequence[CarryoverLine], *, title: str) -> bytes:
    body = (
        (
            x.region.mof_div_code,
            x.region.name,
            f"{x.fund.source_label}{x.fund.name}",
            x.appropriation.bgt_id,
            x.get_purpose_display(),
            x.exp_func_code,
            x.income_code,
            x.direct_fund_tag,
            x.sup_bgt_doc_no,
            x.cor_bgt_doc_no,
            x.source_year,
            x.to_year,
            x.carried_years,
            x.amount,
        )
        for x in lines
    )
    return _sheet("结转明细", CARRYOVER_HEADER, body, f"{title}（单位：元）")
