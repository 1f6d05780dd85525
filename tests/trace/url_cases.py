"""Matrix cases for the trace pages (see tests/urlmatrix.py); plans come from tests/accounts/url_cases.py."""

import datetime
from decimal import Decimal
from typing import Any

from urlmatrix import Case, World, can

#: A voucher with one payout in each of two counties: region code, voucher number, person (the markers).
VOUCHERS = {
    "trace_county_a": ("654225", "ZF矩阵探针裕民", "探针裕民甲"),
    "trace_county_b": ("654221", "ZF矩阵探针额敏", "探针额敏乙"),
}
PLANS = ["seed_adjustment", "pref_draft", "county_b", "alt_approved"]


def build_world(w: World) -> None:
    from django.utils import timezone

    from jiuzhu.funds.models import Fund
    from jiuzhu.ledger.models import Appropriation, ImportBatch, Payment, Payout
    from jiuzhu.regions.models import Region

    fund = Fund.objects.get(fiscal_year=2022, source_label="自治区")  # the matrix has a 中央 fund too
    for name, (code, number, person) in VOUCHERS.items():
        region = Region.objects.get(code=code)
        appropriation, _ = Appropriation.objects.get_or_create(
            region=region,
            fund=fund,
            exp_func_code="2082001",
            purpose="linshi",
            defaults={
                "bgt_id": f"矩阵{code}",
                "fiscal_year": 2022,
                "cor_bgt_doc_no": f"{code}矩阵文",
                "income_code": fund.income_code,
                "direct_fund_tag": "01",
            },
        )
        batches = {
            kind: ImportBatch.objects.create(
                kind=kind,
                region=region,
                filename=f"{number}.csv",
                sha256=f"{abs(hash((name, kind))) & 0xFFFFFF:064x}",
                size=1,
                stored_path="",
                status="done",
                review_status="approved",
                approved_at=timezone.now(),
                created_by="matrix",
            )
            for kind in (ImportBatch.PAYMENTS, ImportBatch.PAYOUTS)
        }
        payment = Payment.objects.create(
            region=region,
            appropriation=appropriation,
            batch=batches[ImportBatch.PAYMENTS],
            fiscal_year=2022,
            pay_cert_no=number,
            exp_func_code="2082001",
            pay_amt=Decimal("800.00"),
            xpay_amt=Decimal("800.00"),
            xpay_date=datetime.date(2022, 5, 20),
            payee_acct_name="一卡通代发户",
            direct_fund_tag="01",
            row_no=2,
        )
        payout = Payout.objects.create(
            region=region,
            payment=payment,
            batch=batches[ImportBatch.PAYOUTS],
            fiscal_year=2022,
            purpose="linshi",
            row_no=2,
            pay_cert_no=number,
            per_name=person,
            iden_type="01",
            iden_no=f"{code}19800101123X",
            to_peop_family="1",
            pay_amt=Decimal("800.00"),
            xpay_amt=Decimal("800.00"),
            pay_month="05",
        )
        w.add(name, payment, region_path=region.path, markers=[number, person])
        w.add(f"{name}_payout", payout, region_path=region.path, markers=[number, person])


def _plan(name: str) -> Any:
    """An approved plan the user may see (issued in the area or sending money into it); 404 otherwise."""

    def expect(w: World, u: Any) -> int:
        if not can(u, "trace.view"):
            return 403
        return 200 if w[name].status == "approved" and w.sees(u, name) else 404

    return expect


def _in_area(name: str) -> Any:
    return lambda w, u: (200 if w.sees(u, name) else 404) if can(u, "trace.view") else 403


CASES: dict[str, list[Case]] = {
    "trace:plan": [Case(label=n, kwargs=lambda w, n=n: {"pk": w[n].pk}, expect=_plan(n)) for n in PLANS],
    "trace:voucher": [
        Case(label=n, kwargs=lambda w, n=n: {"pk": w[n].pk}, expect=_in_area(n)) for n in VOUCHERS
    ],
    "trace:payout": [
        Case(label=n, kwargs=lambda w, n=f"{n}_payout": {"pk": w[n].pk}, expect=_in_area(f"{n}_payout"))
        for n in VOUCHERS
    ],
}
