"""Background imports (django-tasks, database backend): the batch row keeps state and progress; a task that
died leaves its batch ``running`` without heartbeat, which the page shows as 已中断 with a retry button, and
which the next task (or the next look at the imports) marks failed (``liveness``).

Inside the services package so that importing it runs no other part of ledger: the import starters
(``imports``) call it, it calls the runner, and nothing leads back (a module beside the package would import the
package's ``__init__``, which imports the starters)."""

from django_tasks import task

from jiuzhu.accounts.actors import Actor
from jiuzhu.accounts.models import User
from jiuzhu.core.errors import InvalidInput

from ..actors import SystemActor
from ..models import ImportBatch
from .batches import read_kept_file
from .liveness import fail_stalled
from .runner import run_batch


def _maker(batch: ImportBatch) -> Actor:
    """Who queued the batch: a user, or the command line's operator under the name it gave."""
    user = User.objects.filter(username=batch.created_by).first()
    return user if user is not None else SystemActor(username=batch.created_by)


@task()
def import_batch(batch_id: int) -> str:
    fail_stalled(ImportBatch.objects.all())
    batch = ImportBatch.objects.select_related("region").get(pk=batch_id)
    if batch.status != ImportBatch.QUEUED:
        return batch.status
    try:
        outcome = run_batch(batch=batch, data=read_kept_file(batch), actor=_maker(batch), bounded=True)
    except InvalidInput:
        return ImportBatch.REJECTED
    return outcome.batch.status
