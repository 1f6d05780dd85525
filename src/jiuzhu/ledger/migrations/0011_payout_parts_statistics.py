from django.db import migrations

# PostgreSQL: the payout parts (``ledger.payout_sums``: per batch, voucher and region the count, Σ实发 and earliest
# month) are one GROUP BY over the payouts. Without statistics on the three columns together, PostgreSQL takes
# them as independent and estimates the demo year's 675 groups at 33,372, so it sorts 333,721 rows on disk
# (work_mem 4 MB) instead of hashing them: 470-580 ms against 250 ms (EXPLAIN ANALYZE, PostgreSQL 15, a loaded
# machine; bench/README.md). Extended statistics are no index: nothing is written per row, ANALYZE computes them.
# SQLite has no such statistics and needs none for this plan.

NAME = "payout_parts_ndistinct"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE STATISTICS IF NOT EXISTS {NAME} (ndistinct) ON batch_id, payment_id, region_id FROM ledger_payout"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0010_rename_disbursement_to_payout")]

    operations = [migrations.RunPython(create, drop)]
