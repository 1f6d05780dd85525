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

from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.http import Http404

from jiuzhu.accounts.scoping import get_scoped_or_404, scoped
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
from jiuzhu.ledger.selectors import APPROVED_LINE, APPROVED_PAYMENT, APPROVED_PAYOUT
from jiuzhu.regions.models import Region

ZERO = chain.ZERO


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


def load_chain(user: Any, movements: QuerySet[Movement], appropriations: QuerySet[Appropriation]) -> Chain:
    """The chain below ``movements``; ``appropriations`` bounds the accounts (both already filtered)."""
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
    _payouts_into(user, vouchers)
    for v in vouchers.values():
        accounts[v.payment.appropriation_id].vouchers.append(v)
    return Chain(moves, dict(registered), dict(lines), accounts)


def counted_payouts(user: Any) -> QuerySet[Payout]:
    """The payouts that count, in the user's area, filtered without joining each row to its region or batch
    (ids from the small tables, so a grouped read of the whole year stays one scan of the payouts)."""
    regions = scoped(Region.objects.all(), user, via="").values("pk")
    approved = ImportBatch.objects.filter(kind=ImportBatch.PAYOUTS, approved_at__isnull=False).values("pk")
    return Payout.objects.filter(Q(batch_id__isnull=True) | Q(batch_id__in=approved), region_id__in=regions)


def _payouts_into(user: Any, vouchers: dict[int, VoucherNode]) -> None:
    grouped = (
        counted_payouts(user)
        .filter(payment_id__in=list(vouchers))
        .values_list("payment_id", "batch_id")
        .annotate(n=Count("id"), t=Sum("xpay_amt"), first=Min("pay_month"), last=Max("pay_month"))
        .order_by()
    )
    parts = list(grouped)
    names = dict(
        ImportBatch.objects.filter(pk__in={b for _, b, *_ in parts if b is not None}).values_list(
            "pk", "filename"
        )
    )
    for payment_id, batch_id, n, total, first, _last in parts:
        v = vouchers[payment_id]
        v.batches.append(BatchPart(batch_id, names.get(batch_id, "未经导入（直接写入）"), n, total))
        v.paid_out += total
        v.people += n
        v.first_month = first if v.first_month is None else min(v.first_month, first)
    for v in vouchers.values():
        v.batches.sort(key=lambda b: (b.batch_id is None, b.batch_id or 0))


# --- entry points --------------------------------------------------------------------------------------------
def traceable_plan(user: Any, pk: int) -> Plan:
    """An approved plan the user may see (issued in the area, or sending money into it), else 404."""
    from jiuzhu.allocation.selectors import visible_plans

    try:
        return visible_plans(user).filter(status=Plan.APPROVED).get(pk=pk)
    except Plan.DoesNotExist as exc:
        raise Http404("记录不存在") from exc


def plan_chain(user: Any, plan: Plan) -> Chain:
    movements = Movement.objects.filter(plan=plan)
    return load_chain(user, movements, Appropriation.objects.filter(fund=plan.fund_id))


def region_chain(user: Any, *, region: Any, fund: Any, fiscal_year: int) -> Chain:
    """Everything of one fund and year in the region's subtree (the attestation's chain)."""
    inside = Q(region__path__startswith=region.path)
    movements = Movement.objects.filter(inside, fund=fund, fiscal_year=fiscal_year)
    appropriations = Appropriation.objects.filter(inside, fund=fund, fiscal_year=fiscal_year)
    return load_chain(user, movements, appropriations)


def voucher(user: Any, pk: int) -> Payment:
    return get_scoped_or_404(
        Payment.objects.filter(APPROVED_PAYMENT).select_related("region", "appropriation", "batch"),
        user,
        pk=pk,
    )


def voucher_payouts(user: Any, payment: Payment) -> QuerySet[Payout]:
    return (
        scoped(Payout.objects.filter(APPROVED_PAYOUT), user)
        .filter(payment_id=payment.pk)
        .select_related("batch")
        .order_by("batch_id", "row_no", "id")
    )


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
