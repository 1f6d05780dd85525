import json
from importlib import resources

from django.db import transaction

from .models import ClassificationCode, DirectFundTag, Fund


def reference_data() -> dict:
    return json.loads(
        resources.files("jiuzhu.data").joinpath("classification_codes.json").read_text(encoding="utf-8")
    )


@transaction.atomic
def do_load_reference_codes() -> None:
    """Load the shipped codes, tags and funds; existing rows an administrator edited are left as they are."""
    data = reference_data()
    for c in data["codes"]:
        ClassificationCode.objects.get_or_create(
            fiscal_year=c["fiscal_year"],
            code=c["code"],
            defaults={"kind": c["kind"], "name": c["name"], "purpose": c.get("purpose", "")},
        )
    for t in data["direct_fund_tags"]:
        DirectFundTag.objects.get_or_create(code=t["code"], defaults={"name": t["name"]})
    for f in data["funds"]:
        Fund.objects.get_or_create(
            name=f["name"],
            fiscal_year=f["fiscal_year"],
            defaults={
                "income_code": f["income_code"],
                "expenditure_codes": f["expenditure_codes"],
                "purposes": f["purposes"],
                "direct_fund_tag": DirectFundTag.objects.get(code=f["direct_fund_tag"]),
                "direct_fund_tag_label": f["direct_fund_tag_label"],
                "source_label": f["source_label"],
            },
        )
