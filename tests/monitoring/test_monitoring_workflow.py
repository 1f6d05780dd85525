"""Findings through their life: found, 误报 of a 红 finding waiting for a checker, rectified when a county
returns the file with the duplicate and imports the corrected one, reopened when the rows come back."""

import datetime

import pytest
from ledger_helpers import YUMIN, approve_batch, csv_bytes, register_yumin, valid_id

from jiuzhu.approvals import review
from jiuzhu.core.errors import ActionRefused
from jiuzhu.ledger.actors import SystemActor
from jiuzhu.ledger.models import ImportBatch, Payout
from jiuzhu.ledger.services import do_import_file
from jiuzhu.monitoring import services
from jiuzhu.monitoring.models import Finding, FindingEvent, Run
from jiuzhu.regions.models import Region

HEADER = ["姓名", "证件类型", "证件号码", "按户或按人补助", "应发金额", "实发金额", "发放月份", "支付凭证号"]
VOUCHER = "D012022-V02CTD-08061"


def payout_file() -> bytes:
    rows = [
        ["甲", "01-身份证号", valid_id(serial=1), "1-到人", "600", "600", "05", VOUCHER],
        ["乙", "01-身份证号", valid_id(serial=2), "1-到人", "600", "600", "05", VOUCHER],
    ]
    return csv_bytes(HEADER, rows)


#: 裕民县 pays 5,000 元 of its 2.56 million here, so idle money and execution behind time are rightly found
#: too; the tests watch these rules.
RULES = ["late_registration", "payout_duplicate", "voucher_mismatch", "payout_above_due"]


def run(region: Region) -> Run:
    return services.do_run(actor=SystemActor(), fiscal_year=2022, region=region, rules=RULES)[0]


@pytest.fixture
def world(people, settings):
    """裕民县 registers the 82号 increase late, pays its 5,000 元 voucher and imports a payout file with a
    duplicate in it (put there as the demo-only writer does: the importer refuses duplicates)."""
    from ledger_helpers import import_voucher

    settings.JIUZHU_MONITORING_INLINE = True
    register_yumin(people, late=True)
    region = Region.objects.get(code=YUMIN)
    import_voucher(region, people)
    batch = do_import_file(
        actor=people["ymx_cz_jb"], kind="payouts", region=region, data=payout_file(), filename="5月.csv"
    ).batch
    first = Payout.objects.filter(batch=batch).order_by("row_no").first()
    first.pk, first.row_no, first.add_word = None, 3, "重复"
    first.save()
    return region, batch


def test_return_and_corrected_file_rectify_the_duplicate_and_only_it(
    world, people, django_capture_on_commit_callbacks
):
    region, batch = world
    first = run(region)
    found = {f.rule: f for f in Finding.objects.all()}
    assert set(found) == {"late_registration", "payout_duplicate", "voucher_mismatch"}
    assert first.created == 3 and found["payout_duplicate"].state == "pending"
    assert (
        "****" in found["payout_duplicate"].message
        and valid_id(serial=1) not in found["payout_duplicate"].message
    )
    with django_capture_on_commit_callbacks(execute=True):
        review.return_(batch, people["ymx_cz_sh"], reason="第3行重复发放")
    with django_capture_on_commit_callbacks(execute=True):
        again = do_import_file(
            actor=people["ymx_cz_jb"],
            kind="payouts",
            region=region,
            data=payout_file(),
            filename="5月.csv",
        ).batch
    with django_capture_on_commit_callbacks(execute=True):
        approve_batch(again, checker=people["ymx_cz_sh"])
    assert Run.objects.filter(trigger__startswith="导入审核通过").exists()  # the approval's run
    states = dict(Finding.objects.filter(rule__in=RULES).values_list("rule", "state"))
    assert states == {
        "late_registration": "pending",
        "payout_duplicate": "rectified",
        "voucher_mismatch": "pending",  # 1,200 元 of payouts on a 5,000 元 voucher: still open
    }
    history = list(
        FindingEvent.objects.filter(finding__rule="payout_duplicate").values_list("transition", flat=True)
    )
    assert history == ["found", "resolve"]


def test_red_false_positive_waits_for_a_checker(world, people):
    region, _ = world
    run(region)
    duplicate = Finding.objects.get(rule="payout_duplicate")
    maker, checker = people["ymx_cz_jb"], people["ymx_cz_sh"]
    services.do_confirm(actor=maker, finding=duplicate)
    services.do_mark_false_positive(actor=maker, finding=duplicate, reason="同名不同人，已核实")
    duplicate.refresh_from_db()
    assert duplicate.state == "fp_review"
    with pytest.raises(ActionRefused):
        services.do_approve_false_positive(actor=maker, finding=duplicate)
    duplicate.refresh_from_db()
    assert duplicate.state == "fp_review"
    services.do_approve_false_positive(actor=checker, finding=duplicate)
    duplicate.refresh_from_db()
    assert duplicate.state == "false_positive" and duplicate.reason == "同名不同人，已核实"
    run(region)  # a 误报 found again stays 误报
    duplicate.refresh_from_db()
    assert duplicate.state == "false_positive"


def test_yellow_false_positive_needs_no_checker_and_foreign_clerk_is_refused(world, people):
    region, _ = world
    run(region)
    late = Finding.objects.get(rule="late_registration")
    with pytest.raises(ActionRefused):
        services.do_confirm(actor=people["ems_cz_jb"], finding=late)
    assert Finding.objects.get(pk=late.pk).state == "pending"
    services.do_mark_false_positive(actor=people["ymx_cz_jb"], finding=late, reason="上级文件晚到")
    assert Finding.objects.get(pk=late.pk).state == "false_positive"


def test_rectify_close_and_reopen(world, people):
    region, _ = world
    run(region)
    duplicate = Finding.objects.get(rule="payout_duplicate")
    maker, checker = people["ymx_cz_jb"], people["ymx_cz_sh"]
    services.do_confirm(actor=maker, finding=duplicate)
    services.do_rectify(
        actor=maker, finding=duplicate, measure="追回重复发放", promised_on=datetime.date(2023, 1, 10)
    )
    with pytest.raises(ActionRefused):
        services.do_close(actor=maker, finding=duplicate)
    services.do_close(actor=checker, finding=duplicate)
    duplicate.refresh_from_db()
    assert duplicate.state == "closed" and duplicate.measure == "追回重复发放"
    run(region)  # the duplicate rows are still there: the closed finding reopens
    duplicate.refresh_from_db()
    assert duplicate.state == "pending" and duplicate.reopen_count == 1
    assert Finding.objects.filter(rule="payout_duplicate").count() == 1


def test_deadlines_in_working_days(world):
    region, _ = world
    services.do_run(
        actor=SystemActor(), fiscal_year=2022, region=region, rules=RULES, today=datetime.date(2022, 12, 30)
    )
    red = Finding.objects.get(rule="payout_duplicate")
    yellow = Finding.objects.get(rule="late_registration")
    assert red.due_on == datetime.date(2023, 1, 4)  # Fri 30 Dec + 3 working days
    assert yellow.due_on == datetime.date(2023, 1, 13)


def test_a_scoped_run_finds_only_its_area(world):
    region, _ = world
    emin = Region.objects.get(code="654221")
    run(emin)
    assert not Finding.objects.filter(region=region).exists()
    # 额敏县 has registered nothing here: its receipts of 8号 and 82号 are late
    assert set(Finding.objects.values_list("region__code", "rule")) == {("654221", "late_registration")}
    assert Finding.objects.count() == 2
    assert ImportBatch.objects.filter(region=region).exists()


def _shared_tables() -> set[tuple[str, str]]:
    """The run's shared tables that exist now: (name, where), where PostgreSQL's persistence and schema."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                """SELECT c.relname, CAST(c.relpersistence AS text) || ' ' || n.nspname FROM pg_class c
                    JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE c.relname LIKE 'monitoring\\_%%' AND c.relkind = 'r' AND c.relpersistence <> 'p'"""
            )
        else:
            cursor.execute(
                "SELECT name, 'temp' FROM sqlite_temp_master WHERE type = 'table' AND name LIKE 'monitoring_%%'"
            )
        return set(cursor.fetchall())


def test_a_rule_that_fails_reports_its_own_error_and_leaves_no_tables(world, monkeypatch):
    """The run's shared tables go with the rollback; the error the caller sees is the rule's, not a refused
    DROP in the aborted transaction (PostgreSQL)."""
    from django.db import DatabaseError, connection

    from jiuzhu.monitoring import engine, queries

    region, _ = world
    monkeypatch.setitem(queries.BUILDERS, "broken_rule", lambda d: "SELECT * FROM no_such_table_here")
    params = engine.Params(year=2022, as_of=datetime.date(2022, 12, 31), path=region.path)
    with pytest.raises(DatabaseError, match="no_such_table_here"):
        engine.evaluate_all(["payout_duplicate", "broken_rule"], params)
    assert _shared_tables() == set()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'jiuzhu\\_run\\_%%'")
            assert cursor.fetchall() == []


def test_a_run_makes_its_shared_tables_for_itself_alone_and_drops_them(world):
    """PostgreSQL: unlogged tables in a schema of the run's own (parallel workers can read them, unlike
    temporary tables), made inside the run's transaction and dropped with the schema; SQLite: temporary."""
    from django.db import connection

    from jiuzhu.monitoring import engine
    from jiuzhu.monitoring.queries import PEOPLE, REPEATERS, REPEATS, VOUCHERS

    region, _ = world
    params = engine.Params(year=2022, as_of=datetime.date(2022, 12, 31), path=region.path)
    with engine.session():
        engine.prepare(["payout_duplicate", "voucher_mismatch"], params)
        made = _shared_tables()
        assert {name for name, _ in made} == {PEOPLE, REPEATERS, REPEATS, VOUCHERS}
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT 'jiuzhu_run_' || pg_backend_pid()")
                assert {where for _, where in made} == {f"u {cursor.fetchone()[0]}"}
                # the repeats were joined through the index only, and the planner got its joins back
                cursor.execute(
                    "SELECT current_setting('enable_hashjoin'), current_setting('enable_mergejoin')"
                )
                assert cursor.fetchone() == ("on", "on")
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*), SUM(xpay_amt) FROM {REPEATS}")
            assert cursor.fetchone() == (2, 120000)  # the person paid twice in May: 600 元 twice
        engine.discard()
        assert _shared_tables() == set()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'jiuzhu\\_run\\_%%'")
            assert cursor.fetchall() == []
