"""指标登记: the county books a movement to its own appropriations; a checker approves or returns it
(``RegistrationReview``, through ``jiuzhu.approvals.review``)."""

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet, Sum
from django.urls import reverse
from django.utils import timezone

from jiuzhu.accounts.actions import require
from jiuzhu.accounts.models import User
from jiuzhu.accounts.scoping import scoped
from jiuzhu.approvals import services as approvals
from jiuzhu.approvals.review import Subject
from jiuzhu.audit.actions import AuditAction
from jiuzhu.audit.services import record
from jiuzhu.core.errors import ActionRefused, InvalidInput
from jiuzhu.domain.docno import DocNoError, normalise_docno
from jiuzhu.domain.ledger import (
    AppropriationState,
    RegistrationLine,
    late_warning,
    validate_registration,
)
from jiuzhu.domain.money import format_yuan
from jiuzhu.domain.problems import Problem, Where, has_errors
from jiuzhu.domain.purposes import Purpose
from jiuzhu.funds.models import ClassificationCode
from jiuzhu.regions.models import Region
from jiuzhu.yearend.locks import refuse_if_closed

from ..models import REGISTRATION_STATES, Appropriation, Movement, Payment, Registration
from ..models import RegistrationLine as LineModel
from .appropriations import LIVE_LINES, approved_paid, approved_registered
from .reviewers import review_refusal

REGISTRATION = "ledger.registration"


def bgt_id_for(region: Region, fiscal_year: int, fund_id: int, code: str, purpose: str) -> str:
    """654225000-2022-1-2081902-01: region, year, fund, expenditure code and the purpose's number (its place
    in ``Purpose``: 01 低保 … 05 孤儿) — digits only, no pinyin in a key clerks read and type."""
    number = [p.value for p in Purpose].index(purpose) + 1
    return f"{region.mof_div_code}-{fiscal_year}-{fund_id}-{code}-{number:02d}"


def _appropriation_states(region: Region, fund_id: int) -> dict[tuple[str, str], AppropriationState]:
    registered = dict(
        Appropriation.objects.filter(region=region, fund_id=fund_id)
        .values_list("pk")
        .annotate(total=Sum("lines__amount", filter=LIVE_LINES))
        .values_list("pk", "total")
    )
    paid = dict(
        Payment.objects.filter(appropriation__region=region, appropriation__fund_id=fund_id)
        .values_list("appropriation")
        .annotate(total=Sum("xpay_amt"))
        .values_list("appropriation", "total")
    )
    return {
        (a.exp_func_code, a.purpose): AppropriationState(
            registered.get(a.pk) or Decimal(0), paid.get(a.pk) or Decimal(0)
        )
        for a in Appropriation.objects.filter(region=region, fund_id=fund_id)
    }


@transaction.atomic
def do_register_receipt(
    *,
    actor: User,
    movement: Movement,
    cor_bgt_doc_no: str,
    lines: Sequence[RegistrationLine],
    registered_on: datetime.date | None = None,
    ip: str = "",
) -> tuple[Registration, list[Problem]]:
    """指标登记: the receiving region books one movement to its own appropriations, split by purpose.

    ``registered_on`` defaults to today; the demo year passes its synthetic dates. Returns the registration
    and its warnings (a registration later than 30 days after receipt is flagged, not refused).
    """
    require(actor, "ledger.register")
    movement = Movement.objects.select_for_update().select_related("region", "fund").get(pk=movement.pk)
    if actor.region_id != movement.region_id:
        raise ActionRefused("只有接收地区本级可以登记该指标")
    refuse_if_closed(fiscal_year=movement.fiscal_year, region=movement.region, what="登记该年度的指标")
    previous = Registration.objects.select_for_update().filter(movement=movement).first()
    if previous is not None and previous.status == Registration.SUBMITTED:
        raise ActionRefused("该笔指标的登记正在等待审核")
    if previous is not None and previous.status == Registration.APPROVED:
        raise ActionRefused("该笔指标已登记；如需更正，请通过新的调整文件")
    registered_on = registered_on or timezone.localdate()
    problems: list[Problem] = []
    try:
        cor_bgt_doc_no = normalise_docno(cor_bgt_doc_no) if cor_bgt_doc_no.strip() else ""
    except DocNoError as exc:
        problems.append(Problem("BAD_DOCNO", str(exc), Where(column="本级指标文号")))
        cor_bgt_doc_no = ""
    fund = movement.fund
    code_purposes = dict(
        ClassificationCode.objects.filter(
            fiscal_year=fund.fiscal_year, code__in=fund.expenditure_codes
        ).values_list("code", "purpose")
    )
    if registered_on < movement.received_on:
        problems.append(Problem("BEFORE_RECEIPT", "登记日期早于收到指标的日期", Where(column="登记日期")))
    problems += validate_registration(
        receipt_amount=movement.amount,
        lines=lines,
        allowed_codes=fund.expenditure_codes,
        code_purposes=code_purposes,
        existing=_appropriation_states(movement.region, fund.pk),
        cor_bgt_doc_no=cor_bgt_doc_no,
    )
    if has_errors(problems):
        raise InvalidInput(problems)
    registration, before = _fresh_registration(previous, movement, cor_bgt_doc_no, registered_on, actor)
    for line in lines:
        appropriation, _ = Appropriation.objects.get_or_create(
            region=movement.region,
            fund=fund,
            exp_func_code=line.exp_func_code,
            purpose=line.purpose.value,
            defaults={
                "bgt_id": bgt_id_for(
                    movement.region, fund.fiscal_year, fund.pk, line.exp_func_code, line.purpose.value
                ),
                "fiscal_year": fund.fiscal_year,
                "cor_bgt_doc_no": cor_bgt_doc_no,
                "income_code": movement.income_code,
                "direct_fund_tag": movement.direct_fund_tag,
            },
        )
        if appropriation.direct_fund_tag != movement.direct_fund_tag:
            raise InvalidInput(
                [Problem("TAG_MISMATCH", "直达资金标识与已有指标不一致", Where(column="直达资金标识"))]
            )
        LineModel.objects.create(registration=registration, appropriation=appropriation, amount=line.amount)
    required = approvals.open_round(
        subject=REGISTRATION,
        object_id=registration.pk,
        actor=actor,
        region=movement.region,
        fund=fund,
        amount=abs(movement.amount),
    )
    warning = late_warning(movement.received_on, registered_on)
    record(
        actor=actor,
        action=AuditAction.LEDGER_REGISTER if previous is None else AuditAction.LEDGER_REGISTER_RESUBMIT,
        entity=_registration_entity(movement),
        region_path=movement.region.path,
        ip=ip,
        before=before,
        after={
            "cor_bgt_doc_no": cor_bgt_doc_no,
            "registered_on": registered_on.isoformat(),
            "late": warning is not None,
            "tag": movement.direct_fund_tag,
            "lines": [[x.exp_func_code, x.purpose.value, str(x.amount)] for x in lines],
            "status": registration.status,
            "approvals_required": required,
        },
    )
    return registration, [warning] if warning else []


def _registration_entity(movement: Movement) -> str:
    return f"{movement.sup_bgt_doc_no} {movement.get_kind_display()} {movement.region.short_name}"


def _lines_snapshot(registration: Registration) -> list[list[str]]:
    return [
        [x.appropriation.exp_func_code, x.appropriation.purpose, str(x.amount)]
        for x in registration.lines.select_related("appropriation").order_by("id")
    ]


def _fresh_registration(
    previous: Registration | None,
    movement: Movement,
    cor_bgt_doc_no: str,
    registered_on: datetime.date,
    actor: User,
) -> tuple[Registration, dict[str, Any] | None]:
    """A new registration, or the returned one made ready for its corrected lines (the old ones removed, with
    the appropriations only they had created)."""
    if previous is None:
        registration = Registration.objects.create(
            movement=movement, cor_bgt_doc_no=cor_bgt_doc_no, registered_on=registered_on, registered_by=actor
        )
        return registration, None
    before = {
        "status": previous.status,
        "return_reason": previous.return_reason,
        "cor_bgt_doc_no": previous.cor_bgt_doc_no,
        "lines": _lines_snapshot(previous),
    }
    touched = list(previous.lines.values_list("appropriation_id", flat=True))
    previous.lines.all().delete()
    Appropriation.objects.filter(pk__in=touched, lines__isnull=True, payments__isnull=True).delete()
    previous.cor_bgt_doc_no, previous.registered_on, previous.registered_by = (
        cor_bgt_doc_no,
        registered_on,
        actor,
    )
    REGISTRATION_STATES.move(previous, Registration.SUBMITTED)
    previous.return_reason, previous.approved_at = "", None
    previous.save()
    return previous, before


class RegistrationReview(Subject[Registration]):
    """A checker of the receiving region and of the maker's department approves a submitted registration (then
    it counts) or returns it to its maker, who corrects and submits it again."""

    key, label, model = REGISTRATION, "指标登记", Registration
    permission, audit, region_via = "ledger.approve", "ledger.register_", "movement__region"
    related = ("movement__region", "movement__fund", "registered_by")
    states = REGISTRATION_STATES
    not_waiting = "只有待审核的登记可以{verb}"
    approved_message = "登记已审核通过"
    returned_message = "已退回经办人更正"

    def visible(self, actor: Any) -> QuerySet[Registration]:
        return scoped(Registration.objects.select_related(*self.related), actor, via=self.region_via)

    def refusal(self, actor: Any, registration: Registration) -> str:
        return review_refusal(actor, registration.movement.region, registration.registered_by.department)

    def makers(self, registration: Registration) -> set[int]:
        """Everyone who submitted it, and who registered it."""
        return super().makers(registration) | {registration.registered_by_id}

    def fits(self, registration: Registration) -> None:
        """Approving must not leave an appropriation's approved registrations below its approved payments (a
        decrease approved before the receipt it reduces, or below what was paid)."""
        for line in registration.lines.select_related("appropriation"):
            after = approved_registered(line.appropriation_id) + line.amount
            paid = approved_paid(line.appropriation_id)
            if after < paid or after < 0:
                raise ActionRefused(
                    f"指标{line.appropriation.bgt_id}审核后登记额为{format_yuan(after)}元，低于已审核支付的"
                    f"{format_yuan(paid)}元：请先审核该指标此前的登记"
                )

    def on_approve(self, registration: Registration, actor: Any) -> None:
        REGISTRATION_STATES.move(registration, Registration.APPROVED)
        registration.approved_at = timezone.now()
        registration.save(update_fields=["status", "approved_at"])

    def on_return(self, registration: Registration, actor: Any, reason: str) -> dict[str, Any]:
        REGISTRATION_STATES.move(registration, Registration.RETURNED)
        registration.return_reason = reason
        registration.save(update_fields=["status", "return_reason"])
        return {"lines": _lines_snapshot(registration)}

    def entity(self, registration: Registration) -> str:
        return _registration_entity(registration.movement)

    def facts(self, registration: Registration) -> dict[str, Any]:
        return {"status": registration.status, "amount": str(registration.movement.amount)}

    def page(self, registration: Registration) -> str:
        return reverse("ledger:home")
