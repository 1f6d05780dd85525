"""Every write to the ledger: one transaction, one audit record, keyword-only arguments.

- ``book_plan_movements`` runs on ``allocation.signals.plan_approved``, inside the approval's transaction.
- ``do_register_receipt`` is the county's 指标登记 of one movement (or the correction of a returned one); it
  waits for a checker of the same region and department (``RegistrationReview``), who approves it or sends it
  back through ``jiuzhu.approvals.review``.
- ``refuse_tag_change`` is the only way a request to change a direct-fund tag ends: refused, and recorded.
- ``do_import_file`` imports a payment or payout file (idempotent by sha256, all or nothing);
  ``do_queue_import`` / ``run_batch`` do the same as a background task with persistent progress. A finished
  batch is submitted for approval; approving it (``BatchReview``) makes its rows count, returning removes them.

Maker-checker (``jiuzhu.approvals``): only approved registrations and batches count in balances, ``jiuzhu
ledger``, the pages and exports (``selectors``). The importers check a new file against everything stored and
not returned (so two files waiting for approval cannot overspend together); approving checks the approved
figures again, so nothing is approved before what it depends on (a payment before its registration, a payout
before its voucher).

The modules: ``appropriations`` (plan movements booked, the direct-fund tag), ``registrations`` (指标登记 and its
review), ``reviewers`` (who may check a submission), ``batches`` (an import batch's lifecycle), ``imports``
(starting an import: now, queued, again), ``runner`` (running one batch; the background task calls it),
``payment_import`` and ``payout_import`` (the two importers), ``batch_review`` (a batch as a subject of review).
"""

from .appropriations import LIVE_LINES, book_plan_movements, refuse_tag_change
from .batch_review import BatchReview, batch_department
from .batches import IMPORT, ImportOutcome, ImportRejected, read_kept_file, sha256_of
from .imports import do_import_file, do_queue_import, do_retry_import
from .liveness import fail_stalled
from .registrations import REGISTRATION, RegistrationReview, do_register_receipt
from .reviewers import review_refusal
from .runner import run_batch

__all__ = [
    "IMPORT",
    "LIVE_LINES",
    "REGISTRATION",
    "BatchReview",
    "ImportOutcome",
    "ImportRejected",
    "RegistrationReview",
    "batch_department",
    "book_plan_movements",
    "do_import_file",
    "do_queue_import",
    "do_register_receipt",
    "do_retry_import",
    "fail_stalled",
    "read_kept_file",
    "refuse_tag_change",
    "review_refusal",
    "run_batch",
    "sha256_of",
]
