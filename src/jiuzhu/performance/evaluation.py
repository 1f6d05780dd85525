"""The year-end self-evaluation (绩效自评) of one region: computed from the table, the actuals and the ledger.

Nothing here is typed: 年度指标值 is the column's target, 全年实际值 the completion through December, 全年预算数
the region's amount under the fund's latest approved plan, 全年执行数 its approved vouchers; the scores come
from ``domain.performance.scoring`` with the explanation of each. ``work_performance_factor`` takes the scores
back to allocation: the fund's 管理办法 names 工作绩效 among the factors of the factor method.
"""

from dataclasses import dataclass
from decimal import Decimal

from jiuzhu.allocation.selectors import current_amounts
from jiuzhu.domain.factor import Factor
from jiuzhu.domain.performance.scoring import Entry, Evaluation, Scored, Weights, evaluate
from jiuzhu.regions.models import Region

from .actuals import Budget, Measured, budgets, computed
from .models import TargetTable
from .selectors import Completion, completions

DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True)
class Row:
    completion: Completion
    scored: Scored

    @property
    def reason(self) -> str:
        """未完成原因: the missed target and the numbers behind the actual (blank when met or not judged)."""
        done = self.completion
        return f"未达到{done.target}（{done.detail}）" if done.met is False else ""


@dataclass(frozen=True)
class SelfEvaluation:
    region: Region
    column: str
    budget: Budget
    evaluation: Evaluation
    rows: list[Row]

    @property
    def rate(self) -> Decimal | None:
        return self.budget.rate


@dataclass(frozen=True)
class YearFigures:
    """What every region's self-evaluation of a table reads from the ledger and the allocation: computed once for a
    page or an export (``actuals.computed`` scans the year's payouts)."""

    measured: dict[int, dict[str, Measured]]
    spent: dict[int, Budget]
    allotted: dict[int, Decimal]
    """region id → its amount under the fund's latest approved plan."""


def year_figures(table: TargetTable) -> YearFigures:
    year = table.fund.fiscal_year
    return YearFigures(
        computed(table.fund_id, year, 12),
        budgets(table.fund_id, year, 12),
        current_amounts(fund=table.fund),
    )


def self_evaluation(
    table: TargetTable,
    region: Region,
    *,
    weights: Weights = DEFAULT_WEIGHTS,
    figures: YearFigures | None = None,
) -> SelfEvaluation:
    f = year_figures(table) if figures is None else figures
    spent = f.spent.get(region.pk, Budget(Decimal(0), Decimal(0))).spent
    budget = Budget(f.allotted.get(region.pk, Decimal(0)), spent)
    done = completions(table, region, 12, f.measured)
    entries = [
        Entry(
            key=c.indicator.level3,
            level1=c.indicator.level1,
            target=c.target,
            actual=c.actual,
            last_year=c.last_year,
            judgement=c.judgement,
            applies=c.applies,
        )
        for c in done
    ]
    result = evaluate(entries, budget.received, budget.spent, weights)
    column = next((str(c) for c in table.columns.all() if c.region_id == region.pk), region.short_name)
    return SelfEvaluation(
        region, column, budget, result, [Row(c, s) for c, s in zip(done, result.lines, strict=True)]
    )


def all_evaluations(table: TargetTable) -> list[SelfEvaluation]:
    """Every column's region of the table, in the table's order."""
    figures = year_figures(table)
    return [self_evaluation(table, c.region, figures=figures) for c in table.columns.select_related("region")]


WORK_PERFORMANCE = "工作绩效"


@dataclass(frozen=True)
class WorkPerformance:
    """The self-evaluation an allocation takes its 工作绩效 factor from, with each region's total and grade."""

    table: TargetTable
    evaluations: list[SelfEvaluation]

    @property
    def source(self) -> str:
        """Where the scores come from, in the clerk's words."""
        t = self.table
        return f"{t.fund.fiscal_year}年度绩效自评总分（{t.region.name}《{t.title}》，{t.fund}）"

    @property
    def scores(self) -> dict[str, Decimal]:
        """region code → total score (a region with two columns keeps its first)."""
        out: dict[str, Decimal] = {}
        for e in self.evaluations:
            out.setdefault(e.region.code, e.evaluation.total)
        return out

    def factor(self, weight: Decimal) -> Factor:
        return Factor(WORK_PERFORMANCE, weight, self.scores)


def work_performance(
    *, fund_name: str, year: int, source_label: str = "", region: Region | None = None
) -> WorkPerformance | None:
    """The latest self-evaluation of the fund (by name; also by level and issuing region when given) before
    ``year``: what the factor method of an allocation of ``year`` offers as 工作绩效 (None when there is none)."""
    tables = TargetTable.objects.filter(fund__name=fund_name, fund__fiscal_year__lt=year)
    if source_label:
        tables = tables.filter(fund__source_label=source_label)
    if region is not None:
        tables = tables.filter(region=region)
    table = tables.select_related("fund", "region").order_by("-fund__fiscal_year", "region__path").first()
    return None if table is None else WorkPerformance(table, all_evaluations(table))


def work_performance_factor(*, fund_name: str, year: int, weight: Decimal) -> Factor | None:
    """The factor method's 工作绩效 factor for an allocation of ``year``: each region's total score in the latest
    self-evaluation of the fund before that year (keyed by region code; None when there is none)."""
    found = work_performance(fund_name=fund_name, year=year)
    return None if found is None else found.factor(weight)
