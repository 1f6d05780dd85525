"""工作台: what waits for the user, and the year's figures of their area — reads only, scoped like every read.

Waiting for me: submissions I may check (plans, registrations, imports of my own region and department that I
did not make), my returned work to correct, receipts to register with their 30-day deadline, and the monthly
usage report due at the month's end. The same counts label the menu.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from jiuzhu.domain.ledger import REGISTRATION_DAYS


@dataclass
class Waiting:
    to_check: list[dict[str, Any]] = field(default_factory=list)
    to_correct: list[dict[str, Any]] = field(default_factory=list)
    to_register: list[dict[str, Any]] = field(default_factory=list)
    reports: list[Any] = field(default_factory=list)

    def count(self, area: str) -> int:
        return sum(1 for x in (*self.to_check, *self.to_correct, *self.to_register) if x["area"] == area)

    @property
    def total(self) -> int:
        return len(self.to_check) + len(self.to_correct) + len(self.to_register)


def _plans(user: Any, w: Waiting) -> None:
    from jiuzhu.allocation.models import Plan
    from jiuzhu.allocation.selectors import plan_department, visible_plans
    from jiuzhu.approvals.services import reviewer_refusal

    if user.can("allocation.approve"):
        for plan in (
            visible_plans(user)
            .filter(status=Plan.SUBMITTED, issuer=user.region)
            .exclude(created_by=user)
            .exclude(submitted_by=user)
            .select_related("created_by")
        ):
            if reviewer_refusal(user, plan.issuer, plan_department(plan), action="allocation.approve"):
                continue  # the one reviewer rule: a checker of the maker's department
            w.to_check.append(
                {
                    "area": "allocation",
                    "what": "分配方案",
                    "title": plan.doc_no,
                    "url": _url("allocation:detail", plan.pk),
                }
            )
    if user.can("allocation.edit"):
        for plan in Plan.objects.filter(status=Plan.DRAFT, created_by=user).exclude(return_reason=""):
            w.to_correct.append(
                {
                    "area": "allocation",
                    "what": "分配方案",
                    "title": plan.doc_no,
                    "reason": plan.return_reason,
                    "url": _url("allocation:edit", plan.pk),
                }
            )


def _ledger(user: Any, w: Waiting, today: datetime.date) -> None:
    from jiuzhu.ledger import selectors
    from jiuzhu.ledger.models import Registration
    from jiuzhu.ledger.services import batch_department, review_refusal

    region = user.region
    if user.can("ledger.approve"):
        for r in (
            selectors.pending_registrations(user).filter(movement__region=region).exclude(registered_by=user)
        ):
            if not review_refusal(user, region, "finance"):
                w.to_check.append(
                    {
                        "area": "ledger",
                        "what": "指标登记",
                        "title": f"{r.movement.sup_bgt_doc_no} {r.cor_bgt_doc_no}",
                        "url": _url("ledger:home"),
                    }
                )
        for b in selectors.pending_batches(user).filter(region=region).exclude(created_by=user.username):
            if not review_refusal(user, region, batch_department(b)):
                w.to_check.append(
                    {
                        "area": "payouts",
                        "what": b.get_kind_display(),
                        "title": b.filename,
                        "url": _url("ledger:batch", b.pk),
                    }
                )
    for r in selectors.visible_registrations(user).filter(status=Registration.RETURNED, registered_by=user):
        w.to_correct.append(
            {
                "area": "ledger",
                "what": "指标登记",
                "title": r.movement.sup_bgt_doc_no,
                "reason": r.return_reason,
                "url": _url("ledger:register", r.movement_id),
            }
        )
    for b in selectors.visible_batches(user).filter(review_status="returned", created_by=user.username)[:20]:
        w.to_correct.append(
            {
                "area": "payouts",
                "what": b.get_kind_display(),
                "title": b.filename,
                "reason": b.return_reason,
                "url": _url("ledger:batch", b.pk),
            }
        )
    if user.can("ledger.register"):
        movements = (
            selectors.unregistered_movements(user)
            .filter(region=region)
            .exclude(registration__status=Registration.SUBMITTED)
            .exclude(registration__status=Registration.RETURNED)
        )
        for m in movements.select_related("fund").order_by("received_on", "id"):
            due = m.received_on + datetime.timedelta(days=REGISTRATION_DAYS)
            w.to_register.append(
                {
                    "area": "ledger",
                    "what": "待登记指标",
                    "title": f"{m.sup_bgt_doc_no} {m.get_kind_display()} {m.amount}元",
                    "due": due,
                    "late": due < today,
                    "days": (due - today).days,
                    "url": _url("ledger:register", m.pk),
                }
            )


def _reports(user: Any, w: Waiting, today: datetime.date) -> None:
    """The monthly usage reports (跟踪反馈表) the county has to file: last month's, this month's, any overdue."""
    from jiuzhu.reports.due import due_reports

    w.reports.extend(due_reports(user, today))


def _url(name: str, *args: Any) -> str:
    from django.urls import reverse

    return reverse(name, args=args)


def waiting(user: Any, today: datetime.date | None = None, *, reports: bool = True) -> Waiting:
    """What waits for the user; the menu, which counts only items of its areas, leaves out the reports due."""
    w = Waiting()
    if getattr(user, "region", None) is None or not getattr(user, "is_authenticated", False):
        return w
    today = today or timezone.localdate()
    _plans(user, w)
    _ledger(user, w, today)
    if reports:
        _reports(user, w, today)
    return w


def year_figures(user: Any) -> dict[str, Any]:
    """Per region of the area: received, registered, paid, paid out in 万元 (for the chart), and the totals."""
    from jiuzhu.funds.models import Fund
    from jiuzhu.ledger.selectors import ledger_report

    year = Fund.objects.order_by("-fiscal_year").values_list("fiscal_year", flat=True).first()
    report = ledger_report(user, fiscal_year=year)
    keys = ("received", "registered", "paid", "paid_out")
    wan = Decimal(10000)
    regions = [r for r in report["regions"] if Decimal(r["received"]) or Decimal(r["paid"])]
    totals = {k: sum((Decimal(r[k]) for r in report["regions"]), Decimal(0)) for k in keys}
    return {
        "year": year,
        "chart": {
            "regions": [r["short_name"] for r in regions],
            # 万元 as decimal strings (ECharts reads them as numbers; no float on a money path)
            "series": {k: [f"{(Decimal(r[k]) / wan).normalize():f}" for r in regions] for k in keys},
        },
        "totals": totals,
    }
