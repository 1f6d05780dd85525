"""Thin views of the chain: down from a notice, a voucher's payouts, and up from one payout."""

from decimal import Decimal
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from jiuzhu.accounts.http import AuthedRequest, deny_unless
from jiuzhu.domain.identity import mask
from jiuzhu.domain.trace import CHECKS, days_late, passed
from jiuzhu.ledger.models import Registration

from . import selectors

ZERO = Decimal("0.00")
#: Payouts on one page of a voucher (a county's monthly voucher can pay tens of thousands of people).
PAGE_SIZE = 100


def plan_down(request: AuthedRequest, pk: int) -> HttpResponse:
    """From an approved plan down to each voucher's payouts, each level's sum beside the one above."""
    deny_unless(request.user, "trace.view")
    plan = selectors.traceable_plan(request.user, pk)
    found = selectors.plan_chain(request.user, plan)
    today = timezone.localdate()
    counties = []
    for m in found.movements:
        reg = getattr(m, "registration", None)
        approved = reg if reg is not None and reg.status == Registration.APPROVED else None
        accounts = found.accounts_of(m)
        registered = found.registered.get(m.pk, ZERO)
        counties.append(
            {
                "m": m,
                "reg": reg,
                "approved": approved,
                "days_late": days_late(m.received_on, reg.registered_on if reg else None, today),
                "registered": registered,
                "unregistered": m.amount - registered,
                "accounts": accounts,
                "account_registered": sum((a.registered for a in accounts), ZERO),
                "paid": sum((a.paid for a in accounts), ZERO),
                "unpaid": sum((a.unpaid for a in accounts), ZERO),
                "paid_out": sum((a.paid_out for a in accounts), ZERO),
                "unpaid_out": sum((a.unpaid_out for a in accounts), ZERO),
                "people": sum(a.people for a in accounts),
            }
        )
    totals = {
        k: sum((c[k] for c in counties), ZERO)
        for k in (
            "registered",
            "unregistered",
            "account_registered",
            "paid",
            "unpaid",
            "paid_out",
            "unpaid_out",
        )
    }
    breaks = found.breaks(plan.fund.direct_fund_tag.code)
    return render(
        request,
        "trace/plan.html",
        {
            "plan": plan,
            "counties": counties,
            "received": sum((m.amount for m in found.movements), ZERO),
            "totals": totals,
            "people": sum(c["people"] for c in counties),
            "breaks": breaks,
            "passed": [CHECKS[c] for c in passed(breaks)],
            "tag": plan.fund.direct_fund_tag.code,
        },
    )


def voucher_down(request: AuthedRequest, pk: int) -> HttpResponse:
    """One voucher's payouts (证件号码 masked), a page at a time, each linking up its chain."""
    deny_unless(request.user, "trace.view")
    payment = selectors.voucher(request.user, pk)
    found = selectors.voucher_rows(request.user, payment)
    page: Any = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))  # type: ignore[arg-type]
    return render(
        request,
        "trace/voucher.html",
        {
            "p": payment,
            "page": page,
            "rows": [{"d": d, "iden": mask(d.iden_no)} for d in page.object_list],
            "paid_out": found.paid_out,
            "unpaid_out": payment.xpay_amt - found.paid_out,
            "people": found.people(),
        },
    )


def payout_up(request: AuthedRequest, pk: int) -> HttpResponse:
    """From one person's payout up: batch → voucher → appropriation → registrations → movements → plans."""
    deny_unless(request.user, "trace.view")
    d = selectors.payout(request.user, pk)
    appropriation = d.payment.appropriation
    today = timezone.localdate()
    sources: list[dict[str, Any]] = [
        {
            "amount": amount,
            "reg": reg,
            "m": reg.movement,
            "plan": reg.movement.plan,
            "days_late": days_late(reg.movement.received_on, reg.registered_on, today),
        }
        for amount, reg in selectors.sources(request.user, appropriation)
    ]
    return render(
        request,
        "trace/payout.html",
        {"d": d, "iden": mask(d.iden_no), "p": d.payment, "a": appropriation, "sources": sources},
    )
