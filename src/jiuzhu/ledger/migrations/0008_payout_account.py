import jiuzhu.core.fields
from django.db import migrations

#: SQLite rebuilds the table to add a column with a default: its raw-SQL indexes (0006) are made again.
SQLITE_INDEXES = (
    "CREATE INDEX IF NOT EXISTS disb_batch ON ledger_disbursement (batch_id)",
    "CREATE INDEX IF NOT EXISTS disb_payment ON ledger_disbursement (payment_id)",
)


def _sqlite_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_INDEXES:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0007_import_and_review_status"),
    ]

    operations = [
        migrations.AddField(
            model_name="disbursement",
            name="acct_no",
            field=jiuzhu.core.fields.OptionalText(
                blank=True, default="", max_length=40, null=True, verbose_name="收款账号"
            ),
        ),
        migrations.RunPython(_sqlite_indexes, migrations.RunPython.noop),
    ]
