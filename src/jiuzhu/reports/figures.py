"""The report's figures from the ledger as of a month's end (set-based: three grouped queries per region).

Received: the region's movements of the year received by the month's end, per fund and document (文号), in order
of first receipt. Paid: the region's treasury payments of approved batches (``ledger.selectors.APPROVED_PAYMENT``)
with 实际支付日期 by the month's end, per fund. Purposes: those actually paid from the appropriations that a
document's approved registration fed. The paid amount of a fund goes to its documents first in, first out
(``domain.usage_report.lines_of``).
"""

import calendar
import datetime
from dataclasses import replace
from decimal import Decimal

from django.db.models import Min, QuerySet, Sum

from jiuzhu.domain.purposes import PURPOSE_LABELS, Purpose
from jiuzhu.domain.usage_report import Line, Receipt, lines_of
from jiuzhu.ledger.models import Movement, Payment, Registration, RegistrationLine
from jiuzhu.ledger.selectors import APPROVED_PAYMENT
from jiuzhu.regions.models import BudgetUnit, Region

from .models import UnitAppropriation

ZERO = Decimal("0.00")


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def previous(year: int, month: int) -> tuple[int, int]:
    return (year, month - 1) if month > 1 else (year - 1, 12)


def fund_label(name: str, level: str) -> str:
    """收到的财政专项资金名称: the fund's name with its level, since the central and the regional fund share
    a name (``困难群众救助补助资金（中央）``)."""
    return f"{name}（{level}）" if level else name


def ledger_lines(region: Region, year: int, month: int, unit: BudgetUnit | None = None) -> list[Line]:
    """The lines of a report for the month, from the ledger as it stands now: the region's (its own part, then
    each budget unit's lines under the unit's name: together the region's whole ledger), or one unit's."""
    parts = ledger_parts(region, year, month)
    if unit is not None:
        return parts.get(unit.name, [])
    return [line for lines in parts.values() for line in lines]


def ledger_parts(region: Region, year: int, month: int) -> dict[str, list[Line]]:
    """The region's lines split by who reports them: ``""`` the region itself, else a budget unit's name (in
    the units' order). A unit's share of a document is what the document's approved registration put into
    the unit's appropriations; the region keeps the rest. Payments go to the part owning their appropriation."""
    end = month_end(year, month)
    movements = Movement.objects.filter(region=region, fiscal_year=year, received_on__lte=end)
    received = (
        movements.values("fund__name", "fund__source_label", "sup_bgt_doc_no")
        .annotate(total=Sum("amount"), first=Min("received_on"), first_id=Min("id"))
        .order_by("first", "first_id")
    )
    docs = [
        (fund_label(r["fund__name"], r["fund__source_label"]), r["sup_bgt_doc_no"], r["total"] or ZERO)
        for r in received
    ]
    owner = dict(
        UnitAppropriation.objects.filter(appropriation__region=region, appropriation__fiscal_year=year)
        .order_by("unit__code")
        .values_list("appropriation_id", "unit__name")
    )
    shares = _unit_shares(movements, owner)
    payments = Payment.objects.filter(APPROVED_PAYMENT, region=region, fiscal_year=year, xpay_date__lte=end)
    paid: dict[str, dict[str, Decimal]] = {}
    for r in payments.values(
        "appropriation_id", "appropriation__fund__name", "appropriation__fund__source_label"
    ).annotate(total=Sum("xpay_amt")):
        fund = fund_label(r["appropriation__fund__name"], r["appropriation__fund__source_label"])
        by_fund = paid.setdefault(owner.get(r["appropriation_id"], ""), {})
        by_fund[fund] = by_fund.get(fund, ZERO) + (r["total"] or ZERO)
    purposes = _purposes(payments, movements, owner)
    out: dict[str, list[Line]] = {}
    for part in ["", *dict.fromkeys(owner.values())]:
        receipts = [
            Receipt(doc_no, fund, amount) for fund, doc_no, amount in _part_amounts(docs, shares, part)
        ]
        lines = lines_of(receipts, paid.get(part, {}))
        out[part] = [_with_purposes(line, part, purposes) for line in lines]
    return out


Share = dict[tuple[str, str, str], Decimal]
"""(unit name, fund label, doc_no) → the amount registered into the unit's appropriations"""


def _unit_shares(movements: QuerySet[Movement], owner: dict[int, str]) -> Share:
    if not owner:
        return {}
    rows = (
        RegistrationLine.objects.filter(
            registration__status=Registration.APPROVED,
            registration__movement__in=movements,
            appropriation_id__in=owner,
        )
        .values(
            "appropriation_id",
            "registration__movement__fund__name",
            "registration__movement__fund__source_label",
            "registration__movement__sup_bgt_doc_no",
        )
        .annotate(total=Sum("amount"))
        .order_by()
    )
    out: Share = {}
    for r in rows:
        fund = fund_label(
            r["registration__movement__fund__name"], r["registration__movement__fund__source_label"]
        )
        key = (owner[r["appropriation_id"]], fund, r["registration__movement__sup_bgt_doc_no"])
        out[key] = out.get(key, ZERO) + (r["total"] or ZERO)
    return out


def _part_amounts(
    docs: list[tuple[str, str, Decimal]], shares: Share, part: str
) -> list[tuple[str, str, Decimal]]:
    """The documents of one part with its amounts, in the region's order of receipt. The region's own part
    keeps a document unless its units took all of it; a unit's part has the documents it received from."""
    out = []
    for fund, doc_no, total in docs:
        taken = [v for (u, f, d), v in shares.items() if f == fund and d == doc_no]
        if part:
            share = shares.get((part, fund, doc_no))
            if share:
                out.append((fund, doc_no, share))
        elif not taken or total - sum(taken, ZERO):
            out.append((fund, doc_no, total - sum(taken, ZERO)))
    return out


def _purposes(
    payments: QuerySet[Payment], movements: QuerySet[Movement], owner: dict[int, str]
) -> dict[tuple[str, str, str], set[str]]:
    """(part, fund label, doc_no) → the purposes actually paid from the appropriations the document fed."""
    fed = (
        payments.filter(
            appropriation__lines__registration__status=Registration.APPROVED,
            appropriation__lines__registration__movement__in=movements,
        )
        .values_list(
            "appropriation_id",
            "appropriation__fund__name",
            "appropriation__fund__source_label",
            "appropriation__lines__registration__movement__sup_bgt_doc_no",
            "appropriation__purpose",
        )
        .distinct()
    )
    out: dict[tuple[str, str, str], set[str]] = {}
    for appropriation_id, name, level, doc_no, purpose in fed:
        key = (owner.get(appropriation_id, ""), fund_label(name, level), doc_no)
        out.setdefault(key, set()).add(purpose)
    return out


def _with_purposes(line: Line, part: str, purposes: dict[tuple[str, str, str], set[str]]) -> Line:
    paid_for = purposes.get((part, line.fund, line.doc_no), set()) if line.paid > 0 else set()
    return replace(line, unit=part, purposes=tuple(PURPOSE_LABELS[p] for p in Purpose if p.value in paid_for))
