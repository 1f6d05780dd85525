"""The one test that loads the whole demo year, through `jiuzhu demo` and `jiuzhu ledger --json`."""

import io
import json
import time
from decimal import Decimal

from django.core.management import call_command

from jiuzhu.ledger.models import Disbursement, Registration


def test_demo_year_ledger_invariants(db, settings):
    settings.JIUZHU_DEMO_LEDGER_YEAR = True
    started = time.monotonic()
    call_command("demo", stdout=io.StringIO())
    assert time.monotonic() - started < 30
    out = io.StringIO()
    call_command("ledger", "--json", stdout=out)
    report = json.loads(out.getvalue())
    regions = {r["mof_div_code"]: r for r in report["regions"]}
    assert len(regions) == 8
    assert sum(Decimal(r["received"]) for r in regions.values()) == Decimal("4130000.00")
    assert Decimal(regions["654225000"]["received"]) == Decimal("2560000.00")
    for region in regions.values():
        assert Decimal(region["received"]) - Decimal(region["registered"]) == 0, region["mof_div_name"]
        for line in region["appropriations"]:
            assert Decimal(line["paid"]) <= Decimal(line["registered"]), line["bgt_id"]
            assert Decimal(line["paid_out"]) <= Decimal(line["paid"]), line["bgt_id"]
            assert line["is_dir"] == "01"
        assert {r["is_dir"] for r in region["receipts"]} == {"01"}
    late = [
        (code, r["sup_bgt_doc_no"]) for code, reg in regions.items() for r in reg["receipts"] if r["late"]
    ]
    assert late == [("654225000", "塔地财社〔2022〕82号")]
    # the faults monitoring must find are stored
    faults = Disbursement.objects.filter(origin="demo_fault")
    assert faults.count() == 2
    assert any(d.xpay_amt > d.pay_amt for d in faults)
    dup = faults.get(add_word="演示：重复发放")
    assert (
        Disbursement.objects.filter(iden_no=dup.iden_no, pay_month=dup.pay_month, purpose=dup.purpose).count()
        == 2
    )
    people = Disbursement.objects.values("iden_no").distinct().count()
    dibao = Disbursement.objects.filter(purpose="dibao", origin="import")
    assert {d.xpay_amt for d in dibao if d.xpay_amt >= 500} and max(d.xpay_amt for d in dibao) <= 700
    assert people > 400
    # running it again changes nothing
    before = out.getvalue()
    call_command("demo", stdout=io.StringIO())
    again = io.StringIO()
    call_command("ledger", "--json", stdout=again)
    assert again.getvalue() == before
    assert Registration.objects.count() == 15
