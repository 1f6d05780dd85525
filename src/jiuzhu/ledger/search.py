"""查询: was this person paid, which vouchers and documents carry this number — scoped like every read.

What is typed decides what is searched: a full 证件号码 (exact, 15 or 18 characters) finds that person's payouts;
a voucher number finds the voucher and its payouts; a 文号 finds the plans, receipts and registrations under it;
anything else is a name (exact). Payout pages are keyset-paged (``after`` = the last id shown, newest first),
so the tenth page costs what the first does on a million payouts; the lookups use ``disb_iden_no`` and
``disb_per_name`` (migration 0007), a voucher's payouts its region's batches (the batch index). EXPLAIN
ANALYZE on PostgreSQL with 1,000,000 payouts: by number 0.3–3 ms, by name 0.3 ms (index scans, any page).
"""

import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from jiuzhu.accounts.scoping import scoped

from .models import ImportBatch, Movement, Payment, Payout, Registration

PAGE = 50
ID_NUMBER = re.compile(r"^(\d{15}|\d{17}[\dXx])$")
DOC_NO = re.compile(r"〔\d{4}〕\d+号$|\[\d{4}\]\d+号$")
VOUCHER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-_]{5,}$")


@dataclass(frozen=True)
class Query:
    text: str
    kind: str
    """``id``, ``voucher``, ``docno`` or ``name``."""

    @classmethod
    def parse(cls, raw: str) -> "Query":
        text = raw.strip().replace(" ", "")
        if ID_NUMBER.match(text):
            return cls(text.upper(), "id")
        if DOC_NO.search(text):
            return cls(text.replace("[", "〔").replace("]", "〕"), "docno")
        if VOUCHER.match(text):
            return cls(text, "voucher")
        return cls(text, "name")


def _counted(user: Any) -> QuerySet[Payout]:
    """Payouts of the user's area that count: their import approved (or not imported: the demo's faults)."""
    approved = ImportBatch.objects.filter(kind=ImportBatch.PAYOUTS, approved_at__isnull=False)
    return scoped(Payout.objects.all(), user).filter(Q(batch__in=approved) | Q(batch__isnull=True))


def payouts(user: Any, query: Query, *, after: int | None = None) -> list[Payout]:
    """One page of matching payouts, newest first; the next page starts after the last id of this one."""
    qs = _counted(user)
    if query.kind == "id":
        qs = qs.filter(iden_no=query.text)
    elif query.kind == "name":
        qs = qs.filter(per_name=query.text)
    elif query.kind == "voucher":
        # through the voucher's regions' batches (the batch index), not a scan of every payout
        regions = vouchers(user, query).values("region")
        batches = ImportBatch.objects.filter(kind=ImportBatch.PAYOUTS, region__in=regions)
        qs = qs.filter(batch__in=batches, pay_cert_no=query.text)
    else:
        return []
    if after is not None:
        qs = qs.filter(id__lt=after)
    return list(qs.select_related("region").order_by("-id")[: PAGE + 1])


def vouchers(user: Any, query: Query) -> QuerySet[Payment]:
    if query.kind != "voucher":
        return Payment.objects.none()
    return scoped(Payment.objects.select_related("region"), user).filter(pay_cert_no=query.text)


def documents(user: Any, query: Query) -> dict[str, Any]:
    """Plans, receipts (上级指标文号) and registrations (本级指标文号) under a 文号."""
    from jiuzhu.allocation.selectors import visible_plans

    if query.kind != "docno":
        return {"plans": [], "movements": [], "registrations": []}
    return {
        "plans": list(visible_plans(user).filter(doc_no=query.text)),
        "movements": list(
            scoped(Movement.objects.select_related("region", "fund"), user).filter(sup_bgt_doc_no=query.text)
        ),
        "registrations": list(
            scoped(
                Registration.objects.select_related("movement__region"), user, via="movement__region"
            ).filter(cor_bgt_doc_no=query.text)
        ),
    }


def month_text(fiscal_year: int, pay_month: str) -> str:
    """2022, "05" → 2022年5月 (a month is never shown without its year)."""
    try:
        return f"{fiscal_year}年{int(pay_month)}月"
    except ValueError:
        return f"{fiscal_year}年{pay_month}"
