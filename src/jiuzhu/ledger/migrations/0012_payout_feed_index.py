from django.db import migrations

# PostgreSQL: the API's payouts feed (jiuzhu.api.cursor.feed_page) reads one batch's rows after an id, in id
# order, a page at a time. With only the BRIN index on the batch, every page read and sorted all the batch's
# remaining rows: on the demo year, a page of 5,000 in the middle of a 59,503-row batch cost 264 ms (an external
# merge sort of 59,271 rows), and a million-row batch would cost seconds a page, more the earlier the page. This
# btree makes a page one index range scan (16 ms, whatever the batch's size; bench/README.md, "The payouts
# feed"). Its rows arrive in (batch, id) order, so a COPY appends to its right edge: the cheapest btree a load can
# keep. SQLite's btree on batch_id (migration 0006) already holds (batch_id, rowid).


def add(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE INDEX disb_batch_row ON ledger_payout (batch_id, id)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS disb_batch_row")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0011_payout_parts_statistics")]

    operations = [migrations.RunPython(add, drop)]
