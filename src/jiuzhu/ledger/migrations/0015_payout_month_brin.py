from django.db import migrations

# PostgreSQL: a BRIN index on the payout month. A county's monthly file is checked for repeats against the stored
# payouts of its months (staging.postgresql.any_stored_repeat); without an index on the month that read every
# payout of the year: 2.3 s of a 200,700-row file's import into a stored province-year of 2×10^7 rows. Files
# arrive month by month, so each partition's rows lie in month order and a block range holds one or two months:
# the index finds one month's rows of a 2.6-million-row partition in 85 ms (EXPLAIN ANALYZE, bench/README.md,
# "Province scale"), and a load pays it as little as the BRIN index on the batch (one range-map look-up a row).


def add(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE INDEX disb_month ON ledger_payout USING brin (pay_month)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS disb_month")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0014_payout_partitions")]

    operations = [migrations.RunPython(add, drop)]
