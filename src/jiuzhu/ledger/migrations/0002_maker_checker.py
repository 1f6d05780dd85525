"""Maker-checker for registrations and import batches.

Rows stored before this migration were never checked by a second person; they are kept as they counted before
(registrations ``approved``, finished batches approved at their finish time) rather than silently dropping out
of every balance. New ones wait for a checker.
"""

import jiuzhu.core.fields
from django.db import migrations, models


def grandfather(apps, schema_editor):
    ImportBatch = apps.get_model("ledger", "ImportBatch")
    for batch in ImportBatch.objects.filter(status="done", approved_at__isnull=True):
        batch.approved_at = batch.finished_at or batch.created_at
        batch.save(update_fields=["approved_at"])


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='importbatch',
            name='amount',
            field=jiuzhu.core.fields.MoneyField(blank=True, help_text='Σ实际支付金额 or Σ实发金额 of the stored rows', null=True, verbose_name='金额'),
        ),
        migrations.AddField(
            model_name='importbatch',
            name='approved_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='审核通过时间'),
        ),
        migrations.AddField(
            model_name='importbatch',
            name='return_reason',
            field=models.TextField(blank=True, verbose_name='退回原因'),
        ),
        migrations.AddField(
            model_name='registration',
            name='approved_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='审核通过时间'),
        ),
        migrations.AddField(
            model_name='registration',
            name='return_reason',
            field=models.TextField(blank=True, verbose_name='退回原因'),
        ),
        migrations.AddField(
            model_name='registration',
            name='status',
            field=models.CharField(choices=[('submitted', '待审核'), ('approved', '已审核'), ('returned', '已退回')], default='approved', max_length=16, verbose_name='审核状态'),
        ),
        migrations.AlterField(
            model_name='registration',
            name='status',
            field=models.CharField(choices=[('submitted', '待审核'), ('approved', '已审核'), ('returned', '已退回')], default='submitted', max_length=16, verbose_name='审核状态'),
        ),
        migrations.AlterField(
            model_name='importbatch',
            name='status',
            field=models.CharField(choices=[('queued', '排队中'), ('running', '导入中'), ('done', '已导入'), ('rejected', '已拒绝'), ('failed', '失败'), ('returned', '已退回')], default='queued', max_length=16, verbose_name='状态'),
        ),
        migrations.RunPython(grandfather, migrations.RunPython.noop),
    ]
