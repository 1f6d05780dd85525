"""Reads of the ledger, every one scoped to the user's area through ``accounts.scoping.scoped``.

Balances are derived here from movements, registration lines, payments and payouts; nothing stores them. Only
what a checker approved counts: registrations with status ``approved``, payments and payouts of approved import
batches (the demo's stored faults have no batch and count as data that reached the ledger some other way).
Submissions waiting for a checker are listed by ``pending_registrations`` and ``pending_batches``.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from jiuzhu.accounts.scoping import scoped
from jiuzhu.domain.ledger import is_late
from jiuzhu.domain.purposes import PURPOSE_LABELS, Purpose
from jiuzhu.regions.models import Region

from .models import (
    Appropriation,
    ImportBatch,
    Movement,
    Payment,
    Payout,
    Registration,
    RegistrationLine,
    ReviewStatus,
)
from .payout_sums import paid_out_by_payment

ZERO = Decimal("0.00")
#: What counts, as filters on each model.
APPROVED_PAYMENT = Q(batch__approved_at__isnull=False)
APPROVED_PAYOUT = Q(batch__isnull=True) | Q(batch__approved_at__isnull=False)
APPROVED_LINE = Q(registration__status=Registration.APPROVED)
#: A running import that has not reported for this long is shown as 已中断 and may be retried; its worker died
#: (a live one beats every 15 s, ``services.liveness``), and ``liveness.fail_stalled`` marks it failed.
STALL_AFTER = datetime.timedelta(seconds=60)


def visible_movements(user: Any) -> QuerySet[Movement]:
    return scoped(Movement.objects.select_related("region", "plan"), user).order_by(
        "region__path", "received_on", "id"
    )


def visible_appropriations(user: Any) -> QuerySet[Appropriation]:
    return scoped(Appropriation.objects.select_related("region"), user)


def visible_payments(user: Any) -> QuerySet[Payment]:
    return scoped(Payment.objects.select_related("region", "appropriation"), user)


def visible_batches(user: Any) -> QuerySet[ImportBatch]:
    return scoped(ImportBatch.objects.select_related("region"), user)


def counted_payments(user: Any) -> QuerySet[Payment]:
    """Vouchers of approved batches: what the pages, balances and exports show."""
    return visible_payments(user).filter(APPROVED_PAYMENT)


def approved_payout_batches(user: Any) -> QuerySet[ImportBatch]:
    """The payout batches that count, that the user may see, newest first."""
    return (
        visible_batches(user)
        .filter(kind=ImportBatch.PAYOUTS, approved_at__isnull=False)
        .order_by("-approved_at", "-id")
    )


def chosen_batch(batches: QuerySet[ImportBatch], wanted: str | None) -> ImportBatch | None:
    """The batch of ``batches`` asked for (its id as text), else the first."""
    if wanted and wanted.isdigit():
        return batches.filter(pk=int(wanted)).first()
    return batches.first()


def batch_payouts(batch: ImportBatch | None) -> QuerySet[Payout]:
    """One batch's payouts in file order (none without a batch): found through the batch index (BRIN on
    PostgreSQL), never by sorting the whole table (PostgreSQL's payouts have no primary-key btree to page
    through)."""
    if batch is None:
        return Payout.objects.none()
    return Payout.objects.filter(batch=batch).select_related("region").order_by("row_no")


class BatchPage:
    """A batch's payouts for the Paginator: the count is the batch's own ``rows_stored`` (no COUNT over the
    table), and an approved batch's pages (immutable) are kept in the process cache once read."""

    def __init__(self, batch: ImportBatch | None) -> None:
        self.batch, self.rows = batch, batch_payouts(batch)

    def count(self) -> int:
        return self.batch.rows_stored if self.batch is not None else 0

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[Payout]:
        batch = self.batch
        if batch is None or batch.approved_at is None:
            return list(self.rows[window])
        key = f"jiuzhu:batch-page:{batch.pk}:{batch.approved_at.timestamp()}:{window.start}:{window.stop}"
        rows = cache.get(key)
        if rows is None:
            rows = list(self.rows[window])
            cache.set(key, rows, timeout=3600)
        return list(rows)


def visible_registrations(user: Any) -> QuerySet[Registration]:
    return scoped(
        Registration.objects.select_related("movement__region", "movement__fund", "registered_by"),
        user,
        via="movement__region",
    )


def pending_registrations(user: Any) -> QuerySet[Registration]:
    return (
        visible_registrations(user)
        .filter(status=Registration.SUBMITTED)
        .order_by("movement__region__path", "id")
    )


def pending_batches(user: Any) -> QuerySet[ImportBatch]:
    return (
        visible_batches(user)
        .filter(review_status=ReviewStatus.SUBMITTED)
        .order_by("region__path", "created_at", "id")
    )


def is_stalled(batch: ImportBatch, now: datetime.datetime | None = None) -> bool:
    """A running batch without a heartbeat for ``STALL_AFTER``: its worker died."""
    if batch.status != ImportBatch.RUNNING:
        return False
    last = batch.heartbeat_at or batch.created_at
    return (now or timezone.now()) - last > STALL_AFTER


def _sums(queryset: QuerySet[Any], key: str, field: str, only: Q | None = None) -> dict[Any, Decimal]:
    total = Sum(field, filter=only) if only is not None else Sum(field)
    return {k: v or ZERO for k, v in queryset.values_list(key).annotate(t=total).values_list(key, "t")}


def _paid_out_by_appropriation(appropriations: QuerySet[Appropriation], paid_by: Q) -> dict[int, Decimal]:
    """Σ实发 of the counted payouts per appropriation (through their vouchers ``paid_by``), from ``payout_sums``."""
    by_payment = paid_out_by_payment()
    totals: dict[int, Decimal] = {}
    vouchers = Payment.objects.filter(paid_by, appropriation__in=appropriations).values_list(
        "pk", "appropriation_id"
    )
    for payment, appropriation in vouchers:
        if payment in by_payment:
            totals[appropriation] = totals.get(appropriation, ZERO) + by_payment[payment]
    return totals


def ledger_report(
    user: Any, *, region: Region | None = None, fiscal_year: int | None = None
) -> dict[str, Any]:
    """Per region and appropriation: received, registered, paid, paid out to persons, balance, tag, purpose.

    ``received`` is what the region's movements brought (下达 + 调增 − 调减); ``registered`` what it booked into
    its own appropriations; ``paid`` the treasury payments (xpay_amt); ``paid_out`` the per-person payouts;
    ``balance`` = registered − paid (with ``fiscal_year``: the payments of that year and before, not those of a
    later year from a balance carried over). Only approved registrations and batches count; an appropriation appears
    once a registration of it is approved. ``fund`` on a line or receipt is the fund's level (``自治区``,
    ``中央``): the region's totals add up every fund. Amounts are strings of 元 with 2 places.
    """
    movements = scoped(Movement.objects.all(), user)
    approved_lines = RegistrationLine.objects.filter(APPROVED_LINE, appropriation=OuterRef("pk"))
    appropriations = (
        scoped(Appropriation.objects.select_related("region", "fund"), user)
        .filter(Exists(approved_lines))
        .order_by("region__path", "purpose", "exp_func_code", "fund_id")  # the same on every database
    )
    if region is not None:
        movements = movements.filter(region__path__startswith=region.path)
        appropriations = appropriations.filter(region__path__startswith=region.path)
    if fiscal_year is not None:
        movements = movements.filter(fiscal_year=fiscal_year)
        appropriations = appropriations.filter(fiscal_year=fiscal_year)
    received = _sums(movements, "region", "amount")
    registered_by_region = _sums(
        movements.filter(registration__status=Registration.APPROVED), "region", "amount"
    )
    registered = _sums(
        appropriations, "pk", "lines__amount", Q(lines__registration__status=Registration.APPROVED)
    )
    # a year's report leaves out the later years' payments of a balance carried over (yearend)
    paid_by = Q(fiscal_year__lte=fiscal_year) if fiscal_year is not None else Q()
    paid = _sums(
        appropriations,
        "pk",
        "payments__xpay_amt",
        Q(payments__batch__approved_at__isnull=False)
        & Q(**({"payments__fiscal_year__lte": fiscal_year} if fiscal_year is not None else {})),
    )
    paid_out = _paid_out_by_appropriation(appropriations, paid_by)
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
            for m in movements.filter(region=reg)
            .select_related("registration", "fund")
            .order_by("received_on", "id")
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
        "fund": a.fund.source_label,
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
    """One receipt and its registration: ``registered`` once approved; ``registration_status`` is ``none``,
    ``submitted`` (waiting for a checker), ``approved`` or ``returned``. A returned registration is as good as
    none for the 30-day rule: the date that counts is that of its corrected submission."""
    registration = getattr(m, "registration", None)
    status = registration.status if registration else "none"
    live = registration if status in (Registration.SUBMITTED, Registration.APPROVED) else None
    registered_on = live.registered_on if live else None
    late = is_late(m.received_on, registered_on or timezone.localdate())
    return {
        "sup_bgt_doc_no": m.sup_bgt_doc_no,
        "fund": m.fund.source_label,
        "kind": m.get_kind_display(),
        "amount": str(m.amount),
        "received_on": m.received_on.isoformat(),
        "income_sort_code": m.income_code,
        "is_dir": m.direct_fund_tag,
        "registered": status == Registration.APPROVED,
        "registration_status": status,
        "cor_bgt_doc_no": live.cor_bgt_doc_no if live else "",
        "registered_on": registered_on.isoformat() if registered_on else None,
        "return_reason": registration.return_reason
        if registration and status == Registration.RETURNED
        else "",
        "late": late,
        "movement_id": m.pk,
        "registration_id": registration.pk if registration else None,
    }


def unregistered_movements(user: Any) -> QuerySet[Movement]:
    """Receipts without an approved registration (none yet, waiting for a checker, or returned)."""
    return visible_movements(user).exclude(registration__status=Registration.APPROVED)


def payouts_for_export(user: Any, *, region: Region, fiscal_year: int, month: str) -> QuerySet[Payout]:
    # through the region's batches of the year: payouts are found by their batch (see the model)
    batches = ImportBatch.objects.filter(
        kind=ImportBatch.PAYOUTS, region=region, fiscal_year=fiscal_year, approved_at__isnull=False
    )
    return (
        scoped(Payout.objects.all(), user)
        .filter(Q(batch__in=batches) | Q(batch__isnull=True), region=region, fiscal_year=fiscal_year)
        .filter(Q(pay_month=month))
        .order_by("pay_cert_no", "row_no", "id")
    )


def cached_ledger_report(user: Any) -> dict[str, Any]:
    """``ledger_report`` of the user's area, kept in the process cache until the next write anywhere.

    Every write is one audit record in its own transaction (DESIGN), so the newest record's id is a version of
    everything the report reads: a new write gives a new key (its hash, unique along the chain). The report depends on the user only through the
    area (``scoped``)."""
    from jiuzhu.accounts.scoping import scope_path
    from jiuzhu.audit.models import AuditRecord

    head = AuditRecord.objects.order_by("-id").values_list("hash", flat=True).first() or ""
    key = f"jiuzhu:ledger-report:{scope_path(user)}:{head}"
    report: dict[str, Any] | None = cache.get(key)
    if report is None:
        report = ledger_report(user)
        cache.set(key, report, timeout=600)
    return report
