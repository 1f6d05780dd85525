"""双监控 (绩效运行监控): a region's report for January to ``through_month`` (7 by default, the setting
``JIUZHU_PERFORMANCE_MONITORING_MONTH``), each indicator's completion beside budget execution.

The figures (指标值, 1—n月完成情况) are never typed: they come from ``selectors.completions`` each time the report
is shown, frozen only in the audit record of its submission. The region types 全年预计完成情况, and for each
deviating indicator (its completion to date misses the target) the cause, the likelihood of reaching the
target and the measures — refused at submission while one is missing. The prefecture's checker approves or
returns it (``review.MonitoringReportReview``) and sees all of them together (``overview``).
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jiuzhu.accounts.actions import require
from jiuzhu.approvals.services import open_round
from jiuzhu.audit.actions import AuditAction
from jiuzhu.audit.services import record
from jiuzhu.core.errors import ActionRefused
from jiuzhu.regions.models import Region

from .actuals import Budget, budgets, computed
from .models import STATES, Cause, Likelihood, MonitoringLine, MonitoringReport, Status, TargetTable
from .selectors import Completion, completions

SUBJECT = "performance.monitoring"


def default_month() -> int:
    return int(getattr(settings, "JIUZHU_PERFORMANCE_MONITORING_MONTH", 7))


def fill_refusal(actor: Any, region: Region | None) -> str:
    if not actor.can("performance.monitor"):
        return "您没有填报绩效运行监控表的权限"
    if region is None or actor.region_id != region.pk:
        return "只有本地区经办人员可以填报本地区的绩效运行监控表"
    return ""


def _require_fill(actor: Any, region: Region) -> None:
    refusal = fill_refusal(actor, region)
    if refusal:
        raise ActionRefused(refusal)


@dataclass(frozen=True)
class ReportRow:
    completion: Completion
    line: MonitoringLine

    @property
    def incomplete(self) -> bool:
        x = self.line
        return self.completion.deviating and not (x.cause and x.likelihood and x.measures.strip())

    @property
    def summary(self) -> str:
        """The indicator in one line: its target, completion, cause and measures (as far as filled in)."""
        done, x = self.completion, self.line
        text = f"{done.indicator.level3}：目标{done.target}，完成{done.shown or '—'}"
        if x.cause:
            text += f"；原因：{x.get_cause_display()}" + (f"（{x.cause_note}）" if x.cause_note else "")
        if x.measures:
            text += f"；整改：{x.measures}"
        return text


@dataclass(frozen=True)
class ReportView:
    report: MonitoringReport
    budget: Budget
    elapsed: Decimal
    """时序进度, in per cent."""
    rows: list[ReportRow]

    @property
    def deviating(self) -> list[ReportRow]:
        return [r for r in self.rows if r.completion.deviating]


NO_BUDGET = Budget(Decimal(0), Decimal(0))


def elapsed(through_month: int) -> Decimal:
    return (Decimal(through_month) * 100 / 12).quantize(Decimal("0.01"))


def view(
    report: MonitoringReport, ledger: Any = None, budgets_of: dict[int, Budget] | None = None
) -> ReportView:
    """``ledger`` / ``budgets_of``: ``actuals.computed`` / ``actuals.budgets`` of the period, when the caller
    has them already (a page of several reports computes them once)."""
    table, n = report.table, report.through_month
    year = table.fund.fiscal_year
    ledger = computed(table.fund_id, year, n) if ledger is None else ledger
    budgets_of = budgets(table.fund_id, year, n) if budgets_of is None else budgets_of
    done = {c.indicator.pk: c for c in completions(table, report.region, n, ledger)}
    budget = budgets_of.get(report.region_id, NO_BUDGET)
    rows = [
        ReportRow(done[x.indicator_id], x)
        for x in report.lines.select_related("indicator").order_by("indicator__position")
    ]
    return ReportView(report, budget, elapsed(n), rows)


@transaction.atomic
def do_open_report(
    *, actor: Any, table: TargetTable, region: Region, through_month: int = 0, ledger: Any = None
) -> MonitoringReport:
    """``ledger``: ``actuals.computed`` of the period, when the caller has it already (it scans the year)."""
    _require_fill(actor, region)
    if not table.columns.filter(region=region).exists():
        raise ActionRefused("本表没有分解到本地区的目标")
    n = through_month or default_month()
    report, created = MonitoringReport.objects.get_or_create(
        table=table, region=region, through_month=n, defaults={"created_by": actor}
    )
    if created:
        for c in completions(table, region, n, ledger):
            MonitoringLine.objects.create(report=report, indicator=c.indicator, expected=c.shown)
        record(
            actor=actor,
            action=AuditAction.PERFORMANCE_MONITOR_OPEN,
            entity=str(report),
            region_path=region.path,
            after={"table": table.pk, "through_month": n},
        )
    return report


@dataclass(frozen=True)
class LineInput:
    expected: str = ""
    cause: str = ""
    cause_note: str = ""
    likelihood: str = ""
    needs_fix: bool = False
    measures: str = ""


@transaction.atomic
def do_save_report(*, actor: Any, report: MonitoringReport, lines: dict[int, LineInput]) -> MonitoringReport:
    report = MonitoringReport.objects.select_for_update().select_related("region").get(pk=report.pk)
    _require_fill(actor, report.region)
    if not report.editable:
        raise ActionRefused("只有草稿或已退回的绩效运行监控表可以修改")
    stored = {x.pk: x for x in report.lines.all()}
    for pk, given in lines.items():
        line = stored.get(pk)
        if line is None:
            raise ActionRefused("该行不属于本表")
        if given.cause and given.cause not in Cause.values:
            raise ActionRefused("偏差原因应为：经费保障、制度保障、人员保障、硬件保障或其他")
        if given.likelihood and given.likelihood not in Likelihood.values:
            raise ActionRefused("完成目标可能性应为：确定能、有可能或完全不可能")
        line.expected, line.cause, line.cause_note = (
            given.expected.strip(),
            given.cause,
            given.cause_note.strip(),
        )
        line.likelihood, line.needs_fix, line.measures = (
            given.likelihood,
            given.needs_fix,
            given.measures.strip(),
        )
        line.save()
    record(
        actor=actor,
        action=AuditAction.PERFORMANCE_MONITOR_SAVE,
        entity=str(report),
        region_path=report.region.path,
        after={"lines": sorted(lines)},
    )
    return report


def facts(v: ReportView) -> dict[str, Any]:
    return {
        "status": v.report.status,
        "through_month": v.report.through_month,
        "budget_rate": str(v.budget.rate),
        "deviating": [
            {
                "indicator": r.completion.indicator.level3,
                "target": str(r.completion.target),
                "actual": r.completion.shown,
            }
            for r in v.deviating
        ],
    }


@transaction.atomic
def do_submit_report(
    *, actor: Any, report: MonitoringReport, ledger: Any = None, budgets_of: dict[int, Budget] | None = None
) -> MonitoringReport:
    report = (
        MonitoringReport.objects.select_for_update().select_related("region", "table__fund").get(pk=report.pk)
    )
    _require_fill(actor, report.region)
    require(actor, "performance.monitor")
    v = view(report, ledger, budgets_of)
    missing = [r.completion.indicator.level3 for r in v.rows if r.incomplete]
    if missing:
        raise ActionRefused("偏离目标的指标须填写偏差原因、完成目标可能性和整改措施：" + "、".join(missing))
    before = report.status
    STATES.move(report, Status.SUBMITTED)
    report.submitted_at = timezone.now()
    report.save(update_fields=["status", "submitted_at"])
    open_round(
        subject=SUBJECT,
        object_id=report.pk,
        actor=actor,
        region=report.region,
        fund=report.table.fund,
        amount=Decimal(0),
    )
    record(
        actor=actor,
        action=AuditAction.PERFORMANCE_MONITOR_SUBMIT,
        entity=str(report),
        region_path=report.region.path,
        before={"status": before},
        after=facts(v),
    )
    return report
