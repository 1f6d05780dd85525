"""The monitoring tests that load the demo year (once for the module): `jiuzhu monitor run --json` reports exactly
the deliberate faults (jiuzhu.monitoring.demo_faults.FAULTS and the ledger's own three), each under its rule, and
nothing else; a county's run from its own people finds the same."""

import datetime
import io
import json
import re

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from jiuzhu.cards.demo import FAULTS as CARD_FAULTS
from jiuzhu.domain.monitoring_rules import REGISTRY
from jiuzhu.monitoring import engine
from jiuzhu.monitoring.demo_faults import FAULTS
from jiuzhu.regions.models import Region

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


@pytest.fixture(scope="module")
def demo_year(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        # no runs queued by the demo's approvals: the tests run the rules themselves
        with override_settings(JIUZHU_DEMO_LEDGER_YEAR=True, JIUZHU_MONITORING_AUTORUN=False):
            call_command("demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def test_demo_year_has_exactly_the_deliberate_faults(demo_year, db):
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


def found_keys(region: Region, *, narrow: bool) -> dict[str, set[str]]:
    params = engine.Params(year=2022, as_of=datetime.date(2022, 12, 31), path=region.path, narrow=narrow)
    results, _ = engine.evaluate_all(list(REGISTRY), params)
    return {code: {h.key for h in found} for code, (found, _) in results.items() if found}


def test_a_county_run_from_its_own_people_finds_what_the_whole_tables_find(demo_year, db):
    """The narrow shared tables (a county's people, with their rows in every county) give a county's run the
    same findings as the whole year's tables, the cross-county duplicate included."""
    counties = Region.objects.filter(mof_div_code__in={c for codes in EXPECTED.values() for c in codes})
    counties = [c for c in counties if not Region.objects.filter(parent=c).exists()]
    assert len(counties) >= 6
    for county in counties:
        narrow = found_keys(county, narrow=True)
        assert narrow == found_keys(county, narrow=False), county.name
    emin = found_keys(Region.objects.get(code="654221"), narrow=True)
    assert {"payout_duplicate_cross", "person_multi_account", "account_shared", "invalid_id"} <= set(emin)
