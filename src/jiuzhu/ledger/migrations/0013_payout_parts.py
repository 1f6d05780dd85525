# The approved payout batches' parts (ledger.payout_sums), stored instead of kept per process; filled here for
# the batches approved before this migration.

import django.db.models.deletion
import jiuzhu.core.fields
from django.db import migrations, models


BACKFILL = """INSERT INTO ledger_payoutpart
    (batch_id, approved_at, payment_id, region_id, fiscal_year, row_count, paid_out, over_rows, first_month)
    SELECT d.batch_id, b.approved_at, d.payment_id, d.region_id, MIN(d.fiscal_year), COUNT(*), SUM(d.xpay_amt),
      SUM(CASE WHEN d.xpay_amt > d.pay_amt THEN 1 ELSE 0 END), MIN(d.pay_month)
    FROM ledger_payout d JOIN ledger_importbatch b ON b.id = d.batch_id
    WHERE b.kind = 'payouts' AND b.approved_at IS NOT NULL
    GROUP BY d.batch_id, b.approved_at, d.payment_id, d.region_id"""


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0012_payout_feed_index'),
        ('regions', '0002_regionnamespan'),
    ]

    operations = [
        migrations.CreateModel(
            name='PayoutPart',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('approved_at', models.DateTimeField(verbose_name='审核通过时间')),
                ('fiscal_year', models.PositiveSmallIntegerField(verbose_name='年度')),
                ('row_count', models.IntegerField(verbose_name='行数')),
                ('paid_out', jiuzhu.core.fields.MoneyField(verbose_name='实发金额')),
                ('over_rows', models.IntegerField(verbose_name='实发大于应发的行数')),
                ('first_month', models.CharField(max_length=4, verbose_name='最早发放月份')),
                ('batch', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='ledger.importbatch')),
                ('payment', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='ledger.payment')),
                ('region', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='regions.region')),
            ],
            options={
                'verbose_name': '发放批次汇总',
                'constraints': [models.UniqueConstraint(fields=('batch', 'payment', 'region'), name='payout_part_key')],
            },
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
    ]
