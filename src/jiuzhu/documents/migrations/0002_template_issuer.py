"""A notice template belongs to its issuer's region.

Templates stored before this were the shipped wording of 塔城地区's bureaus (塔地财社 notices): they are given
to the region whose code the shipped file names (654200), else to the first prefecture.
"""

import django.db.models.deletion
from django.db import migrations, models

SHIPPED_ISSUER = "654200"


def to_issuer(apps, schema_editor):
    NoticeTemplate = apps.get_model("documents", "NoticeTemplate")
    Region = apps.get_model("regions", "Region")
    if not NoticeTemplate.objects.exists():
        return
    region = (
        Region.objects.filter(code=SHIPPED_ISSUER).first()
        or Region.objects.filter(level="prefecture").order_by("path").first()
    )
    if region is None:
        raise RuntimeError("notice templates exist but no region to give them to")
    NoticeTemplate.objects.update(region=region)


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_initial"),
        ("regions", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="noticetemplate", name="uniq_notice_template"),
        migrations.AddField(
            model_name="noticetemplate",
            name="region",
            field=models.ForeignKey(
                null=True,
                help_text="the issuer: plans issued by this region are worded by this template",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="regions.region",
                verbose_name="发文地区",
            ),
        ),
        migrations.RunPython(to_issuer, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="noticetemplate",
            name="region",
            field=models.ForeignKey(
                help_text="the issuer: plans issued by this region are worded by this template",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="regions.region",
                verbose_name="发文地区",
            ),
        ),
        migrations.AlterModelOptions(
            name="noticetemplate",
            options={"ordering": ("region__path", "fund", "kind"), "verbose_name": "公文模板"},
        ),
        migrations.AddConstraint(
            model_name="noticetemplate",
            constraint=models.UniqueConstraint(
                fields=("region", "fund", "kind"), name="uniq_notice_template_per_issuer"
            ),
        ),
    ]
