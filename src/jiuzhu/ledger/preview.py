"""What a checker sees before approving a waiting import: set-based sums over the batch's rows.

For a payout file: totals per voucher and per purpose and month, the number of people, the first rows (IDs
masked), and the differences from the region's previous month (approved payouts of the same year): people
added and removed and amounts changed, each counted in SQL and shown with a few examples. For a payment file:
totals per expenditure code and the first vouchers. Warnings are the import's own warnings plus large changes.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from jiuzhu.domain.identity import mask
from jiuzhu.domain.money import format_yuan
from jiuzhu.domain.purposes import PURPOSE_LABELS, Purpose

from .models import ImportBatch, Payment, Payout

FIRST_ROWS = 10
EXAMPLES = 5


@dataclass
class Preview:
    total: Decimal = Decimal(0)
    rows: int = 0
    people: int = 0
    by_voucher: list[dict[str, Any]] = field(default_factory=list)
    by_purpose_month: list[dict[str, Any]] = field(default_factory=list)
    first_rows: list[dict[str, Any]] = field(default_factory=list)
    previous_month: str = ""
    added: int = 0
    removed: int = 0
    changed: int = 0
    examples: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def total_text(self) -> str:
        return format_yuan(self.total)

    @property
    def confirm_text(self) -> str:
        who = f"{self.people}人、" if self.people else ""
        return f"确认审核通过？本批共{self.rows}行，{who}合计{self.total_text}元。审核通过后计入台账。"


def _month(year: int, month: str) -> str:
    return f"{year}年{int(month)}月" if month.isdigit() else f"{year}年{month}"


def _person(d: Any) -> dict[str, Any]:
    return {
        "name": d["per_name"],
        "iden": mask(d["iden_no"]),
        "purpose": PURPOSE_LABELS[Purpose(d["purpose"])],
        "amount": format_yuan(d["xpay_amt"]),
    }


def _payouts(batch: ImportBatch) -> QuerySet[Payout]:
    return Payout.objects.filter(batch=batch)


def _previous(batch: ImportBatch, year: int, month: str) -> QuerySet[Payout]:
    """The region's approved payouts of the month before (through its approved batches: the batch index)."""
    approved = ImportBatch.objects.filter(
        kind=ImportBatch.PAYOUTS, region=batch.region, approved_at__isnull=False
    ).exclude(pk=batch.pk)
    return Payout.objects.filter(batch__in=approved, fiscal_year=year, pay_month=month)


def payout_preview(batch: ImportBatch) -> Preview:
    rows = _payouts(batch)
    sums = rows.aggregate(total=Sum("xpay_amt"), rows=Count("id"), people=Count("iden_no", distinct=True))
    p = Preview(total=sums["total"] or Decimal(0), rows=sums["rows"], people=sums["people"])
    p.by_voucher = [
        {**v, "amount": format_yuan(v["amount"])}
        for v in rows.values("pay_cert_no")
        .annotate(people=Count("iden_no", distinct=True), amount=Sum("xpay_amt"))
        .order_by("pay_cert_no")
    ]
    p.by_purpose_month = [
        {
            "purpose": PURPOSE_LABELS[Purpose(v["purpose"])],
            "month": _month(v["fiscal_year"], v["pay_month"]),
            "people": v["people"],
            "amount": format_yuan(v["amount"]),
        }
        for v in rows.values("purpose", "fiscal_year", "pay_month")
        .annotate(people=Count("iden_no", distinct=True), amount=Sum("xpay_amt"))
        .order_by("fiscal_year", "pay_month", "purpose")
    ]
    p.first_rows = [
        {**_person(d), "month": _month(d["fiscal_year"], d["pay_month"]), "voucher": d["pay_cert_no"]}
        for d in rows.order_by("row_no").values(
            "per_name", "iden_no", "purpose", "xpay_amt", "fiscal_year", "pay_month", "pay_cert_no"
        )[:FIRST_ROWS]
    ]
    _compare_with_previous_month(batch, p)
    return p


def _compare_with_previous_month(batch: ImportBatch, p: Preview) -> None:
    months = list(_payouts(batch).values_list("fiscal_year", "pay_month").distinct()[:2])
    if len(months) != 1 or not months[0][1].isdigit() or months[0][1] == "01":
        return  # several months in one file, 全年, or January (no month before it in the year)
    year, month = months[0]
    before = f"{int(month) - 1:02d}"
    p.previous_month = _month(year, before)
    this, prev = _payouts(batch), _previous(batch, year, before)
    same_person = {"iden_no": OuterRef("iden_no"), "purpose": OuterRef("purpose")}
    fields = ("per_name", "iden_no", "purpose", "xpay_amt")
    added = this.exclude(Exists(prev.filter(**same_person)))
    removed = prev.exclude(Exists(this.filter(**same_person)))
    changed = this.filter(Exists(prev.filter(**same_person).filter(~Q(xpay_amt=OuterRef("xpay_amt")))))
    p.added, p.removed, p.changed = added.count(), removed.count(), changed.count()
    p.examples = {
        "added": [_person(d) for d in added.order_by("row_no").values(*fields)[:EXAMPLES]],
        "removed": [_person(d) for d in removed.order_by("iden_no").values(*fields)[:EXAMPLES]],
        "changed": [_person(d) for d in changed.order_by("row_no").values(*fields)[:EXAMPLES]],
    }
    had = prev.count()
    if had and p.removed * 10 > had:
        p.warnings.append(f"比{p.previous_month}减少{p.removed}人（上月{had}人），请核实停发是否有依据")
    if had and p.added * 10 > had:
        p.warnings.append(f"比{p.previous_month}新增{p.added}人（上月{had}人），请核实新增对象是否已审批")


def payment_preview(batch: ImportBatch) -> Preview:
    rows = Payment.objects.filter(batch=batch)
    sums = rows.aggregate(total=Sum("xpay_amt"), rows=Count("id"))
    p = Preview(total=sums["total"] or Decimal(0), rows=sums["rows"])
    p.by_voucher = [
        {
            "pay_cert_no": v["pay_cert_no"],
            "people": "",
            "amount": format_yuan(v["xpay_amt"]),
            "payee": v["payee_acct_name"],
            "date": v["xpay_date"],
            "code": v["exp_func_code"],
        }
        for v in rows.order_by("row_no").values(
            "pay_cert_no", "xpay_amt", "payee_acct_name", "xpay_date", "exp_func_code"
        )[: FIRST_ROWS * 5]
    ]
    p.by_purpose_month = [
        {
            "purpose": PURPOSE_LABELS[Purpose(v["appropriation__purpose"])],
            "month": f"{v['xpay_date__year']}年{v['xpay_date__month']}月",
            "people": "",
            "amount": format_yuan(v["amount"]),
        }
        for v in rows.values("appropriation__purpose", "xpay_date__year", "xpay_date__month")
        .annotate(amount=Sum("xpay_amt"))
        .order_by("xpay_date__year", "xpay_date__month", "appropriation__purpose")
    ]
    return p


def preview(batch: ImportBatch) -> Preview:
    p = payout_preview(batch) if batch.kind == ImportBatch.PAYOUTS else payment_preview(batch)
    p.warnings = [
        str(x.get("message", "")) for x in batch.problems or [] if x.get("severity") == "warning"
    ] + p.warnings
    return p
