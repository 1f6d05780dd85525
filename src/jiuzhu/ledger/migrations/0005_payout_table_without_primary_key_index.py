from django.db import migrations

# PostgreSQL: payouts keep their id column (an identity: every row gets a distinct id from its sequence) but
# lose the primary-key constraint, whose btree a million-row COPY fills row by row (~0.5 s per million rows, most
# of what separates the load from a raw COPY; bench/README.md). Nothing looks payouts up by id: they are read by
# batch (the BRIN index), voucher or region, and deleted by batch. Django's state still calls id the primary key,
# which it is for the ORM. SQLite keeps its rowid, which costs nothing.


def drop_primary_key(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE ledger_disbursement DROP CONSTRAINT ledger_disbursement_pkey")


def add_primary_key(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE ledger_disbursement ADD CONSTRAINT ledger_disbursement_pkey PRIMARY KEY (id)")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0004_payout_bulk_load")]

    operations = [migrations.RunPython(drop_primary_key, add_primary_key)]
