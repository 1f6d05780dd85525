"""The factor method (因素法) in the allocation editor: the clerk's factor table, and the 工作绩效 factor offered
from the fund's last self-evaluation (``performance.evaluation.work_performance``), its source shown.

The fund's 管理办法 names 救助任务量, 财政困难程度, 财政努力程度 and 工作绩效 as the factors: the first three come in
the clerk's table (the same layout ``jiuzhu allocate-factors`` reads), the last one is offered from the scores
the system computed, so it is never typed.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from jiuzhu.core.errors import InvalidInput
from jiuzhu.domain.factor import Factor
from jiuzhu.domain.problems import Problem
from jiuzhu.regions.models import load_tree

from .imports import parse_factor_table, read_rows
from .models import Plan


def offered(plan: Plan) -> Any:
    """The self-evaluation before the plan's year that the plan's issuer made for the same fund, or None."""
    from jiuzhu.performance.evaluation import work_performance

    if plan.kind != Plan.ALLOCATION:
        return None
    fund = plan.fund
    return work_performance(
        fund_name=fund.name, year=fund.fiscal_year, source_label=fund.source_label, region=plan.issuer
    )


@dataclass(frozen=True)
class Posted:
    factors: list[Factor]
    region_codes: list[str]


def _weight(text: str) -> Decimal:
    try:
        weight = Decimal(text.strip() or "0")
    except InvalidOperation:
        weight = Decimal(-1)
    if not weight.is_finite() or weight <= 0:
        raise InvalidInput([Problem("FACTOR", f"工作绩效因素的权重应为正数，而不是“{text}”")])
    return weight


def posted(plan: Plan, editor_codes: list[str], data: Any, upload: Any) -> Posted:
    """The factors of the form: the uploaded table's (if any) and 工作绩效 (if chosen), over the table's regions
    or else the editor's."""
    factors: list[Factor] = []
    codes = editor_codes
    if upload is not None:
        try:
            sheet, rows = read_rows(upload.read())
        except ValueError as exc:
            raise InvalidInput([Problem("FACTOR", str(exc))]) from exc
        table = parse_factor_table(sheet, rows, load_tree())
        if table.problems:
            raise InvalidInput(table.problems)
        factors, codes = table.factors, table.region_codes
    if data.get("work"):
        found = offered(plan)
        if found is None:
            raise InvalidInput([Problem("FACTOR", "没有上一年度的绩效自评，不能选用工作绩效因素")])
        factors.append(found.factor(_weight(data.get("work_weight", ""))))
    if not factors:
        raise InvalidInput([Problem("FACTOR", "请上传因素表，或选用工作绩效因素")])
    return Posted(factors, codes)
