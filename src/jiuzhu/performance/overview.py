"""The prefecture's 双监控 overview: every region the table is decomposed to, with its report of the period (or
none yet), its budget execution beside 时序进度, and the indicators that deviate.

The ledger's actuals and budgets are computed once for the whole overview (each computation scans the year's
payouts), then every report is shown from them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from jiuzhu.regions.models import Region

from .actuals import Budget, budgets, computed
from .models import MonitoringReport, TargetTable
from .monitoring_report import NO_BUDGET, ReportRow, ReportView, elapsed, view


@dataclass(frozen=True)
class Line:
    region: Region
    budget: Budget
    report: ReportView | None
    """None: the region has not opened its report of the period."""
    lagging: bool
    """Budget execution behind 时序进度."""

    @property
    def deviating(self) -> list[ReportRow]:
        return self.report.deviating if self.report else []


@dataclass(frozen=True)
class Overview:
    table: TargetTable
    through_month: int
    elapsed: Decimal
    """时序进度 of the period, in per cent."""
    lines: list[Line]

    @property
    def deviations(self) -> int:
        return sum(len(x.deviating) for x in self.lines)

    @property
    def lagging(self) -> int:
        """How many regions' budget execution is behind 时序进度."""
        return sum(x.lagging for x in self.lines)

    @property
    def reports(self) -> list[ReportView]:
        return [x.report for x in self.lines if x.report is not None]


def _regions(table: TargetTable) -> list[Region]:
    """The table's regions in column order, each once (地区本级's unit columns share the prefecture)."""
    seen: dict[int, Region] = {}
    for c in table.columns.select_related("region").order_by("position"):
        seen.setdefault(c.region_id, c.region)
    return list(seen.values())


def overview(
    table: TargetTable, through_month: int, shown: Callable[[Region], bool] = lambda r: True
) -> Overview:
    """The regions ``shown`` (the user's area) of the table, in its column order."""
    year, n = table.fund.fiscal_year, through_month
    ledger, budgets_of = computed(table.fund_id, year, n), budgets(table.fund_id, year, n)
    reports = {
        r.region_id: r
        for r in MonitoringReport.objects.filter(table=table, through_month=n).select_related(
            "region", "table__fund"
        )
    }
    time = elapsed(n)
    lines = []
    for region in filter(shown, _regions(table)):
        budget = budgets_of.get(region.pk, NO_BUDGET)
        report = view(reports[region.pk], ledger, budgets_of) if region.pk in reports else None
        lines.append(Line(region, budget, report, budget.rate is not None and budget.rate < time))
    return Overview(table, n, time, lines)


def consolidated(table: TargetTable, through_month: int) -> list[ReportView]:
    """Every region's report of the period, in the table's column order."""
    return overview(table, through_month).reports
