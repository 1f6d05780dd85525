"""Reads for the rule "a plan distributes only what its issuer holds" and for the decrease/paid check.

Received is what the ledger's movements brought the issuer's region from plans of other issuers; passed down is
the current amount of every region in the issuer's own approved plans (each plan carries full rows). Paid counts
every stored treasury payment of the region's appropriations of the fund — pending imports too, as the ledger
does when it checks a decrease (a returned import's rows are removed).
"""

from decimal import Decimal

from django.db.models import Sum

from jiuzhu.domain.holding import Holding
from jiuzhu.funds.models import Fund
from jiuzhu.ledger.models import Movement, Payment
from jiuzhu.regions.models import Region

from .models import Plan
from .selectors import amounts_after

ZERO = Decimal("0.00")


def fund_enters_here(issuer: Region, fund: Fund) -> bool:
    """The fund comes into the system at this region: the tree's top, or a region just below it whose parent
    issues no plan of the fund here (the upper level's notice arrives on paper, as 自治区's does for 塔城地区)."""
    parent = issuer.parent
    if parent is None:
        return True
    return parent.parent_id is None and not Plan.objects.filter(fund=fund, issuer=parent).exists()


def issued_amounts(*, fund: Fund, issuer: Region, excluding: Plan | None = None) -> dict[int, Decimal]:
    """Per region id, the amount after the issuer's latest approved plan of the fund that has a row for it."""
    plans = Plan.objects.filter(fund=fund, issuer=issuer, status=Plan.APPROVED)
    return amounts_after(plans, excluding=excluding)


def received_from_above(*, fund: Fund, region: Region) -> Decimal:
    got = (
        Movement.objects.filter(fund=fund, region=region)
        .exclude(plan__issuer=region)
        .aggregate(total=Sum("amount"))["total"]
    )
    return got or ZERO


def holding(*, fund: Fund, issuer: Region, excluding: Plan | None = None) -> Holding:
    received = None if fund_enters_here(issuer, fund) else received_from_above(fund=fund, region=issuer)
    passed = sum(issued_amounts(fund=fund, issuer=issuer, excluding=excluding).values(), ZERO)
    return Holding(issuer_name=issuer.name, fund_name=str(fund), received=received, passed_down=passed)


def paid_by_region(*, fund: Fund, regions: list[Region]) -> dict[str, Decimal]:
    """Per region code, the treasury payments stored against its appropriations of the fund."""
    rows = (
        Payment.objects.filter(appropriation__fund=fund, appropriation__region__in=regions)
        .values_list("appropriation__region__code")
        .annotate(total=Sum("xpay_amt"))
        .values_list("appropriation__region__code", "total")
    )
    return {code: total or ZERO for code, total in rows}
