"""Reads of the chain, scoped through ``accounts.scoping``: one grouped query per level, never one per row.

Levels: receipts (movements with their registrations) → registration lines by appropriation → appropriations
(registered, first registered on) → vouchers (approved payment batches) → payouts grouped by voucher and batch
(count, Σ实发, earliest month). What counts is what the ledger counts (``ledger.selectors``: approved
registrations and batches, and the demo's stored faults that came without a batch).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Min, Q, QuerySet, Sum
from django.http import Http404

from jiuzhu.accounts.scoping import get_scoped_or_404, scope_q, scoped
from jiuzhu.allocation.models import Plan
from jiuzhu.domain import trace as chain
from jiuzhu.ledger.models import (
    Appropriation,
    ImportBatch,
    Movement,
    Payment,
    Payout,
    Registration,
    RegistrationLine,
)
from jiuzhu.ledger.payout_sums import Part, counted_parts
from jiuzhu.ledger.selectors import APPROVED_LINE, APPROVED_PAYMENT, APPROVED_PAYOUT
from jiuzhu.regions.models import Region

ZERO = chain.ZERO
NOT_IMPORTED = "未经导入（直接写入）"


@dataclass
class BatchPart:
    batch_id: int | None
    filename: str
    rows: int
    paid_out: Decimal


@dataclass
class VoucherNode:
    payment: Payment
    paid_out: Decimal = ZERO
    people: int = 0
    first_month: str | None = None
    batches: list[BatchPart] = field(default_factory=list)

    @property
    def unpaid_out(self) -> Decimal:
        paid: Decimal = self.payment.xpay_amt
        return paid - self.paid_out


@dataclass
class AccountNode:
    appropriation: Appropriation
    registered: Decimal = ZERO
    first_registered_on: datetime.date | None = None
    first_received_on: datetime.date | None = None
    this_notice: Decimal = ZERO
    vouchers: list[VoucherNode] = field(default_factory=list)

    @property
    def paid(self) -> Decimal:
        return sum((v.payment.xpay_amt for v in self.vouchers), ZERO)

    @property
    def paid_out(self) -> Decimal:
        return sum((v.paid_out for v in self.vouchers), ZERO)

    @property
    def unpaid(self) -> Decimal:
        return self.registered - self.paid

    @property
    def unpaid_out(self) -> Decimal:
        return self.paid - self.paid_out

    @property
    def people(self) -> int:
        return sum(v.people for v in self.vouchers)


@dataclass
class Chain:
    """The whole chain under some movements: receipts, and per appropriation its vouchers and payouts."""

    movements: list[Movement]
    registered: dict[int, Decimal]
    """Per movement id: Σ approved registration lines."""
    lines: dict[int, dict[int, Decimal]]
    """Per movement id: per appropriation id, this movement's approved line."""
    accounts: dict[int, AccountNode]

    def accounts_of(self, movement: Movement) -> list[AccountNode]:
        return [self.accounts[k] for k in self.lines.get(movement.pk, {}) if k in self.accounts]

    def receipts(self) -> list[chain.Receipt]:
        out = []
        for m in self.movements:
            reg = _approved_registration(m)
            out.append(
                chain.Receipt(
                    key=m.pk,
                    region=m.region.short_name,
                    doc_no=m.sup_bgt_doc_no,
                    amount=m.amount,
                    tag=m.direct_fund_tag,
                    received_on=m.received_on,
                    cor_doc_no=reg.cor_bgt_doc_no if reg else "",
                    registered=self.registered.get(m.pk, ZERO) if reg else None,
                    registered_on=reg.registered_on if reg else None,
                    notice_date=m.plan.doc_date,
                )
            )
        return out

    def account_records(self) -> list[chain.Account]:
        return [
            chain.Account(
                key=a.appropriation.pk,
                bgt_id=a.appropriation.bgt_id,
                tag=a.appropriation.direct_fund_tag,
                registered=a.registered,
                paid=a.paid,
                first_received_on=a.first_received_on,
            )
            for a in self.accounts.values()
        ]

    def voucher_records(self) -> list[chain.Voucher]:
        return [
            chain.Voucher(
                key=v.payment.pk,
                pay_cert_no=v.payment.pay_cert_no,
                account=v.payment.appropriation_id,
                tag=v.payment.direct_fund_tag,
                paid=v.payment.xpay_amt,
                paid_on=v.payment.xpay_date,
                paid_out=v.paid_out,
                people=v.people,
                first_month=v.first_month,
            )
            for a in self.accounts.values()
            for v in a.vouchers
        ]

    def breaks(self, tag: str) -> list[chain.Break]:
        return chain.check_chain(tag, self.receipts(), self.account_records(), self.voucher_records())


def _approved_registration(m: Movement) -> Registration | None:
    reg: Registration | None = getattr(m, "registration", None)
    return reg if reg is not None and reg.status == Registration.APPROVED else None


def load_chain(
    user: Any, movements: QuerySet[Movement], appropriations: QuerySet[Appropriation], fiscal_year: int
) -> Chain:
    """The chain below ``movements``; ``appropriations`` bounds the accounts (both already filtered, of one fund
    and ``fiscal_year``)."""
    moves = list(
        scoped(movements, user)
        .select_related("region", "registration", "plan")
        .order_by("region__path", "id")
    )
    ids = [m.pk for m in moves]
    lines: dict[int, dict[int, Decimal]] = defaultdict(dict)
    registered: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for movement_id, appropriation_id, amount in (
        RegistrationLine.objects.filter(APPROVED_LINE, registration__movement_id__in=ids)
        .values_list("registration__movement_id", "appropriation_id")
        .annotate(t=Sum("amount"))
        .order_by("registration__movement_id", "appropriation__purpose", "appropriation__exp_func_code")
    ):
        lines[movement_id][appropriation_id] = amount
        registered[movement_id] += amount
    wanted = {a for per in lines.values() for a in per}
    accounts = {
        a.pk: AccountNode(a)
        for a in scoped(appropriations, user)
        .filter(pk__in=wanted)
        .select_related("region")
        .order_by("region__path", "purpose", "exp_func_code")
    }
    for per in lines.values():
        for k, amount in per.items():
            if k in accounts:
                accounts[k].this_notice += amount
    for k, total, first, received in (
        RegistrationLine.objects.filter(APPROVED_LINE, appropriation_id__in=list(accounts))
        .values_list("appropriation_id")
        .annotate(
            t=Sum("amount"),
            first=Min("registration__registered_on"),
            received=Min("registration__movement__received_on"),
        )
        .order_by()
    ):
        node = accounts[k]
        node.registered, node.first_registered_on, node.first_received_on = total, first, received
    vouchers = {
        p.pk: VoucherNode(p)
        for p in scoped(Payment.objects.filter(APPROVED_PAYMENT), user)
        .filter(appropriation_id__in=list(accounts))
        .order_by("xpay_date", "pay_cert_no")
    }
    _payouts_into(user, vouchers, fiscal_year)
    for v in vouchers.values():
        accounts[v.payment.appropriation_id].vouchers.append(v)
    return Chain(moves, dict(registered), dict(lines), accounts)


@dataclass
class AreaParts:
    """The counted payouts of the user's area grouped by batch, voucher and region (``ledger.payout_sums``: an
    approved batch never changes, so its parts are grouped once and stored), with the batches' file names."""

    parts: list[Part]
    names: dict[int, str]

    def of(self, payment_id: int) -> list[Part]:
        return [p for p in self.parts if p.payment_id == payment_id]


def area_parts(user: Any, fiscal_year: int) -> AreaParts:
    """The approved batches of the area and the area's payouts without a batch. A batch's rows are its region's
    (the importer writes them so); a part of another region would be checked against the area's regions."""
    approved = ImportBatch.objects.filter(kind=ImportBatch.PAYOUTS, approved_at__isnull=False)
    # a payout batch's year is its vouchers' (the importer stores one budget year); other years are not read
    of_year = Q(fiscal_year=fiscal_year) | Q(fiscal_year__isnull=True)
    batches = scoped(approved.filter(of_year), user)
    rows = list(batches.values_list("pk", "approved_at", "filename", "region_id"))
    own = {pk: region for pk, _, _, region in rows}
    parts = counted_parts(
        [(pk, at) for pk, at, _, _ in rows if at is not None],
        loose=scope_q(user) & Q(fiscal_year=fiscal_year),
    )
    if any(p.batch_id is not None and p.region_id != own[p.batch_id] for p in parts):
        regions = set(scoped(Region.objects.all(), user, via="").values_list("pk", flat=True))
        parts = [p for p in parts if p.batch_id is None or p.region_id in regions]
    return AreaParts(parts, {pk: name for pk, _, name, _ in rows})


def _payouts_into(user: Any, vouchers: dict[int, VoucherNode], fiscal_year: int) -> None:
    """Each voucher's payouts grouped by batch, with its rows, Σ实发 and earliest month."""
    found = area_parts(user, fiscal_year)
    for part in found.parts:
        v = vouchers.get(part.payment_id)
        if v is None:
            continue
        name = found.names.get(part.batch_id, NOT_IMPORTED) if part.batch_id else NOT_IMPORTED
        v.batches.append(BatchPart(part.batch_id, name, part.rows, part.paid_out))
        v.paid_out += part.paid_out
        v.people += part.rows
        v.first_month = part.first_month if v.first_month is None else min(v.first_month, part.first_month)
    for v in vouchers.values():
        v.batches.sort(key=lambda b: (b.batch_id is None, b.batch_id or 0))


# --- entry points --------------------------------------------------------------------------------------------
def traceable_plan(user: Any, pk: int) -> Plan:
    """An approved plan the user may see (issued in the area, or sending money into it), else 404."""
    from jiuzhu.allocation.selectors import visible_plans

    try:
        return (
            visible_plans(user)
            .filter(status=Plan.APPROVED)
            .select_related("fund__direct_fund_tag")
            .get(pk=pk)
        )
    except Plan.DoesNotExist as exc:
        raise Http404("记录不存在") from exc


def plan_chain(user: Any, plan: Plan) -> Chain:
    movements = Movement.objects.filter(plan=plan)
    return load_chain(user, movements, Appropriation.objects.filter(fund=plan.fund_id), plan.fund.fiscal_year)


def region_chain(user: Any, *, region: Any, fund: Any, fiscal_year: int) -> Chain:
    """Everything of one fund and year in the region's subtree (the attestation's chain)."""
    inside = Q(region__path__startswith=region.path)
    movements = Movement.objects.filter(inside, fund=fund, fiscal_year=fiscal_year)
    appropriations = Appropriation.objects.filter(inside, fund=fund, fiscal_year=fiscal_year)
    return load_chain(user, movements, appropriations, fiscal_year)


def voucher(user: Any, pk: int) -> Payment:
    return get_scoped_or_404(
        Payment.objects.filter(APPROVED_PAYMENT).select_related("region", "appropriation", "batch"),
        user,
        pk=pk,
    )


@dataclass
class VoucherRows:
    """A voucher's counted payouts in the user's area, for the Paginator: the count and Σ实发 come from its
    parts, and the rows are read only from its batches (the BRIN index on the batch narrows the scan to them;
    the table has no index on the voucher, which a million-row import would pay for)."""

    rows: QuerySet[Payout]
    parts: list[Part]

    def count(self) -> int:
        return sum(p.rows for p in self.parts)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[Payout]:
        return list(self.rows[window])

    @property
    def paid_out(self) -> Decimal:
        return sum((p.paid_out for p in self.parts), ZERO)

    def people(self) -> int:
        """Distinct 证件号码 (a person paid in several months counts once)."""
        return int(self.rows.aggregate(n=Count("iden_no", distinct=True))["n"])


def voucher_rows(user: Any, payment: Payment) -> VoucherRows:
    parts = area_parts(user, payment.fiscal_year).of(payment.pk)
    batches = {p.batch_id for p in parts}
    here = Q(batch_id__in=[b for b in batches if b is not None])
    if None in batches:
        here |= Q(batch_id__isnull=True)
    regions = {p.region_id for p in parts}
    rows = (
        Payout.objects.filter(here, payment_id=payment.pk, region_id__in=regions)
        .select_related("batch")
        .order_by(F("batch_id").asc(nulls_first=True), "row_no", "id")  # those not imported first, everywhere
    )
    return VoucherRows(rows if parts else Payout.objects.none(), parts)


def payout(user: Any, pk: int) -> Payout:
    return get_scoped_or_404(
        Payout.objects.filter(APPROVED_PAYOUT).select_related(
            "region", "batch", "payment__appropriation", "payment__batch"
        ),
        user,
        pk=pk,
    )


def sources(user: Any, appropriation: Appropriation) -> list[tuple[Decimal, Registration]]:
    """The approved registrations that fed an appropriation, with their line, their movement and plan."""
    rows = (
        RegistrationLine.objects.filter(APPROVED_LINE, appropriation=appropriation)
        .select_related("registration__movement__plan__issuer", "registration__registered_by")
        .order_by("registration__movement__received_on", "id")
    )
    allowed = set(
        scoped(Movement.objects.filter(registration__lines__appropriation=appropriation), user).values_list(
            "pk", flat=True
        )
    )
    return [(r.amount, r.registration) for r in rows if r.registration.movement_id in allowed]
