"""回访核查 and 投诉举报: the same seed redraws the same sample, of the formula's size; 未收到 opens a finding on the
monitoring dashboard and 已收到 afterwards resolves it; a complaint past its deadline is flagged there too."""

import datetime
from decimal import Decimal

import pytest
from cards_helpers import EMIN, TACHENG, pay, person

from jiuzhu.cards import services
from jiuzhu.cards.models import SampleItem
from jiuzhu.core.errors import ActionRefused, InvalidInput
from jiuzhu.domain.sampling import sample_size
from jiuzhu.monitoring.models import Finding


@pytest.fixture
def month(people):
    """塔城市's May: 300 低保 and 100 特困 payouts."""
    for i in range(300):
        pay(TACHENG, person(i), "05", "dibao")
    for i in range(100):
        pay(TACHENG, person(500 + i), "05", "tekun")
    pay(EMIN, person(1, EMIN), "05", "dibao")


def draw(people, region, **kw):
    return services.do_draw_sample(
        actor=people["tcs_cz_jb"], region=region(TACHENG), fiscal_year=2022, pay_month="05", **kw
    )


def test_same_seed_same_sample_of_the_formula_size(month, people, region):
    first = draw(people, region, seed=42)
    # N = 400, 95%, ±5%: 384.16 / (1 + 383.16/400) = 196.2 → 197, shared 148 低保 / 49 特困
    assert (first.population, first.size) == (400, 197) == (400, sample_size(400))
    purposes = sorted(first.items.values_list("purpose", flat=True))
    assert purposes.count("dibao") == 148 and purposes.count("tekun") == 49
    again = draw(people, region, seed=first.seed)
    key = lambda s: sorted(s.items.values_list("iden_no", flat=True))  # noqa: E731
    assert key(again) == key(first)
    assert key(draw(people, region, seed=43)) != key(first)
    small = draw(people, region, purpose="tekun", confidence=90, margin=Decimal("0.1"), seed=1)
    # N = 100, 90%, ±10%: 67.64 / (1 + 66.64/100) = 40.59 → 41
    assert (small.population, small.size) == (100, 41)


def test_not_received_opens_a_finding_on_the_dashboard_and_received_resolves_it(
    month, people, region, client
):
    sample = draw(people, region, seed=7)
    item = sample.items.first()
    maker = people["tcs_cz_jb"]
    services.do_record_outcome(
        actor=maker,
        item=item,
        outcome="not_received",
        method="phone",
        verifier="王干事",
        verified_on=datetime.date(2022, 6, 10),
        note="本人称未到账",
    )
    finding = Finding.objects.get(rule="verification_failed")
    assert finding.state == "pending" and finding.region.code == TACHENG and "未收到" in finding.message
    assert item.iden_no not in finding.message and "王干事" in finding.message
    client.force_login(people["dq_cz_sh"])
    page = client.get("/monitoring/?year=2022").content.decode()
    assert "回访核查发现问题" in page
    services.do_record_outcome(
        actor=maker,
        item=item,
        outcome="received",
        method="visit",
        verifier="王干事",
        verified_on=datetime.date(2022, 6, 12),
    )
    finding.refresh_from_db()
    assert finding.state == "rectified"


def test_outcome_refusals_change_nothing(month, people, region):
    item = draw(people, region, seed=7).items.first()
    with pytest.raises(InvalidInput) as refused:
        services.do_record_outcome(
            actor=people["tcs_cz_jb"], item=item, outcome="", method="", verifier="", verified_on=None
        )
    assert {p.where.column for p in refused.value.problems} == {"核查结果", "核查方式", "核查人", "核查日期"}
    with pytest.raises(ActionRefused):
        services.do_record_outcome(
            actor=people["ems_cz_jb"],
            item=item,
            outcome="received",
            method="phone",
            verifier="某",
            verified_on=datetime.date(2022, 6, 1),
        )
    assert SampleItem.objects.get(pk=item.pk).outcome == ""
    assert not Finding.objects.filter(rule="verification_failed").exists()


def test_overdue_complaint_is_flagged_and_the_reply_clears_it(people, region, settings):
    settings.JIUZHU_CARDS = {"complaint_days": 15}
    maker = people["tcs_cz_jb"]
    complaint = services.do_create_complaint(
        actor=maker,
        region=region(TACHENG),
        received_on=datetime.date(2022, 3, 1),
        channel="hotline",
        complainant="匿名",
        content="反映某村有人冒领低保",
        person_name="某人",
        iden_no=person(3),
    )
    assert complaint.due_on == datetime.date(2022, 3, 22)  # 15 working days after Tuesday 1 March
    finding = Finding.objects.get(rule="complaint_overdue")
    assert finding.region.code == TACHENG and "2022-03-22" in finding.message
    services.do_link_finding(actor=maker, complaint=complaint, finding=finding)
    services.do_reply_complaint(
        actor=maker, complaint=complaint, reply="经核实已停发", replied_on=datetime.date(2022, 4, 1)
    )
    finding.refresh_from_db()
    assert finding.state == "rectified" and complaint.findings.count() == 1
    with pytest.raises(ActionRefused):
        services.do_reply_complaint(
            actor=maker, complaint=complaint, reply="再答", replied_on=datetime.date(2022, 4, 2)
        )
