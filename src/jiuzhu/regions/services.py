from django.db import transaction

from jiuzhu.domain.regions import load_seed_tree, mof_div_code, name_spans, seed_data

from .models import BudgetUnit, Region, RegionAlias, RegionNameSpan


@transaction.atomic
def do_load_seed_regions() -> int:
    """Create or update the shipped region tree, its name history and budget units; returns how many regions
    were created."""
    created = 0
    for node in load_seed_tree().ordered():
        parent = Region.objects.get(code=node.parent) if node.parent else None
        path = (parent.path if parent else "/") + node.code + "/"
        _, was_created = Region.objects.update_or_create(
            code=node.code,
            defaults={
                "mof_div_code": mof_div_code(node.code),
                "name": node.name,
                "short_name": node.short_name,
                "level": node.level.value,
                "parent": parent,
                "path": path,
                "sort_order": node.sort_order,
            },
        )
        created += was_created
        region = Region.objects.get(code=node.code)
        for alias in node.aliases:
            RegionAlias.objects.get_or_create(alias=alias, defaults={"region": region})
    data = seed_data()
    for span in name_spans(data):
        RegionNameSpan.objects.update_or_create(
            region=Region.objects.get(code=span.region),
            name=span.name,
            defaults={
                "old_code": span.code or "",
                "valid_from": span.valid_from,
                "valid_to": span.valid_to,
                "source": span.source,
            },
        )
    for unit in data["budget_units"]:
        BudgetUnit.objects.update_or_create(
            code=unit["code"],
            defaults={"name": unit["name"], "region": Region.objects.get(code=unit["region"])},
        )
    return created
