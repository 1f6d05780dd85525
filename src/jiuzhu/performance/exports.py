"""Attachment 2 (绩效目标表), the 双监控 table and the self-evaluation table as XLSX in the notice's layout.

Attachment 2: 附件2, the title and （2022年度）, 单位：万元, the header block (项目名称, 省级财政部门 / 省级主管部门,
地区主管部门, 资金情况 with 年度金额 / 其中：…财政下达 / 地方补助 from the allocation, 年度总体目标), then 一级 / 二级 /
三级指标 / 指标值 with the 一级 and 二级 labels merged over their rows, and one decomposition column per county
or unit holding the column's own value (blank: the county takes the regional value, as the notice prints).
Every cell is written as text: a value such as ``=100%`` is a 指标值, never a formula.
"""

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet

from jiuzhu.allocation.selectors import current_amounts
from jiuzhu.domain.money import WAN
from jiuzhu.domain.targets import grouped

from .evaluation import SelfEvaluation
from .models import TargetColumn, TargetTable
from .monitoring_report import ReportView
from .overview import Overview
from .selectors import as_target_set, column_values

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)


def _put(ws: Worksheet, row: int, col: int, value: Any, *, bold: bool = False, left: bool = False) -> None:
    cell = ws.cell(row=row, column=col)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # =100% is text
    cell.font = Font(name="宋体", size=10, bold=bold)
    cell.alignment = LEFT if left else WRAP


def _box(ws: Worksheet, top: int, bottom: int, cols: int) -> None:
    for r in range(top, bottom + 1):
        for c in range(1, cols + 1):
            ws.cell(row=r, column=c).border = BOX


def _merge(ws: Worksheet, r1: int, c1: int, r2: int, c2: int, value: Any, **kw: Any) -> None:
    _put(ws, r1, c1, value, **kw)
    if (r1, c1) != (r2, c2):
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)


def _heading(ws: Worksheet, number: int, title: str, subtitle: str, cols: int, unit: str = "") -> int:
    """附件n (when ``number``), the title, its subtitle and the unit; returns the first free row."""
    _put(ws, 1, 1, f"附件{number}" if number else "", bold=True, left=True)
    _merge(ws, 2, 1, 2, cols, title)
    ws.cell(row=2, column=1).font = Font(name="方正小标宋简体", size=16)
    row = 3
    if subtitle:
        _merge(ws, 3, 1, 3, cols, subtitle)
        row = 4
    if unit:
        _merge(ws, row, 1, row, cols, unit)
        ws.cell(row=row, column=1).alignment = Alignment(horizontal="right")
        row += 1
    return row


def header_amounts(table: TargetTable) -> tuple[str, str, str]:
    """年度金额, 其中上级下达, 地方补助 in 万元, from the fund's latest approved allocation."""
    total = sum(current_amounts(fund=table.fund).values(), Decimal(0))
    text = f"{(total / WAN).normalize():f}" if total else ""
    return text, text, ""


def targets_sheet(ws: Worksheet, table: TargetTable, columns: Sequence[TargetColumn] | None = None) -> None:
    """The whole table, or only ``columns`` of it (a county sees its own column beside the regional values)."""
    s = as_target_set(table)
    columns = list(table.columns.select_related("region")) if columns is None else list(columns)
    names = [str(c) for c in columns]
    cols = max(5, 4 + len(columns))
    ws.title = "绩效目标表"
    r = _heading(ws, 2, s.title, f"（{s.fiscal_year}年度）", cols, "单位：万元")
    amount, upper, local = header_amounts(table)
    _put(ws, r, 1, "项目名称", bold=True)
    _merge(ws, r, 2, r, cols, s.project)
    # the notice's split of the header row (B–D, E–F, G–end), narrower when a county sees one column only
    a, b = (4, 6) if cols >= 8 else (3, 4)
    _put(ws, r + 1, 1, "省级财政部门", bold=True)
    _merge(ws, r + 1, 2, r + 1, a, s.provincial_finance)
    _merge(ws, r + 1, a + 1, r + 1, b, "省级主管部门", bold=True)
    _merge(ws, r + 1, b + 1, r + 1, cols, s.provincial_department)
    _put(ws, r + 2, 1, "地区主管部门", bold=True)
    _merge(ws, r + 2, 2, r + 2, cols, s.local_department)
    _merge(ws, r + 3, 1, r + 4, 1, "资金情况（万元）", bold=True)
    _merge(ws, r + 3, 2, r + 3, a, "年度金额", bold=True)
    _merge(ws, r + 3, a + 1, r + 3, b, f"其中：{table.fund.source_label}财政下达", bold=True)
    _merge(ws, r + 3, b + 1, r + 3, cols, "地方补助", bold=True)
    _merge(ws, r + 4, 2, r + 4, a, amount)
    _merge(ws, r + 4, a + 1, r + 4, b, upper)
    _merge(ws, r + 4, b + 1, r + 4, cols, local)
    _put(ws, r + 5, 1, "年度总体目标", bold=True)
    _merge(ws, r + 5, 2, r + 5, cols, "\n".join(s.goals), left=True)
    ws.row_dimensions[r + 5].height = 15 * len(s.goals) + 10
    h = r + 6
    for c, text in enumerate(("一级指标", "二级指标", "三级指标", "指标值", *names), start=1):
        _put(ws, h, c, text, bold=True)
    own = column_values(table)
    indicators = list(table.indicators.all())
    for i, (ind, span1, span2) in enumerate(grouped(s.indicators)):
        row = h + 1 + i
        if span1:
            _merge(ws, row, 1, row + span1 - 1, 1, ind.level1)
        if span2:
            _merge(ws, row, 2, row + span2 - 1, 2, ind.level2)
        _put(ws, row, 3, ind.level3, left=True)
        _put(ws, row, 4, ind.value)
        for c, column in enumerate(columns, start=5):
            _put(ws, row, c, own.get((indicators[i].pk, column.pk), ""))
    _box(ws, r, h + len(indicators), cols)
    for c, width in enumerate((9, 11, 40, 14, *([11] * len(columns))), start=1):
        ws.column_dimensions[ws.cell(row=h, column=c).column_letter].width = width
    ws.print_title_rows = f"{h}:{h}"
    ws.page_setup.orientation = "landscape"


MONITORING_HEAD = (
    "一级指标",
    "二级指标",
    "三级指标",
    "指标值",
    "1—{n}月完成情况",
    "全年预计完成情况",
    "偏差原因",
    "完成目标可能性",
    "是否需要整改",
    "整改措施",
)


def monitoring_sheet(ws: Worksheet, v: ReportView) -> None:
    rep, cols = v.report, len(MONITORING_HEAD)
    ws.title = rep.region.short_name[:30]
    r = _heading(
        ws,
        0,
        "绩效运行监控表（双监控）",
        f"{rep.region.short_name}　{rep.table.fund.fiscal_year}年1—{rep.through_month}月",
        cols,
    )
    budget = f"预算数{v.budget.received}元，执行数{v.budget.spent}元，执行率{v.budget.rate or 0}%，时序进度{v.elapsed}%"
    _put(ws, r, 1, "预算执行情况", bold=True)
    _merge(ws, r, 2, r, cols, budget, left=True)
    r += 1
    for c, text in enumerate(MONITORING_HEAD, start=1):
        _put(ws, r, c, text.format(n=rep.through_month), bold=True)
    for i, row in enumerate(v.rows, start=r + 1):
        done, x = row.completion, row.line
        cause = x.get_cause_display() + (f"：{x.cause_note}" if x.cause_note else "") if x.cause else ""
        cells = (
            done.indicator.level1,
            done.indicator.level2,
            done.indicator.level3,
            str(done.target),
            done.shown,
            x.expected,
            cause,
            x.get_likelihood_display() if x.likelihood else "",
            "是" if x.needs_fix else "否",
            x.measures,
        )
        for col, text in enumerate(cells, start=1):
            _put(ws, i, col, text, left=col in (3, 7, 10))
    _box(ws, r - 1, r + len(v.rows), cols)
    for col, width in enumerate((9, 11, 36, 14, 14, 14, 18, 10, 8, 24), start=1):
        ws.column_dimensions[ws.cell(row=r, column=col).column_letter].width = width


EVALUATION_HEAD = (
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "全年实际值",
    "分值",
    "得分",
    "评分说明",
    "未完成原因及改进措施",
)


def evaluation_sheet(ws: Worksheet, e: SelfEvaluation, table: TargetTable) -> None:
    cols = len(EVALUATION_HEAD)
    ws.title = e.column[:30]
    r = _heading(
        ws, 0, "项目支出绩效自评表", f"{e.column}　{table.fund.fiscal_year}年度　{table.project}", cols
    )
    for c, text in enumerate(
        ("全年预算数（元）", "全年执行数（元）", "执行率", "分值", "得分", "评分说明"), start=1
    ):
        _put(ws, r, c, text, bold=True)
    b = e.evaluation.budget
    rate = f"{e.rate}%" if e.rate is not None else ""
    for c, value in enumerate(
        (f"{e.budget.received}", f"{e.budget.spent}", rate, f"{b.points}", f"{b.score}"), start=1
    ):
        _put(ws, r + 1, c, value)
    _merge(ws, r + 1, 6, r + 1, cols, b.how, left=True)
    h = r + 2
    for c, text in enumerate(EVALUATION_HEAD, start=1):
        _put(ws, h, c, text, bold=True)
    for i, row in enumerate(e.rows, start=h + 1):
        done, s = row.completion, row.scored
        cells = (
            done.indicator.level1,
            done.indicator.level2,
            done.indicator.level3,
            str(done.target),
            done.shown,
            f"{s.points}",
            f"{s.score}",
            s.how,
            row.reason,
        )
        for col, text in enumerate(cells, start=1):
            _put(ws, i, col, text, left=col in (3, 8, 9))
    end = h + len(e.rows) + 1
    _merge(ws, end, 1, end, 5, "总分", bold=True)
    _put(ws, end, 6, "100")
    _put(ws, end, 7, f"{e.evaluation.total}", bold=True)
    _merge(ws, end, 8, end, cols, f"自评等级：{e.evaluation.grade}", bold=True, left=True)
    _box(ws, r, end, cols)
    for col, width in enumerate((14, 14, 36, 14, 12, 8, 8, 40, 28), start=1):
        ws.column_dimensions[ws.cell(row=h, column=col).column_letter].width = width


def _bytes(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def targets_xlsx(table: TargetTable, columns: Sequence[TargetColumn] | None = None) -> bytes:
    wb = Workbook()
    targets_sheet(wb.active, table, columns)
    return _bytes(wb)


SUMMARY_HEAD = (
    "序号",
    "地区",
    "状态",
    "预算数（元）",
    "执行数（元）",
    "执行率",
    "偏离目标指标数",
    "偏离目标的指标、偏差原因及整改措施",
)


def summary_sheet(ws: Worksheet, o: Overview) -> None:
    """The overview's first sheet: one row per region, the period's 时序进度 in the subtitle."""
    cols, t = len(SUMMARY_HEAD), o.table
    ws.title = "汇总"
    subtitle = f"{t.region.name}　{t.fund.fiscal_year}年1—{o.through_month}月　时序进度{o.elapsed}%"
    r = _heading(ws, 0, "绩效运行监控汇总表（双监控）", subtitle, cols)
    for c, text in enumerate(SUMMARY_HEAD, start=1):
        _put(ws, r, c, text, bold=True)
    for i, line in enumerate(o.lines, start=1):
        state = line.report.report.status_shown.label if line.report else "未填报"
        rate = f"{line.budget.rate}%" if line.budget.rate is not None else "—"
        cells = (
            str(i),
            line.region.short_name,
            state,
            f"{line.budget.received}",
            f"{line.budget.spent}",
            rate + ("（低于时序进度）" if line.lagging else ""),
            str(len(line.deviating)),
            "\n".join(d.summary for d in line.deviating),
        )
        for col, text in enumerate(cells, start=1):
            _put(ws, r + i, col, text, left=col == 8)
    _box(ws, r, r + len(o.lines), cols)
    for col, width in enumerate((6, 14, 10, 16, 16, 20, 10, 70), start=1):
        ws.column_dimensions[ws.cell(row=r, column=col).column_letter].width = width


def monitoring_xlsx(o: Overview) -> bytes:
    """The summary, then each report on its own sheet."""
    wb = Workbook()
    summary_sheet(wb.active, o)
    for v in o.reports:
        monitoring_sheet(wb.create_sheet(), v)
    return _bytes(wb)


def evaluation_xlsx(table: TargetTable, evaluations: Sequence[SelfEvaluation]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for e in evaluations:
        evaluation_sheet(wb.create_sheet(), e, table)
    return _bytes(wb)
