"""Reference lists: imported whole or not at all, versioned, scoped, masked; and the cross-check rules over them
(death, 财政供养, 停发, two counties), each finding naming the person masked, the payouts and the list row."""

import re

import pytest
from cards_helpers import EMIN, TACHENG, YUMIN, csv_bytes, pay, person

from jiuzhu.audit.models import AuditRecord
from jiuzhu.cards import services
from jiuzhu.cards.models import ReferenceEntry, ReferenceList
from jiuzhu.core.errors import ActionRefused, InvalidInput
from jiuzhu.domain.reference_lists import ListKind
from jiuzhu.ledger.actors import SystemActor
from jiuzhu.monitoring import services as monitoring
from jiuzhu.monitoring.models import Finding

CARD_RULES = ["payout_after_death", "payout_to_employee", "payout_after_stop", "payout_two_counties"]


def run(region):
    monitoring.do_run(actor=SystemActor(), fiscal_year=2022, region=region, rules=CARD_RULES)
    return {(f.rule, f.region.code): f for f in Finding.objects.filter(rule__in=CARD_RULES)}


def death_list(*rows):
    return csv_bytes([["姓名", "证件号码", "死亡日期", "数据来源"], *rows])


def test_invalid_id_or_unknown_column_refuses_the_whole_list_and_stores_nothing(people, region):
    bad = person(2)[:-1] + ("0" if person(2)[-1] != "0" else "1")
    data = csv_bytes(
        [
            ["姓名", "证件号码", "死亡日期", "火化证号"],
            ["甲", person(1), "2022-03-01", "A1"],
            ["乙", bad, "2022-04-01", "A2"],
        ]
    )
    audits = AuditRecord.objects.count()
    with pytest.raises(InvalidInput) as refused:
        services.do_import_list(
            actor=people["tcs_cz_jb"],
            region=region(TACHENG),
            kind=ListKind.DEATH,
            data=data,
            filename="死亡.csv",
        )
    where = {(p.code, p.where.row, p.where.column) for p in refused.value.problems}
    assert where == {("UNKNOWN_COLUMN", 1, "火化证号"), ("BAD_ID", 3, "证件号码")}
    assert not re.search(r"\d{17}[\dX]", str(refused.value))
    assert (ReferenceList.objects.count(), ReferenceEntry.objects.count()) == (0, 0)
    assert AuditRecord.objects.count() == audits


def test_oversized_upload_is_refused_before_parsing(people, region, monkeypatch):
    from jiuzhu.cards import io as cards_io

    monkeypatch.setattr(cards_io, "MAX_BYTES", 100)
    with pytest.raises(InvalidInput, match="超过"):
        services.do_import_list(
            actor=people["tcs_cz_jb"],
            region=region(TACHENG),
            kind=ListKind.DEATH,
            data=death_list(["甲", person(1), "2022-03-01", ""]) * 10,
            filename="x.csv",
        )
    assert ReferenceList.objects.count() == 0


def test_versions_same_file_and_scope(people, region):
    actor, tacheng = people["tcs_cz_jb"], region(TACHENG)
    data = death_list(["甲", person(1), "2022-03-01", "殡葬"])
    first, new = services.do_import_list(
        actor=actor, region=tacheng, kind=ListKind.DEATH, data=data, filename="a.csv"
    )
    again, new_again = services.do_import_list(
        actor=actor, region=tacheng, kind=ListKind.DEATH, data=data, filename="a.csv"
    )
    assert new and not new_again and again.pk == first.pk
    second, _ = services.do_import_list(
        actor=actor,
        region=tacheng,
        kind=ListKind.DEATH,
        data=death_list(["乙", person(2), "2022-05-01", ""]),
        filename="b.csv",
    )
    first.refresh_from_db()
    assert (second.version, first.in_force, second.in_force) == (2, False, True)
    with pytest.raises(ActionRefused):
        services.do_import_list(
            actor=actor, region=region(YUMIN), kind=ListKind.DEATH, data=data, filename="a.csv"
        )
    with pytest.raises(ActionRefused):  # 财政 may import but not read a full number
        services.reveal_id(actor=actor, obj=second.entries.get())


def test_full_id_read_is_audited(people, region):
    listed, _ = services.do_import_list(
        actor=people["dq_mz_jb"],
        region=region("654200"),
        kind=ListKind.DEATH,
        data=death_list(["甲", person(1), "2022-03-01", ""]),
        filename="a.csv",
    )
    before = AuditRecord.objects.filter(action="cards.reveal_id").count()
    assert services.reveal_id(actor=people["dq_mz_jb"], obj=listed.entries.get()) == person(1)
    assert AuditRecord.objects.filter(action="cards.reveal_id").count() == before + 1


def test_cross_checks_find_death_employee_stop_and_two_counties(people, region):
    dead, clerk, stopped, mover = person(1), person(2), person(3), person(4)
    for month in ("03", "04", "05"):
        pay(TACHENG, dead, month)  # died 2022-03-20: April and May are after the death
    pay(TACHENG, clerk, "06", purpose="tekun")
    pay(TACHENG, clerk, "06", purpose="linshi")  # 临时救助 is not barred for employees
    pay(TACHENG, stopped, "06")
    pay(TACHENG, stopped, "07")
    pay(TACHENG, mover, "05", purpose="dibao")
    pay(EMIN, mover, "05", purpose="tekun")
    prefecture, tacheng = region("654200"), region(TACHENG)
    maker = people["dq_mz_jb"]
    services.do_import_list(
        actor=maker,
        region=prefecture,
        kind=ListKind.DEATH,
        filename="死亡.csv",
        data=death_list(["死者", dead, "2022-03-20", "火化记录"]),
    )
    services.do_import_list(
        actor=maker,
        region=prefecture,
        kind=ListKind.EMPLOYEE,
        filename="供养.csv",
        data=csv_bytes(
            [
                ["姓名", "证件号码", "工作单位", "起始日期", "终止日期"],
                ["职员", clerk, "塔城市某局", "2021-09-01", ""],
            ]
        ),
    )
    services.do_import_list(
        actor=people["tcs_cz_jb"],
        region=tacheng,
        kind=ListKind.STOP,
        filename="停发.csv",
        data=csv_bytes(
            [
                ["姓名", "证件号码", "支出方向", "停发月份", "停发原因", "文号"],
                ["停者", stopped, "低保", "2022-07", "收入超标", "塔市民〔2022〕7号"],
            ]
        ),
    )
    found = run(prefecture)
    assert set(found) == {
        ("payout_after_death", TACHENG),
        ("payout_to_employee", TACHENG),
        ("payout_after_stop", TACHENG),
        ("payout_two_counties", TACHENG),
        ("payout_two_counties", EMIN),
    }
    death = found[("payout_after_death", TACHENG)]
    assert (
        death.data["count"] == 2 and death.data["first_month"] == "04" and death.data["total_fen"] == 100000
    )
    assert "第2行" in death.message and "1,000.00元" in death.message and dead not in death.message
    assert death.data["list_row"] == 2 and "塔城地区" in death.message
    stop = found[("payout_after_stop", TACHENG)]
    assert stop.data["count"] == 1 and "2022年07月" in stop.message and "塔市民〔2022〕7号" in stop.message
    assert found[("payout_to_employee", TACHENG)].purpose == "tekun"
    # a county's own run leaves the other county's finding alone
    run(tacheng)
    assert Finding.objects.get(rule="payout_two_counties", region__code=EMIN).state == "pending"
