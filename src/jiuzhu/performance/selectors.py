"""Reads of performance management, scoped to the user's area; and the completion of each indicator.

A county sees the tables of the regions above it that hold a column for it (the prefecture's table), as well
as the tables of its own area. ``completion`` puts an indicator's target (the column's own value, else the
regional one) beside its actual: computed from the ledger where the indicator has a measure, else entered by
民政, with the judgement of a qualitative one.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import QuerySet

from jiuzhu.accounts.scoping import scope_q
from jiuzhu.domain.performance.scoring import Judgement
from jiuzhu.domain.performance.values import (
    Comparison,
    Deadline,
    Op,
    Qualitative,
    Rule,
    TargetValue,
    parse_value,
)
from jiuzhu.domain.targets import Column, Indicator, TargetSet, target_set_for
from jiuzhu.regions.models import Region

from .actuals import MEASURES, Measured, computed
from .models import Actual, MonitoringReport, TargetColumn, TargetIndicator, TargetTable

NOT_APPLICABLE = "不适用"


def visible_tables(user: Any) -> QuerySet[TargetTable]:
    q = scope_q(user, via="region") | scope_q(user, via="columns__region")
    return (
        TargetTable.objects.filter(q)
        .distinct()
        .select_related("fund", "region")
        .order_by("-fund__fiscal_year")
    )


def visible_reports(user: Any) -> QuerySet[MonitoringReport]:
    return MonitoringReport.objects.filter(scope_q(user, via="region")).select_related(
        "region", "table__fund"
    )


def stored_table(fund: Any) -> TargetTable | None:
    """The table the fund's issuing region holds (printed as the notice's 附件2)."""
    return TargetTable.objects.filter(fund=fund).order_by("region__path").first()


def column_values(table: TargetTable) -> dict[tuple[int, int], str]:
    """(indicator id, column id) → the column's own value (only where it differs from the regional one)."""
    from .models import ColumnValue

    rows = ColumnValue.objects.filter(indicator__table=table).values_list(
        "indicator_id", "column_id", "value"
    )
    return {(i, c): v for i, c, v in rows}


def target_for(
    indicator: TargetIndicator, column: TargetColumn | None, own: dict[tuple[int, int], str]
) -> str:
    if column is None:
        return indicator.value
    return own.get((indicator.pk, column.pk), indicator.value)


def column_of(table: TargetTable, region: Region) -> TargetColumn | None:
    return table.columns.filter(region=region).order_by("position").first()


@dataclass(frozen=True)
class Completion:
    indicator: TargetIndicator
    target: TargetValue
    actual: Decimal | None
    shown: str
    """The actual as printed (with its unit), or blank."""
    detail: str
    """Where it comes from: the ledger's numbers, or 民政's evidence."""
    source: str
    """计算 (from the ledger), 填报 (entered), or blank."""
    last_year: Decimal | None
    judgement: Judgement | None
    met: bool | None
    applies: bool = True
    """False when 民政 entered 不适用 (the indicator is dropped from the self-evaluation)."""

    @property
    def deviating(self) -> bool:
        return self.met is False


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text.strip().rstrip("%")) if text.strip() else None
    except InvalidOperation:
        return None


def met(
    target: TargetValue, actual: Decimal | None, last_year: Decimal | None, j: Judgement | None
) -> bool | None:
    if isinstance(target, Comparison) and actual is not None:
        return {
            Op.GE: actual >= target.number,
            Op.GT: actual > target.number,
            Op.LE: actual <= target.number,
            Op.LT: actual < target.number,
            Op.EQ: actual == target.number,
        }[target.op]
    if isinstance(target, Deadline) and actual is not None:
        return actual <= target.days
    if isinstance(target, Qualitative):
        if j is not None:
            return j is Judgement.MET
        if target.rule is not Rule.REVIEWER and actual is not None and last_year is not None:
            return actual >= last_year if target.rule is Rule.NOT_BELOW_LAST_YEAR else actual > last_year
    return None


def _unit(target: TargetValue, measure: str) -> str:
    if isinstance(target, Comparison):
        return target.unit
    if isinstance(target, Deadline):
        return "天"
    return MEASURES.get(measure, "")


def completions(
    table: TargetTable,
    region: Region,
    through_month: int,
    ledger: dict[int, dict[str, Measured]] | None = None,
) -> list[Completion]:
    """Each indicator of the table for one region's column and period (``ledger``: ``actuals.computed``)."""
    if ledger is None:
        ledger = computed(table.fund_id, table.fund.fiscal_year, through_month)
    mine = ledger.get(region.pk, {})
    entered = {
        a.indicator_id: a
        for a in Actual.objects.filter(indicator__table=table, region=region, through_month=through_month)
    }
    own, column = column_values(table), column_of(table, region)
    out = []
    for ind in table.indicators.all():
        target = parse_value(target_for(ind, column, own))
        a = entered.get(ind.pk)
        m: Measured | None = mine.get(ind.measure) if ind.measure else None
        actual: Decimal | None
        if m is not None:
            actual, detail, source = m.value, m.detail, "计算"
        elif a is not None and a.value:
            actual, detail, source = _number(a.value), a.evidence, "填报"
        else:
            actual, detail, source = None, "", ""
        last = _number(a.last_year) if a else None
        j = Judgement(a.judgement) if a and a.judgement else None
        applies = not (a is not None and a.value == NOT_APPLICABLE)
        shown = f"{actual.normalize():f}{_unit(target, ind.measure)}" if actual is not None else ""
        if not applies:
            shown, detail, source = NOT_APPLICABLE, a.evidence if a else "", "填报"
        done = met(target, actual, last, j) if applies else None
        out.append(Completion(ind, target, actual, shown, detail, source, last, j, done, applies))
    return out


def as_target_set(table: TargetTable) -> TargetSet:
    """The stored table as the domain's target set (what a notice prints as 附件2)."""
    return TargetSet(
        fund=table.fund.name,
        fiscal_year=table.fund.fiscal_year,
        title=table.title,
        project=table.project,
        provincial_finance=table.provincial_finance,
        provincial_department=table.provincial_department,
        local_department=table.local_department,
        columns=tuple(Column(c.region.code, c.unit) for c in table.columns.select_related("region")),
        goals=tuple(table.goals),
        indicators=tuple(Indicator(i.level1, i.level2, i.level3, i.value) for i in table.indicators.all()),
    )


def printed_set(fund: Any) -> TargetSet | None:
    """附件2 of the fund's notice: the stored table, else the shipped template of the fund and year."""
    table = stored_table(fund)
    return as_target_set(table) if table is not None else target_set_for(fund.name, fund.fiscal_year)
