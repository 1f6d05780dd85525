"""Reads of the ledger, every one scoped to the user's area through ``accounts.scoping.scoped``.

Balances are derived here from movements, registration lines, payments and payouts; nothing stores them.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from jiuzhu.accounts.scoping import scoped
from jiuzhu.domain.ledger import is_late
from jiuzhu.domain.purposes import PURPOSE_LABELS, Purpose
from jiuzhu.regions.models import Region

from .models import Appropriation, Disbursement, ImportBatch, Movement, Payment

ZERO = Decimal("0.00")
#: A running import that has not reported for this long is shown as 已中断 and may be retried.
STALL_AFTER = datetime.timedelta(minutes=10)


def visible_movements(user: Any) -> QuerySet[Movement]:
    return scoped(Movement.objects.select_related("region", "plan"), user).order_by(
        "region__path", "received_on", "id"
    )


def visible_appropriations(user: Any) -> QuerySet[Appropriation]:
    return scoped(Appropriation.objects.select_related("region"), user)


def visible_payments(user: Any) -> QuerySet[Payment]:
    return scoped(Payment.objects.select_related("region", "appropriation"), user)


def visible_disbursements(user: Any) -> QuerySet[Disbursement]:
    return scoped(Disbursement.objects.select_related("region"), user)


def visible_batches(user: Any) -> QuerySet[ImportBatch]:
    return scoped(ImportBatch.objects.select_related("region"), user)


def is_stalled(batch: ImportBatch, now: datetime.datetime | None = None) -> bool:
    """A running batch without a heartbeat for ``STALL_AFTER``: its worker died."""
    if batch.status != ImportBatch.RUNNING:
        return False
    last = batch.heartbeat_at or batch.created_at
    return (now or timezone.now()) - last > STALL_AFTER


def _sums(queryset: QuerySet[Any], key: str, field: str) -> dict[Any, Decimal]:
    return {k: v or ZERO for k, v in queryset.values_list(key).annotate(t=Sum(field)).values_list(key, "t")}


def ledger_report(
    user: Any, *, region: Region | None = None, fiscal_year: int | None = None
) -> dict[str, Any]:
    """Per region and appropriation: received, registered, paid, paid out to persons, balance, tag, purpose.

    ``received`` is what the region's movements brought (下达 + 调增 − 调减); ``registered`` what it booked into
    its own appropriations; ``paid`` the treasury payments (xpay_amt); ``paid_out`` the per-person payouts;
    ``balance`` = registered − paid. Amounts are strings of 元 with 2 places.
    """
    movements = scoped(Movement.objects.all(), user)
    appropriations = scoped(Appropriation.objects.select_related("region"), user)
    if region is not None:
        movements = movements.filter(region__path__startswith=region.path)
        appropriations = appropriations.filter(region__path__startswith=region.path)
    if fiscal_year is not None:
        movements = movements.filter(fiscal_year=fiscal_year)
        appropriations = appropriations.filter(fiscal_year=fiscal_year)
    received = _sums(movements, "region", "amount")
    registered_by_region = _sums(movements.filter(registration__isnull=False), "region", "amount")
    registered = _sums(appropriations, "pk", "lines__amount")
    paid = _sums(appropriations, "pk", "payments__xpay_amt")
    paid_out = _sums(
        Disbursement.objects.filter(payment__appropriation__in=appropriations),
        "payment__appropriation",
        "xpay_amt",
    )
    region_ids = set(received) | {a.region_id for a in appropriations}
    out = []
    for reg in Region.objects.filter(pk__in=region_ids).order_by("path"):
        lines = [
            _appropriation_line(a, registered, paid, paid_out)
            for a in appropriations
            if a.region_id == reg.pk
        ]
        receipts = [
            _receipt(m)
            for m in movements.filter(region=reg).select_related("registration").order_by("received_on", "id")
        ]
        totals = {
            k: sum((Decimal(x[k]) for x in lines), ZERO)
            for k in ("registered", "paid", "paid_out", "balance")
        }
        out.append(
            {
                "mof_div_code": reg.mof_div_code,
                "mof_div_name": reg.name,
                "short_name": reg.short_name,
                "received": str(received.get(reg.pk, ZERO)),
                "registered": str(registered_by_region.get(reg.pk, ZERO)),
                "unregistered": str(received.get(reg.pk, ZERO) - registered_by_region.get(reg.pk, ZERO)),
                **{k: str(v) for k, v in totals.items() if k != "registered"},
                "late_registrations": sum(1 for r in receipts if r["late"]),
                "receipts": receipts,
                "appropriations": lines,
            }
        )
    return {"fiscal_year": fiscal_year, "regions": out}


def _appropriation_line(
    a: Appropriation, registered: dict[Any, Decimal], paid: dict[Any, Decimal], paid_out: dict[Any, Decimal]
) -> dict[str, Any]:
    reg, pay = registered.get(a.pk, ZERO), paid.get(a.pk, ZERO)
    return {
        "bgt_id": a.bgt_id,
        "cor_bgt_doc_no": a.cor_bgt_doc_no,
        "exp_func_code": a.exp_func_code,
        "purpose": a.purpose,
        "purpose_name": PURPOSE_LABELS[Purpose(a.purpose)],
        "is_dir": a.direct_fund_tag,
        "income_sort_code": a.income_code,
        "fiscal_year": a.fiscal_year,
        "received": str(reg),
        "registered": str(reg),
        "paid": str(pay),
        "paid_out": str(paid_out.get(a.pk, ZERO)),
        "balance": str(reg - pay),
    }


def _receipt(m: Movement) -> dict[str, Any]:
    registration = getattr(m, "registration", None)
    registered_on = registration.registered_on if registration else None
    late = is_late(m.received_on, registered_on or timezone.localdate())
    return {
        "sup_bgt_doc_no": m.sup_bgt_doc_no,
        "kind": m.get_kind_display(),
        "amount": str(m.amount),
        "received_on": m.received_on.isoformat(),
        "income_sort_code": m.income_code,
        "is_dir": m.direct_fund_tag,
        "registered": registration is not None,
        "cor_bgt_doc_no": registration.cor_bgt_doc_no if registration else "",
        "registered_on": registered_on.isoformat() if registered_on else None,
        "late": late,
        "movement_id": m.pk,
    }


def unregistered_movements(user: Any) -> QuerySet[Movement]:
    return visible_movements(user).filter(registration__isnull=True)


def payouts_for_export(user: Any, *, region: Region, fiscal_year: int, month: str) -> QuerySet[Disbursement]:
    return (
        scoped(Disbursement.objects.all(), user)
        .filter(region=region, fiscal_year=fiscal_year)
        .filter(Q(pay_month=month))
        .order_by("pay_cert_no", "row_no", "id")
    )
