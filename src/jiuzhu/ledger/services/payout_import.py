"""Importing a payout file: read, staged, checked and stored set-based (``staging.PayoutImport``)."""

import gc
from collections import defaultdict
from collections.abc import Collection, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial

from django.db import connection, transaction
from django.db.models import F, Q, Sum

from jiuzhu.accounts.actors import Actor
from jiuzhu.core.errors import InvalidInput
from jiuzhu.domain import payout_problems
from jiuzhu.domain.money import from_fen
from jiuzhu.regions.models import Region

from .. import partitions, payout_sums
from ..io.readers import PayoutRows, read_payouts
from ..models import ImportBatch, Payment, Payout, PayoutPart, ReviewStatus
from ..staging import PayoutImport, Voucher
from .batches import Progress, mark_done, sha256_of


@dataclass
class EarlyRead:
    """A payout file read before its batch exists: the rows, or the problem the reader raised (raised again
    inside the batch, which records it)."""

    rows: PayoutRows | None = None
    problem: InvalidInput | None = None

    def get(self) -> PayoutRows:
        if self.problem is not None:
            raise self.problem
        assert self.rows is not None
        return self.rows


def hash_while_reading(kind: str, data: bytes) -> tuple[str, EarlyRead | None]:
    """The file's sha256 from a helper thread (hashlib lets go of the GIL) while a payout file is read."""
    if kind != ImportBatch.PAYOUTS:
        return sha256_of(data), None
    early = EarlyRead()
    with ThreadPoolExecutor(max_workers=1) as hasher:
        sha = hasher.submit(sha256_of, data)
        try:
            with gc_paused():
                early.rows = read_payouts(data)
        except InvalidInput as exc:
            early.problem = exc
        return sha.result(), early


def region_vouchers(region: Region, numbers: Collection[str] | None = None) -> dict[str, Voucher]:
    """pay_cert_no → what the rules need and the payment's id, for the region's vouchers (the latest year's);
    only those named ``numbers`` when given: a county's monthly file names a month's vouchers, not the ~10^5 of
    its stored year at a province's scale."""
    payments = Payment.objects.filter(region=region)
    # SQLite limits a query's parameters: a file naming more vouchers reads all of its region's
    named = numbers is not None and len(numbers) <= (connection.features.max_query_params or 10**9) // 2
    if named:
        payments = payments.filter(pay_cert_no__in=list(numbers or ()))
    rows = list(
        payments.order_by("fiscal_year").values_list(
            "pay_cert_no", "pk", "fiscal_year", "xpay_amt", "appropriation__purpose", "appropriation__fund"
        )
    )
    paid = _paid_out(region, [r[1] for r in rows] if named else None)
    return {
        number: Voucher(
            payout_problems.VoucherInfo(
                purpose=purpose,
                xpay_amt=int(xpay * 100),
                paid_out=paid.get(pk, 0),
                fiscal_year=year,
            ),
            payment_id=pk,
            fund_id=fund,
        )
        for number, pk, year, xpay, purpose, fund in rows
    }


def _paid_out(region: Region, payment_ids: list[int] | None) -> dict[int, int]:
    """Σ实发 (fen) per voucher of ``payment_ids`` (the region's; None: all of them): its approved payout batches' stored parts
    (``payout_sums``), the rows of its batches still waiting for their checker, and its payouts without a batch.
    Grouping the region's stored year instead cost seconds at a province's scale (2.4 million rows of one
    county, bench/README.md "Province scale")."""
    batches = (
        ImportBatch.objects.filter(region=region, kind=ImportBatch.PAYOUTS, status=ImportBatch.DONE)
        .exclude(review_status=ReviewStatus.RETURNED)
        .values_list("pk", "approved_at")
    )
    approved = [pk for pk, at in batches if at is not None]
    waiting = [pk for pk, at in batches if at is None]
    payout_sums.store_missing(approved)
    parts = PayoutPart.objects.filter(batch_id__in=approved, approved_at=F("batch__approved_at"))
    rows = Payout.objects.filter(Q(batch_id__in=waiting) | Q(batch__isnull=True, region=region))
    if payment_ids is not None:
        parts, rows = parts.filter(payment_id__in=payment_ids), rows.filter(payment_id__in=payment_ids)
    paid: dict[int, int] = defaultdict(int)
    for sums, column in ((parts, "paid_out"), (rows, "xpay_amt")):
        for payment, total in (
            sums.values("payment_id").annotate(t=Sum(column)).values_list("payment_id", "t")
        ):
            paid[payment] += int(total * 100)
    return dict(paid)


@contextmanager
def gc_paused() -> Iterator[None]:
    """A large file makes millions of short-lived objects and no cycles: the cyclic collector would only rescan
    them again and again (a third of the time of a million-row read)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def make_partitions(region_id: int) -> None:
    """PostgreSQL: the payout partitions of the region for each year it has vouchers in, before the import's
    transaction (``ledger.partitions``)."""
    if not partitions.enabled():
        return
    payments = Payment.objects.filter(region_id=region_id).order_by("fiscal_year")
    for year in payments.values_list("fiscal_year", flat=True).distinct():
        partitions.ensure(year, region_id)


def import_payouts(
    batch: ImportBatch, data: bytes, track: Progress, *, actor: Actor, ip: str, early: EarlyRead | None
) -> int:
    """Read, stage, check and store a payout file set-based (``staging.PayoutImport``); all or nothing."""
    track("读取", 0, 1)
    with gc_paused():
        rows = early.get() if early is not None else read_payouts(data)
        if rows.header is None:
            raise InvalidInput([payout_problems.missing_header(rows.sheet)])
        make_partitions(batch.region_id)
        with transaction.atomic():
            region = Region.objects.select_for_update().get(pk=batch.region_id)  # one import per region
            payout = PayoutImport(rows, partial(region_vouchers, region), progress=track, area=region.code)
            stored, per_fund = payout.run(region_id=region.pk, batch_id=batch.pk)
            total = sum(per_fund.values())
            money = (from_fen(total), sorted(per_fund))  # what batch_money would sum again over every row
            mark_done(
                batch,
                stored,
                actor=actor,
                ip=ip,
                summary={"xpay_amt_fen": total},
                money=money,
                fiscal_year=payout.fiscal_year,
            )
    return stored
