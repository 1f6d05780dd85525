"""The notice's attachments in DOCX, each in its own landscape section: 附件1 the allocation table (a 下达's or an
adjustment's), 附件2 the performance targets (绩效目标表), and the feedback form."""

from typing import Any

from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from jiuzhu.domain.notice import Notice

from .docx_pages import landscape
from .docx_tables import fill_cell, fix_widths, merge, repeat_header, table_borders
from .docx_text import HEITI, XIAOBIAOSONG, para


def attachment_head(
    document: DocxDocument, number: int, title: str, subtitle: str = "", unit: str = ""
) -> None:
    para(document, f"附件{number}", family=HEITI, spacing=None)
    para(
        document,
        title,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        family=XIAOBIAOSONG,
        size=20,
        pitch=30,
        before=12,
        spacing=None,
    )
    if subtitle:
        para(document, subtitle, align=WD_ALIGN_PARAGRAPH.CENTER, pitch=20, spacing=None)
    if unit:
        para(document, unit, align=WD_ALIGN_PARAGRAPH.RIGHT, size=12, pitch=20, spacing=None)


def _write_issue_table(document: DocxDocument, notice: Notice) -> None:
    """A 下达's Attachment 1: 序号, 地区, 金额 — no adjustment columns."""
    a = notice.allocation
    attachment_head(document, 1, a.title, unit="单位：万元")
    table = document.add_table(rows=1 + 1 + len(a.rows), cols=3)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for c, text in enumerate(("序号", "地区", "金额")):
        fill_cell(table.cell(0, c), text, family=HEITI)
    repeat_header(table, 1)
    for r, row in enumerate([a.total, *a.rows], start=1):
        fill_cell(table.cell(r, 0), "" if row.seq is None else str(row.seq))
        fill_cell(table.cell(r, 1), row.name, bold=row.seq is None)
        fill_cell(table.cell(r, 2), row.amount_wan(), align=WD_ALIGN_PARAGRAPH.RIGHT, bold=row.seq is None)
    fix_widths(table, (20, 70, 60))
    table_borders(table)


def write_allocation(document: DocxDocument, notice: Notice) -> None:
    a = notice.allocation
    if not a.is_adjustment:
        _write_issue_table(document, notice)
        return
    attachment_head(document, 1, a.title, unit="单位：万元")
    table = document.add_table(rows=3 + 1 + len(a.rows), cols=7)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    head: dict[str, Any] = {"family": HEITI}
    merge(table, (0, 0), (1, 0), "序号", **head)
    merge(table, (0, 1), (1, 1), "地（州、市）", **head)
    merge(table, (0, 2), (1, 2), f"{a.source_label}补助资金额度", **head)
    merge(table, (0, 3), (0, 5), "各地调整资金情况", **head)
    merge(table, (0, 6), (1, 6), "调整后各地实际安排资金合计", **head)
    for c, text in enumerate(("调减资金情况", "调增资金情况", "调整数小计"), start=3):
        fill_cell(table.cell(1, c), text, family=HEITI)
    for c, text in enumerate(("", "", "1", "2", "3", "4=3-2", "5=1+4")):
        fill_cell(table.cell(2, c), text)
    repeat_header(table, 3)
    for r, row in enumerate([a.total, *a.rows], start=3):
        fill_cell(table.cell(r, 0), "" if row.seq is None else str(row.seq))
        fill_cell(table.cell(r, 1), row.name, bold=row.seq is None)
        for c, value in enumerate(row.wan(), start=2):
            fill_cell(table.cell(r, c), value, align=WD_ALIGN_PARAGRAPH.RIGHT, bold=row.seq is None)
    fix_widths(table, (16, 38, 34, 34, 34, 34, 35))
    table_borders(table)


def write_targets(document: DocxDocument, notice: Notice) -> None:
    t = notice.targets
    if t is None:
        return
    landscape(document)
    attachment_head(document, 2, t.title, subtitle=f"（{t.year}年度）")
    n = len(t.columns)
    cols = 4 + n
    rest = (225 - 19 - 21 - 63 - 22) / max(1, n)
    widths = (19, 21, 63, 22, *([rest] * n))
    table = document.add_table(rows=6, cols=cols)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    small: dict[str, Any] = {"size": 10.5}
    head: dict[str, Any] = {"size": 10.5, "family": HEITI}
    fill_cell(table.cell(0, 0), "项目名称", **head)
    merge(table, (0, 1), (0, cols - 1), t.project, **small)
    fill_cell(table.cell(1, 0), "省级财政部门", **head)
    merge(table, (1, 1), (1, 3), t.provincial_finance, **small)
    merge(table, (1, 4), (1, 5), "省级主管部门", **head)
    merge(table, (1, 6), (1, cols - 1), t.provincial_department, **small)
    fill_cell(table.cell(2, 0), "地区主管部门", **head)
    merge(table, (2, 1), (2, cols - 1), t.local_department, **small)
    merge(table, (3, 0), (4, 0), "资金情况（万元）", **head)
    merge(table, (3, 1), (3, 3), "年度金额", **head)
    merge(table, (3, 4), (3, 5), f"其中：{notice.allocation.source_label}财政下达", **head)
    merge(table, (3, 6), (3, cols - 1), "地方补助", **head)
    merge(table, (4, 1), (4, 3), t.amount_wan, **small)
    merge(table, (4, 4), (4, 5), t.provincial_wan, **small)
    merge(table, (4, 6), (4, cols - 1), t.local_wan, **small)
    fill_cell(table.cell(5, 0), "年度总体目标", **head)
    merge(table, (5, 1), (5, cols - 1), "\n".join(t.goals), align=WD_ALIGN_PARAGRAPH.LEFT, **small)
    fix_widths(table, widths)
    table_borders(table)
    # The indicators are a table of their own, so that their header row repeats on each page (Word repeats
    # only a table's first rows); a paragraph of no height keeps Word from joining it to the table above.
    para(document, pitch=0.1)
    table = document.add_table(rows=1 + len(t.rows), cols=cols)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for c, text in enumerate(("一级指标", "二级指标", "三级指标", "指标值", *t.columns)):
        fill_cell(table.cell(0, c), text, **head)
    repeat_header(table, 1)
    for r, (l1, l2, l3, value, span1, span2) in enumerate(t.rows, start=1):
        if span1:
            merge(table, (r, 0), (r + span1 - 1, 0), l1, **small)
        if span2:
            merge(table, (r, 1), (r + span2 - 1, 1), l2, **small)
        fill_cell(table.cell(r, 2), l3, align=WD_ALIGN_PARAGRAPH.LEFT, **small)
        fill_cell(table.cell(r, 3), value, **small)
    fix_widths(table, widths)
    table_borders(table)


def write_feedback(document: DocxDocument, notice: Notice, number: int) -> None:
    f = notice.feedback
    if f is None:
        return
    landscape(document)
    attachment_head(document, number, f.title, unit="单位：万元")
    para(document, "县市（单位）名称：", size=12, pitch=20, spacing=None)
    columns = ("序号", *f.columns)
    table = document.add_table(rows=2 + f.blank_rows + 1, cols=len(columns))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for c, text in enumerate(columns):
        fill_cell(table.cell(0, c), text, size=11, family=HEITI)
    repeat_header(table, 1)
    fill_cell(table.cell(1, 1), "合计")
    for i in range(1, f.blank_rows + 1):
        fill_cell(table.cell(1 + i, 0), str(i))
    fill_cell(table.cell(1 + f.blank_rows + 1, 0), "…")
    for row in table.rows[1:]:
        row.height = Mm(8)
    fix_widths(table, (12, 30, 18, 18, 20, 24, 20, 20, 33, 30))
    table_borders(table)
    for i, note in enumerate(f.notes):
        para(
            document,
            ("说明：" if i == 0 else "") + note,
            size=12,
            pitch=20,
            left_chars=3,
            first_indent_chars=-3 if i == 0 else 0,
            before=6 if i == 0 else 0,
            spacing=None,
        )
