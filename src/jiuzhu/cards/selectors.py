"""Reads of 一卡通监管, every one scoped to the user's area (``accounts.scoping``); 证件号码 leave masked."""

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from jiuzhu.accounts.scoping import scoped
from jiuzhu.domain.sampling import Summary, summarise

from .models import Complaint, ReferenceEntry, ReferenceList, Sample, SampleItem


def lists(user: Any) -> QuerySet[ReferenceList]:
    return scoped(ReferenceList.objects.select_related("region"), user)


def entries(user: Any, listed: ReferenceList) -> QuerySet[ReferenceEntry]:
    return scoped(ReferenceEntry.objects.filter(list=listed), user, via="list__region")


def samples(user: Any) -> QuerySet[Sample]:
    return scoped(Sample.objects.select_related("region"), user)


def items(user: Any, sample: Sample) -> QuerySet[SampleItem]:
    return scoped(SampleItem.objects.filter(sample=sample), user)


def summary(sample: Sample) -> Summary:
    return summarise(list(sample.items.values_list("outcome", flat=True)), sample.confidence)


def complaints(user: Any) -> QuerySet[Complaint]:
    return scoped(Complaint.objects.select_related("region"), user)


def overdue(user: Any) -> QuerySet[Complaint]:
    return complaints(user).filter(state=Complaint.OPEN, due_on__lt=timezone.localdate())


def county_summaries(user: Any) -> list[dict[str, Any]]:
    """Per county: the samples' response rate and share confirmed (all its samples together)."""
    by_region: dict[str, list[str]] = {}
    confidence: dict[str, int] = {}
    for name, outcome, level in (
        scoped(SampleItem.objects.all(), user)
        .values_list("region__name", "outcome", "sample__confidence")
        .order_by("region__path")
    ):
        by_region.setdefault(name, []).append(outcome)
        confidence[name] = level
    return [{"region": n, "s": summarise(o, confidence[n])} for n, o in by_region.items()]
