"""One word per concept: 到人到户发放 is a payout in code (the table becomes ledger_payout; its index names
keep their disb_ prefix, which SQLite cannot rename without rebuilding them)."""

from django.db import migrations, models


def kinds(old: str, new: str):
    def run(apps, schema_editor):
        apps.get_model("ledger", "ImportBatch").objects.filter(kind=old).update(kind=new)

    return run


class Migration(migrations.Migration):
    dependencies = [("ledger", "0009_payout_search_indexes")]

    operations = [
        migrations.RenameModel("Disbursement", "Payout"),
        migrations.AlterField(
            model_name="payout",
            name="payment",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=models.deletion.PROTECT,
                related_name="payouts",
                to="ledger.payment",
            ),
        ),
        migrations.AlterField(
            model_name="payout",
            name="batch",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=models.deletion.PROTECT,
                related_name="payouts",
                to="ledger.importbatch",
            ),
        ),
        migrations.AlterField(
            model_name="importbatch",
            name="kind",
            field=models.CharField(
                choices=[("payments", "支付凭证"), ("payouts", "到人到户发放明细")], max_length=16, verbose_name="类型"
            ),
        ),
        migrations.RunPython(kinds("disbursements", "payouts"), kinds("payouts", "disbursements")),
    ]
