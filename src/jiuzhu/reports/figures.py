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

from django.db.models import Min, Sum

from jiuzhu.domain.purposes import PURPOSE_LABELS, Purpose
from jiuzhu.domain.usage_report import Line, Receipt, lines_of
from jiuzhu.ledger.models import Movement, Payment, Registration
from jiuzhu.ledger.selectors import APPROVED_PAYMENT
from jiuzhu.regions.models import Region

ZERO = Decimal("0.00")


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def previous(year: int, month: int) -> tuple[int, int]:
    return (year, month - 1) if month > 1 else (year - 1, 12)


def fund_label(name: str, level: str) -> str:
    """收到的财政专项资金名称: the fund's name with its level, since the central and the regional fund share
    a name (``困难群众救助补助资金（中央）``)."""
    return f"{name}（{level}）" if level else name


def ledger_lines(region: Region, year: int, month: int) -> list[Line]:
    """The lines of ``region``'s report for the month, from the ledger as it stands now."""
    end = month_end(year, month)
    movements = Movement.objects.filter(region=region, fiscal_year=year, received_on__lte=end)
    received = (
        movements.values("fund__name", "fund__source_label", "sup_bgt_doc_no")
        .annotate(total=Sum("amount"), first=Min("received_on"), first_id=Min("id"))
        .order_by("first", "first_id")
    )
    receipts = [
        Receipt(r["sup_bgt_doc_no"], fund_label(r["fund__name"], r["fund__source_label"]), r["total"] or ZERO)
        for r in received
    ]
    payments = Payment.objects.filter(APPROVED_PAYMENT, region=region, fiscal_year=year, xpay_date__lte=end)
    paid = {
        fund_label(r["appropriation__fund__name"], r["appropriation__fund__source_label"]): r["total"] or ZERO
        for r in payments.values("appropriation__fund__name", "appropriation__fund__source_label")
        .annotate(total=Sum("xpay_amt"))
        .order_by()
    }
    fed = (
        payments.filter(
            appropriation__lines__registration__status=Registration.APPROVED,
            appropriation__lines__registration__movement__in=movements,
        )
        .values_list(
            "appropriation__fund__name",
            "appropriation__fund__source_label",
            "appropriation__lines__registration__movement__sup_bgt_doc_no",
            "appropriation__purpose",
        )
        .distinct()
    )
    purposes: dict[tuple[str, str], set[str]] = {}
    for name, level, doc_no, purpose in fed:
        purposes.setdefault((fund_label(name, level), doc_no), set()).add(purpose)
    order = list(Purpose)
    return [
        replace(
            line,
            purposes=tuple(
                PURPOSE_LABELS[p]
                for p in order
                if line.paid > 0 and p.value in purposes.get((line.fund, line.doc_no), ())
            ),
        )
        for line in lines_of(receipts, paid)
    ]
