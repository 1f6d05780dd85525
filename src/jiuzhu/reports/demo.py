"""The usage report's part of the demo: 地区本级's orphan money is spent by 地区社会福利院 (the demo year pays it
to the home each month), so the prefecture's finance clerk names those appropriations as the home's and the home
reports them; 地区本级's report then consolidates the home's lines."""

from jiuzhu.accounts.models import User
from jiuzhu.domain.purposes import Purpose
from jiuzhu.ledger.models import Appropriation
from jiuzhu.regions.models import BudgetUnit

from .models import UnitAppropriation
from .services import do_assign_appropriation


def load_reports_demo() -> None:
    """Idempotent: an appropriation already named is left alone."""
    home = BudgetUnit.objects.filter(name="地区社会福利院").first()
    if home is None:
        return
    clerk = User.objects.get(username="dq_cz_jb")
    orphans = Appropriation.objects.filter(region=home.region, fiscal_year=2022, purpose=Purpose.ORPHAN)
    named = UnitAppropriation.objects.values("appropriation")
    for appropriation in orphans.exclude(pk__in=named).order_by("bgt_id"):
        do_assign_appropriation(actor=clerk, appropriation=appropriation, unit=home)
