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


def self_evaluation(
    table: TargetTable,
    region: Region,
    *,
    weights: Weights = DEFAULT_WEIGHTS,
    ledger: dict[int, dict[str, Measured]] | None = None,
) -> SelfEvaluation:
    year = table.fund.fiscal_year
    if ledger is None:
        ledger = computed(table.fund_id, year, 12)
    spent = budgets(table.fund_id, year, 12).get(region.pk, Budget(Decimal(0), Decimal(0))).spent
    allotted = current_amounts(fund=table.fund).get(region.pk, Decimal(0))
    budget = Budget(allotted, spent)
    done = completions(table, region, 12, ledger)
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
    ledger = computed(table.fund_id, table.fund.fiscal_year, 12)
    return [self_evaluation(table, c.region, ledger=ledger) for c in table.columns.select_related("region")]


WORK_PERFORMANCE = "工作绩效"


def work_performance_factor(*, fund_name: str, year: int, weight: Decimal) -> Factor | None:
    """The factor method's 工作绩效 factor for an allocation of ``year``: each region's total score in the latest
    self-evaluation of the fund before that year (keyed by region code; None when there is none)."""
    table = (
        TargetTable.objects.filter(fund__name=fund_name, fund__fiscal_year__lt=year)
        .select_related("fund")
        .order_by("-fund__fiscal_year", "region__path")
        .first()
    )
    if table is None:
        return None
    scores = {e.region.code: e.evaluation.total for e in all_evaluations(table)}
    return Factor(WORK_PERFORMANCE, weight, scores)
