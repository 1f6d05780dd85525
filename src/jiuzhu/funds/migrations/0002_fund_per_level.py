"""A fund is one per (name, year, level): 中央 and 自治区 困难群众救助补助资金 of 2022 are two funds."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('funds', '0001_initial'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='fund',
            name='uniq_fund_per_year',
        ),
        migrations.AddConstraint(
            model_name='fund',
            constraint=models.UniqueConstraint(fields=('name', 'fiscal_year', 'source_label'), name='uniq_fund_per_year_level'),
        ),
    ]
