"""A plan and its notice template → the notice's content (``domain.notice.Notice``), figures from the plan."""

from collections.abc import Sequence
from typing import Any

from jiuzhu.allocation.exports import AllocationTable, TableRow, build_table
from jiuzhu.allocation.models import Plan
from jiuzhu.domain.allocation import AdjustmentLine
from jiuzhu.domain.money import WAN, daxie
from jiuzhu.domain.notice import (
    AllocationAttachment,
    AllocationRow,
    FeedbackAttachment,
    Notice,
    TargetAttachment,
    cn_date,
    parse_body,
)
from jiuzhu.domain.purposes import PURPOSE_LABELS, Purpose
from jiuzhu.domain.regions import RegionTree
from jiuzhu.domain.targets import TargetSet, grouped
from jiuzhu.funds.models import ClassificationCode
from jiuzhu.performance.selectors import printed_set

from .models import NoticeTemplate
from .templating import render_body

FEEDBACK_COLUMNS = (
    "收到的财政专项资金名称",
    "文号",
    "资金金额",
    "实际支出金额",
    "资金支出方向",
    "未支出金额",
    "实际支出进度",
    "未按计划或预算执行要求支出的原因",
    "整改措施及整改时间",
)


def _wan(amount: Any) -> str:
    return f"{(amount / WAN).normalize():f}"


def _row(row: TableRow) -> AllocationRow:
    x = row.line
    return AllocationRow(row.seq, row.name, (x.base, x.decrease, x.increase, x.net, x.final))


def _code_name(year: int, code: str) -> str:
    found = ClassificationCode.objects.filter(fiscal_year=year, code=code).first()
    return found.name if found else ""


def body_context(
    plan: Plan, template: NoticeTemplate, table: AllocationTable, attachments: Sequence[str]
) -> dict[str, Any]:
    """The variables a body template may use (``templating.VARIABLES`` describes each)."""
    fund, t = plan.fund, table.total.line
    return {
        "doc_no": plan.doc_no,
        "title": plan.title,
        "year": fund.fiscal_year,
        "doc_date": cn_date(plan.doc_date),
        "fund_name": fund.name,
        "source": fund.source_label,
        "income_code": fund.income_code,
        "income_name": _code_name(fund.fiscal_year, fund.income_code),
        "expenditure_code": template.expenditure_code,
        "expenditure_name": _code_name(fund.fiscal_year, template.expenditure_code),
        "tag": fund.tag_text,
        "purposes": "、".join(PURPOSE_LABELS[Purpose(p)] for p in fund.purposes),
        "total": _wan(t.final),
        "total_daxie": daxie(t.final),
        "base_total": _wan(t.base),
        "decrease_total": _wan(t.decrease),
        "increase_total": _wan(t.increase),
        "net_total": _wan(t.net),
        "region_count": len(table.rows),
        "attachments": list(attachments),
        "attachment_count": len(attachments),
        "rows": [{"name": r.name, "final": _wan(r.line.final)} for r in table.rows],
    }


def _targets(
    target_set: TargetSet | None, tree: RegionTree, table: AllocationTable
) -> TargetAttachment | None:
    if target_set is None:
        return None
    total = _wan(table.total.line.final)
    return TargetAttachment(
        title=target_set.title,
        year=target_set.fiscal_year,
        project=target_set.project,
        provincial_finance=target_set.provincial_finance,
        provincial_department=target_set.provincial_department,
        local_department=target_set.local_department,
        amount_wan=total,
        provincial_wan=total,
        local_wan="",
        columns=tuple(c.unit or tree.get(c.region_code).short_name for c in target_set.columns),
        goals=target_set.goals,
        rows=tuple(
            (i.level1, i.level2, i.level3, i.value, s1, s2) for i, s1, s2 in grouped(target_set.indicators)
        ),
    )


def build_notice(
    plan: Plan, template: NoticeTemplate, lines: Sequence[AdjustmentLine], tree: RegionTree
) -> Notice:
    table = build_table(plan, lines, tree)
    allocation = AllocationAttachment(
        title=table.title,
        source_label=table.source_label,
        total=_row(table.total),
        rows=tuple(_row(r) for r in table.rows),
        is_adjustment=plan.kind == Plan.ADJUSTMENT,
    )
    targets = _targets(printed_set(plan.fund), tree, table)
    feedback = (
        FeedbackAttachment(
            title=template.feedback_title,
            columns=FEEDBACK_COLUMNS,
            notes=template.feedback_note_list,
        )
        if template.feedback_title
        else None
    )
    titles = [p.title for p in (allocation, targets, feedback) if p is not None]
    body = render_body(template.body, body_context(plan, template, table, titles))
    return Notice(
        issuers=template.issuer_list,
        mark_suffix=template.mark_suffix,
        doc_no=plan.doc_no,
        title=plan.title,
        addressees=template.addressees,
        body=parse_body(body),
        doc_date=plan.doc_date,
        copy_to=template.copy_to,
        printer=template.printer,
        print_date=plan.doc_date,
        allocation=allocation,
        targets=targets,
        feedback=feedback,
    )
