from django.db.models import QuerySet

from jiuzhu.domain.regions import normalise_name

from .models import Region


def find_region(key: str) -> Region | None:
    """By 6- or 9-digit code, name, short name or alias."""
    key = normalise_name(key)
    if key.isdigit() and len(key) in (6, 9):
        return Region.objects.filter(code=key[:6]).first()
    return (
        Region.objects.filter(name=key).first()
        or Region.objects.filter(short_name=key).first()
        or Region.objects.filter(aliases__alias=key).first()
    )


def regions_within(area: Region) -> QuerySet[Region]:
    return Region.objects.filter(path__startswith=area.path)
