"""The seed scenario: regions, codes, the 2022 fund, its original allocation and 塔地财社〔2022〕82号.

Every step goes through the services, as a clerk would; running it twice changes nothing.
"""

import datetime
import json
from collections.abc import Callable
from importlib import resources
from typing import Any

from django.db import transaction

from jiuzhu.accounts.models import User
from jiuzhu.allocation import services as allocation
from jiuzhu.allocation.models import Plan
from jiuzhu.approvals import review
from jiuzhu.domain.allocation import AdjustmentLine
from jiuzhu.domain.money import parse_amount
from jiuzhu.funds.models import Fund
from jiuzhu.funds.services import do_load_reference_codes
from jiuzhu.regions.models import Region
from jiuzhu.regions.selectors import find_region
from jiuzhu.regions.services import do_load_seed_regions


def seed_data() -> dict[str, Any]:
    return json.loads(resources.files("jiuzhu.data").joinpath("seed_2022.json").read_text(encoding="utf-8"))


def load_users(data: dict[str, Any]) -> None:
    from django.contrib.auth.hashers import make_password

    # One Argon2 hash for the shared demo password (hashing is deliberately slow; the demo has 14 users).
    password: str | None = None
    for u in data["users"]:
        if User.objects.filter(username=u["username"]).exists():
            continue
        user = User(
            username=u["username"],
            display_name=u["name"],
            region=Region.objects.get(code=u["region"]),
            department=u["department"],
            role=u["role"],
            is_staff=u["role"] == "admin",
        )
        password = password or make_password(data["demo_password"])
        user.password = password
        user.save()


def _region_code(name: str) -> str:
    region = find_region(name)
    if region is None:
        raise LookupError(f"unknown region in seed: {name}")
    return region.code


def load_seed_plans(data: dict[str, Any], *, approve_adjustment: bool = True) -> list[Plan]:
    """The original allocation (column 1) and the adjustment (columns 2 and 3), both approved.

    ``approve_adjustment=False`` leaves the adjustment submitted, waiting for its checker (the tests of
    maker-checker start there).
    """
    fund = Fund.objects.get(**data["fund"])
    issuer = Region.objects.get(code=data["issuer"])
    maker = User.objects.get(username="dq_cz_jb")
    checker = User.objects.get(username="dq_cz_sh")
    rows = data["rows"]
    original = [
        AdjustmentLine(_region_code(r["region"]), increase=parse_amount(r["base"], unit="万元")) for r in rows
    ]
    adjustment = [
        AdjustmentLine(
            _region_code(r["region"]),
            base=parse_amount(r["base"], unit="万元"),
            decrease=parse_amount(r["decrease"], unit="万元"),
            increase=parse_amount(r["increase"], unit="万元"),
        )
        for r in rows
    ]
    plans = []
    for key, kind, lines in (
        ("allocation", Plan.ALLOCATION, original),
        ("adjustment", Plan.ADJUSTMENT, adjustment),
    ):
        meta = data[key]
        plan = Plan.objects.filter(doc_no=meta["doc_no"]).first()
        if plan is None:
            plan = allocation.do_create_plan(
                actor=maker,
                fund=fund,
                kind=kind,
                doc_no=meta["doc_no"],
                title=meta["title"],
                doc_date=datetime.date.fromisoformat(meta["doc_date"]),
                issuer=issuer,
            )
            allocation.do_save_rows(actor=maker, plan=plan, lines=lines)
            allocation.do_submit_plan(actor=maker, plan=plan)
            if approve_adjustment or kind != Plan.ADJUSTMENT:
                review.approve(plan, checker)
        plans.append(plan)
    return plans


def load_central_plan(data: dict[str, Any] | None = None) -> Plan:
    """SYNTHETIC: the stand-in 中央 fund of the same name and its approved allocation (``synthetic_central`` in
    the seed file), so that the ledger's demo year can pay some 30,000 people. The seed's own fund, plans and
    notice are untouched: plans, movements and notice templates are per fund."""
    from jiuzhu.funds.services import ensure_fund

    data = data or seed_data()
    central = data["synthetic_central"]
    meta = central["allocation"]
    plan = Plan.objects.filter(doc_no=meta["doc_no"]).first()
    if plan is not None:
        return plan
    maker = User.objects.get(username="dq_cz_jb")
    plan = allocation.do_create_plan(
        actor=maker,
        fund=ensure_fund(central["fund"]),
        kind=Plan.ALLOCATION,
        doc_no=meta["doc_no"],
        title=meta["title"],
        doc_date=datetime.date.fromisoformat(meta["doc_date"]),
        issuer=Region.objects.get(code=data["issuer"]),
    )
    lines = [
        AdjustmentLine(_region_code(r["region"]), increase=parse_amount(r["amount"], unit="万元"))
        for r in central["rows"]
    ]
    allocation.do_save_rows(actor=maker, plan=plan, lines=lines)
    allocation.do_submit_plan(actor=maker, plan=plan)
    for checker in ("dq_cz_sh", "dq_cz_sh2"):  # 2.5亿元: the demo's rules ask for two checkers
        if review.approve(plan, User.objects.get(username=checker)).complete:
            break
    plan.refresh_from_db()
    return plan


def _ledger_demo_year() -> None:
    from jiuzhu.ledger.demo import load_demo_year

    load_demo_year()


def _monitoring_faults() -> None:
    from jiuzhu.monitoring.demo_faults import load_monitoring_faults

    load_monitoring_faults()


#: Steps after the foundation's; other apps add theirs (the ledger's synthetic year, …).
EXTRA_STEPS: list[Callable[[], None]] = [_ledger_demo_year, _monitoring_faults]


@transaction.atomic
def load_demo(*, with_extra_steps: bool = True) -> None:
    """The whole scenario; tests that need only the seed pass ``with_extra_steps=False`` to stay fast."""
    data = seed_data()
    do_load_seed_regions()
    do_load_reference_codes()
    load_users(data)
    load_seed_plans(data)
    if with_extra_steps:
        for step in EXTRA_STEPS:
            step()
