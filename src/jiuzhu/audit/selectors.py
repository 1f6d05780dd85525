"""Reads of the audit trail, scoped by the record's region path to the reader's area."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from jiuzhu.accounts.scoping import regions_for, trail_q

from .models import AuditRecord


@dataclass(frozen=True)
class TrailFilter:
    """What the audit bureau narrows the trail to; every field is optional."""

    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    actor: str = ""
    action: str = ""
    entity: str = ""

    @classmethod
    def from_query(cls, query: Any) -> "TrailFilter":
        def date(key: str) -> datetime.date | None:
            try:
                return datetime.date.fromisoformat(query.get(key, ""))
            except ValueError:
                return None

        return cls(
            date(key="date_from"),
            date(key="date_to"),
            query.get("actor", "").strip(),
            query.get("action", "").strip(),
            query.get("entity", "").strip(),
        )

    def as_query(self) -> dict[str, str]:
        return {k: str(v) for k, v in self.__dict__.items() if v}


def visible_records(user: Any, flt: TrailFilter | None = None) -> QuerySet[AuditRecord]:
    """The records of the user's area, newest first, narrowed by ``flt``."""
    qs = AuditRecord.objects.filter(trail_q(user)).order_by("-id")
    if flt is None:
        return qs
    tz = timezone.get_current_timezone()
    if flt.date_from:
        qs = qs.filter(created_at__gte=datetime.datetime.combine(flt.date_from, datetime.time.min, tz))
    if flt.date_to:
        end = datetime.datetime.combine(flt.date_to + datetime.timedelta(days=1), datetime.time.min, tz)
        qs = qs.filter(created_at__lt=end)
    if flt.actor:
        qs = qs.filter(actor__icontains=flt.actor)
    if flt.action:
        qs = qs.filter(action__startswith=flt.action)
    if flt.entity:
        qs = qs.filter(entity__icontains=flt.entity)
    return qs


def region_names(user: Any) -> dict[str, str]:
    """Region path → name, for the regions the user may see."""
    return {r.path: r.name for r in regions_for(user)}


def flatten(value: Any, prefix: str = "") -> dict[str, str]:
    """A nested before/after value as ``a.b.c → text``, so two can be compared line by line."""
    if isinstance(value, dict):
        out: dict[str, str] = {}
        for key, inner in value.items():
            out.update(flatten(inner, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if value is None:
        return {} if not prefix else {prefix: ""}
    if isinstance(value, list):
        return {prefix: "，".join(str(v) for v in value)}
    return {prefix: str(value)}


def changes(rec: AuditRecord) -> list[dict[str, Any]]:
    """Each field of before/after with both values and whether it changed."""
    before, after = flatten(rec.before), flatten(rec.after)
    return [
        {
            "field": key,
            "before": before.get(key, ""),
            "after": after.get(key, ""),
            "changed": before.get(key) != after.get(key),
        }
        for key in sorted(before.keys() | after.keys())
    ]
