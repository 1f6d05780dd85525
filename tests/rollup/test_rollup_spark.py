"""The national roll-up's must-show: the monitoring rules on Spark local[2] over an exported period find what
the ordinary run on the Django database finds — finding for finding, to the fen — and count the same totals.

The data (``rollup_data``) is built once for the module and rolled back at its end; one SparkSession serves
the module.
"""

import datetime
import io
import json
import pathlib
import shutil
import sys

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from jiuzhu.monitoring import engine
from jiuzhu.monitoring.queries import BUILDERS
from jiuzhu.regions.models import Region
from jiuzhu.rollup import database, findings, spark
from jiuzhu.rollup.export import export_period, read_manifest, rule_params

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import rollup_data

AS_OF = datetime.date(2022, 12, 31)
#: rules the data must trigger, so that equal answers are not two empty lists
TRIGGERED = {
    "late_registration",
    "voucher_mismatch",
    "voucher_no_payouts",
    "tag_break",
    "exp_code_mismatch",
    "execution_behind",
    "idle_money",
    "payment_above_balance",
    "payout_duplicate",
    "payout_duplicate_cross",
    "payout_two_counties",
    "payout_above_due",
    "invalid_id",
    "account_shared",
    "person_multi_account",
    "payout_after_death",
    "payout_to_employee",
    "payout_after_stop",
}


@pytest.fixture(scope="module")
def period(django_db_setup, django_db_blocker, tmp_path_factory):
    """The data, its whole-year export of the prefecture, and the ordinary run's findings."""
    with django_db_blocker.unblock(), transaction.atomic():
        rollup_data.build()
        region = Region.objects.get(code="654200")
        directory = tmp_path_factory.mktemp("rollup") / "654200-2022"
        manifest = export_period(
            region, 2022, tuple(f"{m:02d}" for m in range(1, 13)), directory, as_of=AS_OF
        )
        params = engine.Params(year=2022, as_of=AS_OF, path=region.path)
        each, _ = engine.evaluate_all(list(BUILDERS), params)
        ordinary = findings.records(h for found, _ms in each.values() for h in found)
        yield directory, manifest, ordinary
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def session():
    s = spark.session("local[2]", app="jiuzhu-rollup-test", conf=spark.SMALL)
    yield s
    s.stop()


def test_spark_finds_what_the_database_finds(period, session, db):
    directory, manifest, ordinary = period
    spark.check_files(directory, manifest)
    spark.register(session, str(directory), manifest)
    counted = spark.totals(session, manifest)
    spark.check_totals(counted, manifest)
    hits, per_rule = spark.run_rules(session, manifest["rules"], rule_params(manifest))
    on_spark = findings.records(hits)

    assert set(per_rule) == set(BUILDERS)
    assert {r["rule"] for r in ordinary} >= TRIGGERED
    assert on_spark == ordinary
    assert findings.summary(on_spark) == findings.summary(ordinary)
    payouts = manifest["tables"]["ledger_payout"]
    assert 10_000 <= payouts["rows"] <= 100_000
    assert counted["ledger_payout"] == {"rows": payouts["rows"], "totals_fen": payouts["totals_fen"]}


def test_manifest_counts_what_the_database_holds(period, db):
    _directory, manifest, _ = period
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), SUM(xpay_amt), SUM(pay_amt) FROM ledger_payout WHERE fiscal_year = 2022"
        )
        rows, paid, due = cursor.fetchone()
    assert manifest["tables"]["ledger_payout"]["rows"] == rows
    assert manifest["tables"]["ledger_payout"]["totals_fen"] == {"pay_amt": int(due), "xpay_amt": int(paid)}
    # only what a rule reads travels: a payout's name and village stay home
    assert "iden_no" in manifest["tables"]["ledger_payout"]["columns"]
    assert "per_name" not in manifest["tables"]["ledger_payout"]["columns"]
    assert "village_name" not in manifest["tables"]["ledger_payout"]["columns"]


def test_a_changed_file_is_refused(period, tmp_path):
    directory, _manifest, _ = period
    copy = tmp_path / "copy"
    shutil.copytree(directory, copy)
    with (copy / "ledger_payout.parquet").open("ab") as f:
        f.write(b"\0")
    with pytest.raises(spark.ManifestMismatch, match="ledger_payout"):
        spark.check_files(copy, read_manifest(copy))


def test_postgres_engine_runs_the_period_on_the_database(period, db):
    directory, _, ordinary = period
    out = io.StringIO()
    call_command("rollup_run", str(directory), "--engine", "postgres", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["findings"] == len(ordinary)
    assert findings.read(directory / "findings-postgres.jsonl") == ordinary


def test_a_half_year_period_sees_only_its_months(period, session, db, tmp_path):
    out = io.StringIO()
    call_command(
        "rollup_export", str(tmp_path), "--year", "2022", "--region", "654200", "--months", "1-6", stdout=out
    )
    manifest = read_manifest(tmp_path)
    assert manifest["months"] == ["01", "02", "03", "04", "05", "06"]
    assert manifest["as_of"] == "2022-06-30"  # a past period is checked as of its last day
    assert f"ledger_payout.parquet：{manifest['tables']['ledger_payout']['rows']} 行" in out.getvalue()
    params = rule_params(manifest)
    on_database, _, counted = database.run_period(manifest, manifest["rules"], params)
    spark.register(session, str(tmp_path), manifest)
    spark.check_totals(spark.totals(session, manifest), manifest)
    on_spark, _ = spark.run_rules(session, manifest["rules"], params)

    assert findings.records(on_spark) == findings.records(on_database)
    assert {r["month"] for r in findings.records(on_spark) if r["rule"] == "payout_duplicate"} == {"03"}
    assert not any(r["rule"] == "person_multi_account" for r in findings.records(on_spark))  # July's
    spark.check_totals(counted, manifest)
