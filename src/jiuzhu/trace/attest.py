"""The attestation (资金溯源证明): one region's chain of one fund and year, level by level, with its checks.

``attestation`` builds a plain dict (amounts as strings of 元 with two places, for JSON and the PDF alike): the
figures of each level beside the level above, the same per county, the tags found, which checks passed, each
break with its rows, and the head of the audit chain when it was made (the last record's number and hash), so
that an auditor who files it can later check that nothing before it changed.
"""

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from jiuzhu.accounts.scoping import scoped
from jiuzhu.audit.models import AuditRecord
from jiuzhu.domain.identity import mask
from jiuzhu.domain.trace import CHECKS, Break, passed
from jiuzhu.ledger.models import Payout
from jiuzhu.ledger.selectors import APPROVED_PAYOUT

from .selectors import ZERO, Chain, region_chain

#: Payout rows named per broken voucher: those that came without an import first, then the largest.
ROWS_PER_BREAK = 10


def _money(amount: Decimal) -> str:
    return f"{amount.quantize(Decimal('0.01'))}"


def _levels(
    received: Decimal, registered: Decimal, booked: Decimal, paid: Decimal, paid_out: Decimal, people: int
) -> list[dict[str, Any]]:
    return [
        {"level": "接收", "amount": _money(received), "difference": None, "difference_label": ""},
        {
            "level": "指标登记",
            "amount": _money(registered),
            "difference": _money(received - registered),
            "difference_label": "未登记",
        },
        {
            "level": "国库支付",
            "amount": _money(paid),
            "difference": _money(booked - paid),
            "difference_label": "未支付",
        },
        {
            "level": "到人到户发放",
            "amount": _money(paid_out),
            "difference": _money(paid - paid_out),
            "difference_label": "未发放",
            "people": people,
        },
    ]


def _figures(found: Chain, region_path: str | None = None) -> list[dict[str, Any]]:
    moves = [m for m in found.movements if region_path is None or m.region.path == region_path]
    accounts = [
        a
        for a in found.accounts.values()
        if region_path is None or a.appropriation.region.path == region_path
    ]
    return _levels(
        sum((m.amount for m in moves), ZERO),
        sum((found.registered.get(m.pk, ZERO) for m in moves), ZERO),
        sum((a.registered for a in accounts), ZERO),
        sum((a.paid for a in accounts), ZERO),
        sum((a.paid_out for a in accounts), ZERO),
        sum(a.people for a in accounts),
    )


def _break_rows(user: Any, found: Chain, breaks: list[Break]) -> dict[str, list[str]]:
    """The payout rows of each voucher paid out beyond its amount (one query for all such vouchers)."""
    numbers = {b.rows[0] for b in breaks if b.code == "PAID_OUT_WITHIN_VOUCHER"}
    ids = [
        v.payment.pk for a in found.accounts.values() for v in a.vouchers if v.payment.pay_cert_no in numbers
    ]
    if not ids:
        return {}
    rows: dict[str, list[str]] = defaultdict(list)
    payouts = (
        scoped(Payout.objects.filter(APPROVED_PAYOUT), user)
        .filter(payment_id__in=ids)
        .order_by("payment_id", F("batch_id").asc(nulls_first=True), "-xpay_amt", "row_no")
        .values_list(
            "pk", "pay_cert_no", "batch_id", "row_no", "per_name", "iden_no", "pay_month", "xpay_amt"
        )
    )
    for pk, number, batch_id, row_no, name, iden_no, month, amount in payouts:
        if len(rows[number]) >= ROWS_PER_BREAK:
            continue
        where = f"导入批次#{batch_id}第{row_no}行" if batch_id else "未经导入"
        rows[number].append(
            f"发放#{pk}（{where}，{name} {mask(iden_no)}，{month}月，实发{_money(amount)}元）"
        )
    return rows


def audit_head() -> dict[str, Any] | None:
    last = AuditRecord.objects.order_by("-id").first()
    if last is None:
        return None
    return {"seq": last.pk, "hash": last.hash, "created_at": last.created_at.isoformat()}


def attestation(user: Any, *, region: Any, fund: Any, fiscal_year: int) -> dict[str, Any]:
    found = region_chain(user, region=region, fund=fund, fiscal_year=fiscal_year)
    tag = fund.direct_fund_tag.code
    breaks = found.breaks(tag)
    named = _break_rows(user, found, breaks)
    ok = set(passed(breaks))
    by_path = {m.region.path: m.region for m in found.movements} | {
        a.appropriation.region.path: a.appropriation.region for a in found.accounts.values()
    }
    paths = sorted(by_path)
    tags = sorted(
        {m.direct_fund_tag for m in found.movements}
        | {a.appropriation.direct_fund_tag for a in found.accounts.values()}
        | {v.payment.direct_fund_tag for a in found.accounts.values() for v in a.vouchers}
    )
    return {
        "title": "资金溯源证明",
        "region": {"mof_div_code": region.mof_div_code, "mof_div_name": region.name},
        "fund": {"name": fund.name, "source_label": fund.source_label, "is_dir": tag},
        "fiscal_year": fiscal_year,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "levels": _figures(found),
        "regions": [
            {
                "mof_div_code": by_path[p].mof_div_code,
                "mof_div_name": by_path[p].name,
                "levels": _figures(found, p),
            }
            for p in paths
        ],
        "rows": {
            "movements": len(found.movements),
            "appropriations": len(found.accounts),
            "vouchers": sum(len(a.vouchers) for a in found.accounts.values()),
            "payouts": sum(a.people for a in found.accounts.values()),
        },
        "tags": tags,
        "checks": [{"code": c, "title": t, "passed": c in ok} for c, t in CHECKS.items()],
        "balanced": not breaks,
        "breaks": [
            {
                "code": b.code,
                "level": b.level,
                "message": b.message,
                "rows": [*b.rows, *named.get(b.rows[0], [])],
                "numbers": b.numbers,
            }
            for b in breaks
        ],
        "audit_head": audit_head(),
    }


def attestation_pdf(report: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string("trace/attest_print.html", {"r": report})
    return bytes(HTML(string=html).write_pdf())
