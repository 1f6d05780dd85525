"""The one test that loads the whole demo year, through `jiuzhu demo` and `jiuzhu ledger --json`: the seed fund
(413万元) and the synthetic central fund (2.5亿元) that brings the year to about 30,000 people."""

import io
import json
import time
from decimal import Decimal

from django.core.management import call_command
from django.db.models import Count, Max, Sum

from jiuzhu.ledger.models import ImportBatch, Payout, Registration
from jiuzhu.monitoring.demo_faults import PROVINCE_DOC

#: monitoring's deliberate faults (jiuzhu.monitoring.demo_faults) that bend the invariants below on purpose
#: 沙湾市's central 流浪乞讨 appropriation, overspent on purpose (the middle of a bgt_id is the fund's id)
OVERSPENT = ("654203000-2022-", "-2082002-04")  # 04: 流浪乞讨 (the purpose's number in the key)


def test_demo_year_ledger_invariants(db, settings):
    settings.JIUZHU_DEMO_LEDGER_YEAR = True
    started = time.monotonic()
    call_command("demo", stdout=io.StringIO())
    # about 6 s alone on SQLite (README); the bound only catches a runaway load: CI machines are shared and noisy
    # (360 s once on PostgreSQL with a second full suite running beside it); the speed is bench/'s to measure
    assert time.monotonic() - started < 600
    out = io.StringIO()
    call_command("ledger", "--json", stdout=out)
    report = json.loads(out.getvalue())
    regions = {r["mof_div_code"]: r for r in report["regions"]}
    assert len(regions) == 8
    receipts = [r for reg in regions.values() for r in reg["receipts"] if r["sup_bgt_doc_no"] != PROVINCE_DOC]
    by_fund = {
        fund: sum((Decimal(r["amount"]) for r in receipts if r["fund"] == fund), Decimal(0))
        for fund in ("自治区", "中央")
    }
    assert by_fund == {"自治区": Decimal("4130000.00"), "中央": Decimal("250000000.00")}
    yumin = regions["654225000"]["receipts"]
    assert sum(Decimal(r["amount"]) for r in yumin if r["fund"] == "自治区") == Decimal("2560000.00")
    assert {line["fund"] for reg in regions.values() for line in reg["appropriations"]} == {"自治区", "中央"}
    for region in regions.values():
        passed_down = sum(
            Decimal(r["amount"]) for r in region["receipts"] if r["sup_bgt_doc_no"] == PROVINCE_DOC
        )
        assert Decimal(region["received"]) - Decimal(region["registered"]) == passed_down, region[
            "mof_div_name"
        ]
        for line in region["appropriations"]:
            if not (line["bgt_id"].startswith(OVERSPENT[0]) and line["bgt_id"].endswith(OVERSPENT[1])):
                assert Decimal(line["paid"]) <= Decimal(line["registered"]), line["bgt_id"]
            assert Decimal(line["paid_out"]) <= Decimal(line["paid"]), line["bgt_id"]
            assert line["is_dir"] == "01"
        assert {r["is_dir"] for r in region["receipts"]} == {"01"}
    late = [
        (code, r["sup_bgt_doc_no"])
        for code, reg in regions.items()
        for r in reg["receipts"]
        if r["late"] and r["sup_bgt_doc_no"] != PROVINCE_DOC
    ]
    assert late == [("654225000", "塔地财社〔2022〕82号")]
    # the faults monitoring must find are stored
    faults = Payout.objects.filter(batch__isnull=True)
    assert faults.count() == 2
    assert any(d.xpay_amt > d.pay_amt for d in faults)
    dup = faults.get(add_word="演示：重复发放")
    assert (
        Payout.objects.filter(iden_no=dup.iden_no, pay_month=dup.pay_month, purpose=dup.purpose).count() == 2
    )
    people = Payout.objects.values("iden_no").distinct().count()
    assert people >= 25_000
    dibao = Payout.objects.filter(purpose="dibao", batch__isnull=False).aggregate(
        high=Max("xpay_amt"), total=Sum("xpay_amt"), rows=Count("id")
    )
    assert dibao["high"] <= 700 and 500 <= dibao["total"] / dibao["rows"] <= 700  # 元/人·月
    # every registration and file counted, each approved by someone other than its maker
    assert not ImportBatch.objects.filter(status="done", approved_at__isnull=True).exists()
    assert not Registration.objects.exclude(status="approved").exists()
    # running it again changes nothing
    before = out.getvalue()
    call_command("demo", stdout=io.StringIO())
    again = io.StringIO()
    call_command("ledger", "--json", stdout=again)
    assert again.getvalue() == before
    assert Registration.objects.count() == 15 + 8  # the seed fund's receipts and the central fund's
