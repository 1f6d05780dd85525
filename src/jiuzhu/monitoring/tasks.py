"""Rule runs in the background (django-tasks, database backend), queued after an approval commits."""

from django_tasks import task


@task()
def run_rules(region_id: int, fiscal_year: int | None, trigger: str) -> int:
    """Run every rule over one region's area and year; returns how many findings it found."""
    from jiuzhu.ledger.actors import SystemActor
    from jiuzhu.regions.models import Region

    from .services import do_run

    region = Region.objects.get(pk=region_id)
    runs = do_run(
        actor=SystemActor(username="system:monitoring"),
        fiscal_year=fiscal_year,
        region=region,
        trigger=trigger,
    )
    return sum(r.found for r in runs)
