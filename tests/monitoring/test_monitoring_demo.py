"""The one monitoring test that loads the demo year: `jiuzhu monitor run --json` reports exactly the deliberate
faults (jiuzhu.monitoring.demo_faults.FAULTS and the ledger's own three), each under its rule, and nothing else."""

import io
import json
import re

import pytest
from django.core.management import call_command

from jiuzhu.cards.demo import FAULTS as CARD_FAULTS
from jiuzhu.domain.monitoring_rules import REGISTRY
from jiuzhu.monitoring.demo_faults import FAULTS

#: rule → the regions (mof_div_code) where the demo put its fault.
EXPECTED = {
    "account_shared": ["654221000"],
    "execution_behind": ["654226000"],
    "exp_code_mismatch": ["654202000"],
    "idle_money": ["654224000"],
    "invalid_id": ["654221000"],
    "late_pass_down": ["654200000"],
    "late_registration": ["654225000"],
    "payment_above_balance": ["654203000"],
    "payout_above_due": ["654201000"],
    "payout_duplicate": ["654201000"],
    "payout_duplicate_cross": ["654201000", "654221000"],  # the person's two counties
    "person_multi_account": ["654221000"],
    "tag_break": ["654224000"],
    "voucher_mismatch": ["654201000"],
    "voucher_no_payouts": ["654221000"],
    # 一卡通 cross-checks against the demo's three reference lists (jiuzhu.cards.demo)
    "payout_after_death": ["654201000"],
    "payout_to_employee": ["654221000"],
    "payout_after_stop": ["654202000"],
}
#: rules that need data the demo year does not hold (a prison list, samples, complaints, two counties): tested
#: in tests/cards
WITHOUT_DEMO_FAULT = {"payout_in_prison", "payout_two_counties", "verification_failed", "complaint_overdue"}


def monitor(*args: str) -> dict:
    out = io.StringIO()
    call_command("monitor_run", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def test_demo_year_has_exactly_the_deliberate_faults(db, settings):
    settings.JIUZHU_DEMO_LEDGER_YEAR = True
    settings.JIUZHU_MONITORING_AUTORUN = False  # the approvals of the demo would queue runs
    call_command("demo", stdout=io.StringIO())
    assert set(EXPECTED) == set(REGISTRY) - WITHOUT_DEMO_FAULT == set(FAULTS) | set(CARD_FAULTS)
    assert all(EXPECTED[rule] == [code] for rule, (_, code) in CARD_FAULTS.items())

    report = monitor("--year", "2022")
    found = {code: sorted(i["mof_div_code"] for i in items) for code, items in report["findings"].items()}
    assert found == EXPECTED
    text = json.dumps(report, ensure_ascii=False)
    assert not re.search(r"\d{17}[\dX]", text), "证件号码 appear masked only"
    execution = report["findings"]["execution_behind"][0]
    assert execution["severity"] == "red" and "落后24.0个百分点" in execution["message"]
    run = report["runs"][0]
    assert run["created"] == 19 and set(run["per_rule"]) == set(REGISTRY)

    again = monitor("--year", "2022")  # a re-run updates, it does not duplicate
    assert again["runs"][0]["created"] == 0 and again["runs"][0]["found"] == 19
    one = monitor("--year", "2022", "--region", "654225", "--rule", "late_registration")
    assert [i["region"] for i in one["findings"]["late_registration"]] == ["裕民县"]
    with pytest.raises(SystemExit) as exit_:
        call_command("monitor_run", "--year", "2022", "--fail-on", "red", stdout=io.StringIO())
    assert exit_.value.code == 1
