"""Every write of performance management: one transaction, one audit record, keyword-only arguments.

- ``do_create_table``: a table from a template (``domain.targets.TargetSet``), values checked and canonical.
- ``do_set_column_values``: the issuing region sets per-column 指标值 (blank: the column inherits).
- ``do_submit_table``: the decomposition goes to review (``review.TargetTableReview``).
- ``do_confirm_column``: a county confirms the values of its column once the table is approved.
- ``do_enter_actual``: 民政 enters an actual with its evidence; a checker's judgement of a qualitative one.
- ``do_open_report`` / ``do_save_report`` / ``do_submit_report``: the 双监控 report (``monitoring_report``).
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from jiuzhu.accounts.actions import require, require_within
from jiuzhu.approvals.services import open_round
from jiuzhu.audit.actions import AuditAction
from jiuzhu.audit.services import record
from jiuzhu.core.errors import ActionRefused
from jiuzhu.domain.performance.scoring import Judgement
from jiuzhu.domain.performance.values import TargetValueError, canonical
from jiuzhu.domain.targets import TargetSet
from jiuzhu.funds.models import Fund
from jiuzhu.regions.models import Region

from .models import STATES, Actual, ColumnValue, Status, TargetColumn, TargetIndicator, TargetTable

TABLE_SUBJECT = "performance.table"

#: 三级指标 of the shipped template → the measure computed from the ledger (``actuals.MEASURES``)
MEASURE_OF = {
    "向本行政区域县级以上各级财政部门下达中央财政困难群众救助补助资金": "pass_down_days",
    "困难群众基本生活救助和孤儿基本生活费按时发放率": "on_time_rate",
    "低保资金社会化发放率": "socialized_rate",
    "低保对象人数": "dibao_persons",
}


def checked(text: str, where: str) -> str:
    try:
        return canonical(text)
    except TargetValueError as exc:
        raise ActionRefused(f"{where}：{exc}") from exc


def _audit(actor: Any, action: AuditAction, table: TargetTable, **after: Any) -> None:
    record(
        actor=actor,
        action=action,
        entity=f"绩效目标表#{table.pk}",
        region_path=table.region.path,
        after=after,
    )


@transaction.atomic
def do_create_table(*, actor: Any, fund: Fund, region: Region, template: TargetSet) -> TargetTable:
    """The region's table for the fund from a template (idempotent: an existing table is returned as it is)."""
    require(actor, "performance.edit")
    require_within(actor, region)
    existing = TargetTable.objects.filter(fund=fund, region=region).first()
    if existing is not None:
        return existing
    table = TargetTable.objects.create(
        fund=fund,
        region=region,
        title=template.title,
        project=template.project,
        provincial_finance=template.provincial_finance,
        provincial_department=template.provincial_department,
        local_department=template.local_department,
        goals=list(template.goals),
        created_by=actor,
    )
    for i, c in enumerate(template.columns):
        TargetColumn.objects.create(
            table=table, position=i, region=Region.objects.get(code=c.region_code), unit=c.unit
        )
    for i, ind in enumerate(template.indicators):
        TargetIndicator.objects.create(
            table=table,
            position=i,
            level1=ind.level1,
            level2=ind.level2,
            level3=ind.level3,
            value=checked(ind.value, ind.level3),
            measure=MEASURE_OF.get(ind.level3, ""),
        )
    _audit(actor, AuditAction.PERFORMANCE_CREATE, table, indicators=len(template.indicators))
    return table


def _locked(table: TargetTable) -> TargetTable:
    return TargetTable.objects.select_for_update().select_related("region").get(pk=table.pk)


@transaction.atomic
def do_set_column_values(
    *, actor: Any, table: TargetTable, values: dict[tuple[int, int], str]
) -> TargetTable:
    """Set (indicator id, column id) → 指标值; a blank value removes the column's own value (it inherits)."""
    table = _locked(table)
    require(actor, "performance.edit")
    if actor.region_id != table.region_id:
        raise ActionRefused("只有下达目标的地区可以分解绩效目标")
    if not table.editable:
        raise ActionRefused("只有草稿或已退回的绩效目标表可以修改")
    indicators = {x.pk: x for x in table.indicators.all()}
    columns = {x.pk: x for x in table.columns.all()}
    problems, changed = [], 0
    for (ind_id, col_id), text in values.items():
        ind, col = indicators.get(ind_id), columns.get(col_id)
        if ind is None or col is None:
            raise ActionRefused("该单元格不属于本表")
        try:
            value = canonical(text)
        except TargetValueError as exc:
            problems.append(f"{col}·{ind.level3}：{exc}")
            continue
        if value and value != ind.value:
            ColumnValue.objects.update_or_create(indicator=ind, column=col, defaults={"value": value})
        else:
            ColumnValue.objects.filter(indicator=ind, column=col).delete()
        changed += 1
    if problems:
        raise ActionRefused("；".join(problems))
    _audit(actor, AuditAction.PERFORMANCE_DECOMPOSE, table, cells=changed)
    return table


@transaction.atomic
def do_submit_table(*, actor: Any, table: TargetTable) -> TargetTable:
    table = _locked(table)
    require(actor, "performance.edit")
    if actor.region_id != table.region_id:
        raise ActionRefused("只有下达目标的地区可以报送绩效目标表")
    before = table.status
    STATES.move(table, Status.SUBMITTED)
    table.submitted_at = timezone.now()
    table.save(update_fields=["status", "submitted_at"])
    open_round(
        subject=TABLE_SUBJECT,
        object_id=table.pk,
        actor=actor,
        region=table.region,
        fund=table.fund,
        amount=Decimal(0),
    )
    record(
        actor=actor,
        action=AuditAction.PERFORMANCE_SUBMIT,
        entity=f"绩效目标表#{table.pk}",
        region_path=table.region.path,
        before={"status": before},
        after={"status": table.status},
    )
    return table


@transaction.atomic
def do_confirm_column(*, actor: Any, column: TargetColumn) -> TargetColumn:
    """A county's 财政 or 民政 confirms the values of its own column of an approved table."""
    column = (
        TargetColumn.objects.select_for_update().select_related("table__region", "region").get(pk=column.pk)
    )
    require(actor, "performance.confirm")
    if actor.region_id != column.region_id:
        raise ActionRefused("只能确认本地区的分解目标")
    if column.table.status != Status.APPROVED:
        raise ActionRefused("绩效目标表审核通过后才能确认分解目标")
    if column.confirmed_at is not None:
        raise ActionRefused("本地区的分解目标已确认")
    column.confirmed_by, column.confirmed_at = actor, timezone.now()
    column.save(update_fields=["confirmed_by", "confirmed_at"])
    _audit(actor, AuditAction.PERFORMANCE_CONFIRM, column.table, column=str(column))
    return column


@transaction.atomic
def do_enter_actual(
    *,
    actor: Any,
    indicator: TargetIndicator,
    region: Region,
    through_month: int,
    value: str = "",
    last_year: str = "",
    evidence: str = "",
    judgement: str = "",
) -> Actual:
    """民政 enters an actual with its evidence; a checker records the judgement of a qualitative indicator."""
    require(actor, "performance.judge" if judgement else "performance.actuals")
    require_within(actor, region)
    if judgement and judgement not in set(Judgement):
        raise ActionRefused("评审判定应为：达成、基本达成、部分达成或未达成")
    for text in (value, last_year):
        if text.strip() and text.strip() != "不适用":
            try:
                Decimal(text.strip().rstrip("%"))
            except InvalidOperation as exc:
                raise ActionRefused(f"实际值「{text}」应为数字") from exc
    if not judgement and not evidence.strip():
        raise ActionRefused("请填写佐证说明")
    actual, _ = Actual.objects.get_or_create(
        indicator=indicator, region=region, through_month=through_month, defaults={"entered_by": actor}
    )
    if judgement:
        actual.judgement = judgement
    else:
        actual.value, actual.last_year, actual.evidence = value.strip(), last_year.strip(), evidence.strip()
    actual.entered_by = actor
    actual.save()
    record(
        actor=actor,
        action=AuditAction.PERFORMANCE_JUDGE if judgement else AuditAction.PERFORMANCE_ACTUAL,
        entity=f"{region.short_name} {indicator.level3[:20]}",
        region_path=region.path,
        after={"value": actual.value, "judgement": actual.judgement, "through_month": through_month},
    )
    return actual
