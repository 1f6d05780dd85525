"""Every write to allocation plans: one transaction, one audit record each, keyword-only arguments.

Approving and returning a submitted plan go through ``jiuzhu.approvals.review`` (``allocation.review``)."""

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction

from jiuzhu.accounts.actions import require, require_within
from jiuzhu.accounts.models import User
from jiuzhu.approvals import services as approvals
from jiuzhu.audit.actions import AuditAction
from jiuzhu.audit.services import record
from jiuzhu.core.errors import ActionRefused, InvalidInput
from jiuzhu.domain.allocation import AdjustmentLine, totals, validate_lines
from jiuzhu.domain.docno import DocNoError, normalise_docno
from jiuzhu.domain.factor import Factor, FactorError, split_by_factors
from jiuzhu.domain.holding import holding_problems, not_received, paid_problems
from jiuzhu.domain.problems import Problem, Severity, Where, has_errors
from jiuzhu.funds.models import Fund
from jiuzhu.regions.models import Region, load_tree
from jiuzhu.yearend.locks import refuse_if_closed

from . import holdings
from .models import PLAN_STATES, Plan, PlanRow
from .selectors import visible_plans


def snapshot(plan: Plan) -> dict[str, Any]:
    return {
        "status": plan.status,
        "rows": {r.region.code: [str(r.base), str(r.decrease), str(r.increase)] for r in plan.rows.all()},
    }


@transaction.atomic
def do_create_plan(
    *,
    actor: User,
    fund: Fund,
    kind: str,
    doc_no: str,
    title: str,
    doc_date: datetime.date,
    issuer: Region,
    ip: str = "",
) -> Plan:
    """A draft plan; an adjustment starts from every region's current approved amount as its base."""
    require(actor, "allocation.edit")
    require_within(actor, issuer)
    refuse_if_closed(fiscal_year=fund.fiscal_year, region=issuer, what="新建该年度的分配或调整方案")
    try:
        doc_no = normalise_docno(doc_no)
    except DocNoError as exc:
        raise InvalidInput([Problem("BAD_DOCNO", str(exc), Where(column="文号"))]) from exc
    if Plan.objects.filter(doc_no=doc_no).exists():
        raise InvalidInput([_duplicate_docno(actor, doc_no)])
    refusal = not_received(holdings.holding(fund=fund, issuer=issuer))
    if refusal is not None:
        raise InvalidInput([refusal])
    plan = Plan.objects.create(
        fund=fund, kind=kind, doc_no=doc_no, title=title, doc_date=doc_date, issuer=issuer, created_by=actor
    )
    if kind == Plan.ADJUSTMENT:
        # What the issuer's own plans gave: a county's plan for its area is none of the prefecture's business.
        amounts = holdings.issued_amounts(fund=fund, issuer=issuer)
        for region in Region.objects.filter(pk__in=list(amounts), path__startswith=issuer.path):
            PlanRow.objects.create(
                plan=plan, region=region, base=amounts[region.pk], decrease=Decimal(0), increase=Decimal(0)
            )
    record(
        actor=actor,
        action=AuditAction.ALLOCATION_CREATE,
        entity=doc_no,
        region_path=issuer.path,
        after=snapshot(plan),
        ip=ip,
    )
    return plan


class PlanChanged(ActionRefused):
    """Someone saved the plan after the editor was opened."""

    def __init__(self, version: int) -> None:
        self.version = version
        super().__init__(
            "方案在您打开后已被他人修改并保存，您这次的修改没有保存；请重新打开方案，在最新的数字上修改后再保存"
        )


def _duplicate_docno(actor: Any, doc_no: str) -> Problem:
    """A number the actor's area already used is named as such; another region's (a draft the actor cannot see)
    gets the same answer as any number that cannot be used, without saying whose it is or what state it is in."""
    if visible_plans(actor).filter(doc_no=doc_no).exists():
        return Problem("DUPLICATE_DOCNO", f"文号{doc_no}已存在", Where(column="文号"))
    return Problem(
        "DOCNO_UNAVAILABLE", f"文号{doc_no}不能使用，请核对发文机关代字、年份和序号", Where(column="文号")
    )


@transaction.atomic
def do_save_rows(
    *,
    actor: User,
    plan: Plan,
    lines: list[AdjustmentLine],
    expected_version: int | None = None,
    ip: str = "",
) -> None:
    """Replace the plan's rows; refuses with every problem at once, and then nothing is saved.

    ``expected_version`` is the plan's version when the editor was opened: if someone saved the plan since, the
    save is refused (no lost update) and nothing is overwritten.
    """
    require(actor, "allocation.edit")
    require_within(actor, plan.issuer)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if not plan.editable:
        raise ActionRefused("方案已提交或已审核，不能修改；如需更正，请新建调整方案")
    refuse_if_closed(fiscal_year=plan.fund.fiscal_year, region=plan.issuer, what="修改该年度的分配或调整方案")
    if expected_version is not None and plan.version != expected_version:
        raise PlanChanged(plan.version)
    problems = validate_plan_lines(plan, lines)
    if has_errors(problems):
        raise InvalidInput(problems)
    before = snapshot(plan)
    regions = {r.code: r for r in Region.objects.filter(code__in=[x.region_code[:6] for x in lines])}
    plan.rows.all().delete()
    plan.version += 1
    plan.save(update_fields=["version"])
    PlanRow.objects.bulk_create(
        PlanRow(
            plan=plan,
            region=regions[x.region_code[:6]],
            base=x.base,
            decrease=x.decrease,
            increase=x.increase,
        )
        for x in lines
    )
    record(
        actor=actor,
        action=AuditAction.ALLOCATION_SAVE_ROWS,
        entity=plan.doc_no,
        region_path=plan.issuer.path,
        before=before,
        after=snapshot(plan),
        ip=ip,
    )


def validate_plan_lines(plan: Plan, lines: list[AdjustmentLine], *, final: bool = False) -> list[Problem]:
    """Domain checks, plus: the plan fits what its issuer holds; a decrease leaves each region at least what it
    has paid (a warning while editing, an error when ``final``: at submission and approval); an adjustment's
    base must be what the region currently has."""
    tree = load_tree()
    problems = validate_lines(lines, tree=tree, issuer_code=plan.issuer.code)
    problems += holding_problems(holdings.holding(fund=plan.fund, issuer=plan.issuer, excluding=plan), lines)
    regions = list(Region.objects.filter(code__in=[x.region_code[:6] for x in lines]))
    problems += paid_problems(
        lines,
        holdings.paid_by_region(fund=plan.fund, regions=regions),
        {r.code: r.short_name for r in regions},
        severity=Severity.ERROR if final else Severity.WARNING,
    )
    if plan.kind != Plan.ADJUSTMENT:
        return problems
    current = {r.code: amount for r, amount in _current_by_region(plan).items()}
    for index, line in enumerate(lines, start=1):
        node = tree.find(line.region_code)
        expected = current.get(node.code) if node else None
        if node and expected is not None and line.base != expected:
            problems.append(
                Problem(
                    "BASE_MISMATCH",
                    f"{node.short_name}的原额度应为已下达的{expected}元，填为{line.base}元",
                    Where(row=index, column="自治区补助资金额度", entity=node.code),
                    numbers={"stated": line.base, "current": expected},
                )
            )
    return problems


def _current_by_region(plan: Plan) -> dict[Region, Decimal]:
    amounts = holdings.issued_amounts(fund=plan.fund, issuer=plan.issuer, excluding=plan)
    return {r: amounts[r.pk] for r in Region.objects.filter(pk__in=amounts)}


SUBJECT = "allocation.plan"


def approval_amount(plan: Plan) -> Decimal:
    """The amount the approval threshold is measured on: the plan's 合计 after adjustment, column (5)."""
    return totals([r.line() for r in plan.rows.select_related("region")]).final


@transaction.atomic
def do_submit_plan(*, actor: User, plan: Plan, ip: str = "") -> int:
    """Submit for approval; returns how many checkers the plan needs (rules by amount, fund and area)."""
    require(actor, "allocation.submit")
    require_within(actor, plan.issuer)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if not plan.editable:
        raise ActionRefused("只有草稿或退回的方案可以提交")
    refuse_if_closed(fiscal_year=plan.fund.fiscal_year, region=plan.issuer, what="提交该年度的分配或调整方案")
    if not plan.rows.exists():
        raise ActionRefused("方案没有任何地区的分配数，不能提交")
    problems = validate_plan_lines(plan, [r.line() for r in plan.rows.select_related("region")], final=True)
    if has_errors(problems):
        raise InvalidInput(problems)
    amount = approval_amount(plan)
    required = approvals.open_round(
        subject=SUBJECT, object_id=plan.pk, actor=actor, region=plan.issuer, fund=plan.fund, amount=amount
    )
    PLAN_STATES.move(plan, Plan.SUBMITTED)
    plan.submitted_by, plan.return_reason = actor, ""
    plan.save(update_fields=["status", "submitted_by", "return_reason"])
    record(
        actor=actor,
        action=AuditAction.ALLOCATION_SUBMIT,
        entity=plan.doc_no,
        region_path=plan.issuer.path,
        after={"status": plan.status, "amount": str(amount), "approvals_required": required},
        ip=ip,
    )
    return required


def do_fill_by_factors(
    *,
    actor: User,
    plan: Plan,
    total: Decimal,
    factors: list[Factor],
    region_codes: list[str],
    unit: Decimal,
    ip: str = "",
) -> dict[str, Decimal]:
    """因素法: split ``total`` over the regions and save it as the allocation plan's amounts."""
    if plan.kind != Plan.ALLOCATION:
        raise ActionRefused("因素法只用于分配下达方案；调整方案请逐地区填写调减、调增")
    try:
        parts = split_by_factors(total, factors, region_codes, unit=unit)
    except FactorError as exc:
        raise InvalidInput([Problem("FACTOR", str(exc))]) from exc
    lines = [AdjustmentLine(code, increase=amount) for code, amount in parts.items()]
    do_save_rows(actor=actor, plan=plan, lines=lines, ip=ip)
    return parts
