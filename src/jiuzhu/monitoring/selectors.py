"""Reads of monitoring, each scoped to the user's area through ``accounts.scoping``: findings and their rows,
the dashboard's figures and charts."""

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, F, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from jiuzhu.accounts.scoping import scope_path, scope_q, scoped
from jiuzhu.domain.findings import SEVERITY_ORDER, Severity, State
from jiuzhu.domain.identity import mask
from jiuzhu.domain.money import format_yuan
from jiuzhu.domain.monitoring_rules import REGISTRY
from jiuzhu.domain.purposes import PURPOSE_LABELS, Purpose
from jiuzhu.ledger.models import Payment, Payout
from jiuzhu.ledger.selectors import APPROVED_PAYMENT, ledger_report

from .engine import as_of_for, elapsed_bp
from .models import Finding, FindingEvent, Run

OPEN = [s.value for s in State if s.is_open]
FILTERS = ("year", "month", "region", "fund", "purpose", "rule", "severity", "state")


def visible_findings(user: Any) -> QuerySet[Finding]:
    return scoped(Finding.objects.select_related("region", "fund"), user)


def visible_runs(user: Any) -> QuerySet[Run]:
    """Runs over the user's area: of a region within it, or of an area above that covered it."""
    path = scope_path(user)
    parts = [p for p in path.split("/") if p]
    above = ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts))]
    return Run.objects.select_related("region").filter(scope_q(user) | Q(region__path__in=above))


def filtered_findings(user: Any, params: Any) -> QuerySet[Finding]:
    """The findings list's filters (GET parameters); an unknown value filters to nothing rather than all."""
    qs = visible_findings(user)
    lookups = {
        "year": "fiscal_year",
        "month": "month",
        "region": "region__code",
        "fund": "fund_id",
        "purpose": "purpose",
        "rule": "rule",
        "severity": "severity",
    }
    for name, lookup in lookups.items():
        value = (params.get(name) or "").strip()
        if value:
            qs = (
                qs.filter(**{lookup: value}) if name not in ("year", "fund") or value.isdigit() else qs.none()
            )
    state = (params.get("state") or "").strip()
    if state == "open":
        qs = qs.filter(state__in=OPEN)
    elif state:
        qs = qs.filter(state=state)
    rank = Case(*(When(severity=s.value, then=Value(n)) for s, n in SEVERITY_ORDER.items()), default=Value(9))
    return qs.annotate(rank=rank).order_by("rank", "due_on", "region__path", "id")


def overdue(qs: QuerySet[Finding], today: datetime.date | None = None) -> QuerySet[Finding]:
    return qs.filter(state__in=OPEN, due_on__lt=today or timezone.localdate())


def due_findings(user: Any, limit: int = 10) -> dict[str, Any]:
    """For the home page: the area's open 红 findings and what falls due within a week (overdue first)."""
    if not user.can("monitoring.view"):
        return {"red_findings": [], "due_soon": []}
    open_ = visible_findings(user).filter(state__in=OPEN)
    week = timezone.localdate() + datetime.timedelta(days=7)
    return {
        "red_findings": list(open_.filter(severity="red").order_by("due_on", "id")[:limit]),
        "due_soon": list(open_.filter(due_on__lte=week).order_by("due_on", "id")[:limit]),
        "today": timezone.localdate(),
    }


def history(finding: Finding) -> QuerySet[FindingEvent]:
    return finding.events.all()


def drill_down(user: Any, finding: Finding) -> tuple[list[str], list[list[str]]]:
    """The stored rows behind a finding that the user may see (证件号码 masked): header and rows."""
    data, rule = finding.data, finding.rule
    payouts = scoped(Payout.objects.select_related("region"), user).filter(fiscal_year=finding.fiscal_year)
    vouchers = scoped(Payment.objects.select_related("region", "appropriation"), user).filter(
        fiscal_year=finding.fiscal_year, region=finding.region
    )
    person = Q(iden_no=data.get("iden_no", ""))
    month = Q(pay_month=data.get("month", ""))
    payout_filters = {
        "payout_duplicate": person & month & Q(purpose=finding.purpose),
        "payout_duplicate_cross": person & month & Q(purpose=finding.purpose),
        "person_multi_account": person & month,
        "invalid_id": person,
        "account_shared": Q(acct_no=data.get("acct_no", "")),
        "payout_above_due": person & month & Q(xpay_amt__gt=F("pay_amt")),
        "voucher_mismatch": Q(payment__in=vouchers.filter(pay_cert_no=data.get("pay_cert_no"))),
    }
    if rule in payout_filters:
        return _payout_rows(payouts.filter(payout_filters[rule]))
    voucher_filters = {
        "voucher_no_payouts": Q(pay_cert_no=data.get("pay_cert_no")),
        "exp_code_mismatch": Q(pay_cert_no=data.get("pay_cert_no")),
        "payment_above_balance": Q(appropriation__bgt_id=data.get("bgt_id")),
        "idle_money": Q(appropriation__bgt_id=data.get("bgt_id")),
    }
    if rule == "tag_break" and data.get("link") == "国库支付":
        voucher_filters[rule] = Q(pay_cert_no=data.get("subject"))
    if rule in voucher_filters:
        return _voucher_rows(vouchers.filter(voucher_filters[rule]))
    return ["项目", "内容"], [[k, _shown(k, v)] for k, v in data.items() if v not in (None, "")]


def _shown(key: str, value: Any) -> str:
    if key == "iden_no":
        return mask(str(value))
    if key.endswith("_fen"):
        return format_yuan(Decimal(int(value)) / 100)
    if key == "purpose" and value in {p.value for p in Purpose}:
        return PURPOSE_LABELS[Purpose(value)]
    return str(value)


PAYOUT_HEADER = [
    "地区",
    "支付凭证号",
    "姓名",
    "证件号码",
    "发放月份",
    "支出方向",
    "应发金额",
    "实发金额",
    "收款账号",
    "备注",
]


def _payout_rows(qs: QuerySet[Payout]) -> tuple[list[str], list[list[str]]]:
    rows = [
        [
            d.region.short_name,
            d.pay_cert_no,
            d.per_name,
            mask(d.iden_no),
            d.pay_month,
            PURPOSE_LABELS[Purpose(d.purpose)],
            format_yuan(d.pay_amt),
            format_yuan(d.xpay_amt),
            mask(d.acct_no) if d.acct_no else "",
            d.add_word or "",
        ]
        for d in qs.order_by("region__path", "pay_cert_no", "row_no")[:500]
    ]
    return PAYOUT_HEADER, rows


def _voucher_rows(qs: QuerySet[Payment]) -> tuple[list[str], list[list[str]]]:
    header = [
        "地区",
        "支付凭证号",
        "指标",
        "支出功能分类科目",
        "实际支付金额",
        "支付日期",
        "收款人",
        "直达资金标识",
    ]
    rows = [
        [
            p.region.short_name,
            p.pay_cert_no,
            p.appropriation.bgt_id,
            p.exp_func_code,
            format_yuan(p.xpay_amt),
            p.xpay_date.isoformat(),
            p.payee_acct_name,
            p.direct_fund_tag,
        ]
        for p in qs
    ]
    return header, rows


# --- the dashboard ------------------------------------------------------------------------------------------


def light(behind_bp: int) -> str:
    if behind_bp > 2000:
        return "red"
    return "yellow" if behind_bp > 1000 else "green"


def county_progress(user: Any, year: int, today: datetime.date | None = None) -> list[dict[str, Any]]:
    """Per region of the area: allocated (received) → registered → paid → paid out, and execution vs time."""
    elapsed = elapsed_bp(as_of_for(year, today or timezone.localdate()))
    out = []
    for reg in ledger_report(user, fiscal_year=year)["regions"]:
        registered, paid = Decimal(reg["registered"]), Decimal(reg["paid"])
        base = registered or Decimal(reg["received"])  # nothing registered yet: against what arrived
        rate = int(paid * 10000 / base) if base else 0
        out.append(
            {
                "name": reg["short_name"],
                "code": reg["mof_div_code"][:6],
                "received": format_yuan(Decimal(reg["received"])),
                "registered": format_yuan(registered),
                "paid": format_yuan(paid),
                "paid_out": format_yuan(Decimal(reg["paid_out"])),
                "rate": f"{rate / 100:.1f}",
                "rate_bp": rate,
                "light": light(elapsed - rate) if base else "green",
            }
        )
    return out


def findings_summary(user: Any, year: int) -> list[dict[str, Any]]:
    """Open findings per rule and severity, with how many are overdue."""
    qs = visible_findings(user).filter(fiscal_year=year, state__in=OPEN)
    late = dict(overdue(qs).values_list("rule").annotate(n=Count("id")).values_list("rule", "n").order_by())
    counts: dict[str, dict[str, Any]] = {}
    for rule_code, severity, n in (
        qs.values_list("rule", "severity")
        .annotate(n=Count("id"))
        .values_list("rule", "severity", "n")
        .order_by()
    ):
        row = counts.setdefault(rule_code, {"rule": REGISTRY[rule_code], "red": 0, "yellow": 0, "hint": 0})
        row[severity] += n
    for code, row in counts.items():
        row["overdue"] = late.get(code, 0)
    return sorted(counts.values(), key=lambda r: (-r["red"], -r["yellow"], r["rule"].code))


def monthly_by_purpose(user: Any, year: int) -> dict[str, Any]:
    """Approved payments per month and purpose, in 万元 as text (the chart's data; exact decimals)."""
    rows = (
        scoped(Payment.objects.filter(APPROVED_PAYMENT, fiscal_year=year), user)
        .values_list("xpay_date__month", "appropriation__purpose")
        .annotate(t=Sum("xpay_amt"))
        .order_by()
    )
    table: dict[str, list[str]] = {}
    for month, purpose, total in rows:
        series = table.setdefault(purpose, ["0"] * 12)
        series[month - 1] = str((Decimal(total) / 10000).quantize(Decimal("0.01")))
    return {
        "months": [f"{m}月" for m in range(1, 13)],
        "series": [
            {"name": PURPOSE_LABELS[Purpose(p)], "data": table[p]}
            for p in (x.value for x in Purpose)
            if p in table
        ],
    }


def execution_chart(user: Any, year: int, today: datetime.date | None = None) -> dict[str, Any]:
    """Per region: execution rate and time elapsed (percent, one decimal, as text)."""
    elapsed = elapsed_bp(as_of_for(year, today or timezone.localdate()))
    rows = county_progress(user, year, today)
    return {
        "regions": [r["name"] for r in rows],
        "rate": [r["rate"] for r in rows],
        "elapsed": [f"{elapsed / 100:.1f}"] * len(rows),
    }


def severity_sorted(findings: list[Finding]) -> list[Finding]:
    return sorted(
        findings, key=lambda f: (SEVERITY_ORDER[Severity(f.severity)], f.due_on or datetime.date.max)
    )
