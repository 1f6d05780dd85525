"""The import batch's lifecycle: its kept file, its progress, how it ends (done and submitted for review,
rejected or failed)."""

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone

from jiuzhu.accounts.actors import Actor
from jiuzhu.accounts.models import User
from jiuzhu.accounts.scoping import within
from jiuzhu.approvals import services as approvals
from jiuzhu.audit.actions import AuditAction, action_of
from jiuzhu.audit.services import record
from jiuzhu.core.errors import ActionRefused, InvalidInput
from jiuzhu.domain.problems import Problem
from jiuzhu.funds.models import Fund
from jiuzhu.regions.models import Region
from jiuzhu.yearend.locks import refuse_if_closed

from .. import uploads
from ..models import (
    IMPORT_STATES,
    REVIEW_STATES,
    ImportBatch,
    ImportStatus,
    Payment,
    Payout,
    ReviewStatus,
)

Progress = Callable[[str, int, int], None]


def no_progress(phase: str, done: int, total: int) -> None:
    return None


IMPORT = "ledger.import"


@dataclass(frozen=True)
class ImportOutcome:
    batch: ImportBatch
    already_imported: bool
    """True when the same file (same sha256) was imported before; then nothing changed."""

    @property
    def message(self) -> str:
        waiting = "，正在等待审核" if self.batch.awaiting_approval else ""
        if self.already_imported:
            return (
                f"该文件已于{timezone.localtime(self.batch.finished_at):%Y-%m-%d %H:%M}导入"
                f"（{self.batch.rows_stored}行）{waiting}，本次未作任何改动"
            )
        return f"已导入{self.batch.rows_stored}行{'，审核通过后计入台账' if waiting else ''}"


def batch_entity(batch: ImportBatch) -> str:
    """How the audit trail names an import batch."""
    return f"{batch.kind}:{batch.sha256[:12]}"


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_kept_file(batch: ImportBatch) -> bytes:
    data = (uploads.root() / batch.stored_path).read_bytes()
    if sha256_of(data) != batch.sha256:
        raise ActionRefused("保存的导入文件已损坏（sha256不符）")
    return data


def imported_before(kind: str, sha: str) -> ImportBatch | None:
    return (
        ImportBatch.objects.filter(kind=kind, sha256=sha, status=ImportStatus.DONE)
        .exclude(review_status=ReviewStatus.RETURNED)
        .first()
    )


def batch_for(
    *,
    actor: Actor,
    kind: str,
    region: Region,
    data: bytes,
    sha: str,
    filename: str,
) -> ImportOutcome:
    """The batch that imported this file already, or a new one (the file kept), queued."""
    existing = imported_before(kind, sha)
    if existing and not within(actor, existing.region):
        # Another area's file: say that it is known, never whose it is, when, or how many rows it had.
        raise ActionRefused("该文件与系统中已导入的一个文件内容完全相同，不能再次导入；请核对是否选错了文件")
    if existing:
        return ImportOutcome(existing, already_imported=True)
    batch = ImportBatch.objects.create(
        kind=kind,
        region=region,
        filename=Path(filename).name[:255],
        sha256=sha,
        size=len(data),
        stored_path=uploads.keep_file(sha, data),
        status=ImportStatus.QUEUED,
        created_by=getattr(actor, "username", str(actor)),
    )
    return ImportOutcome(batch, already_imported=False)


class ImportRejected(InvalidInput):
    """The file was refused; ``batch`` keeps its problems for the page."""

    def __init__(self, problems: list[Problem], batch: ImportBatch) -> None:
        super().__init__(problems)
        self.batch = batch


class AlreadyDone(Exception):
    """Another import of the same file finished first."""


class Tracker:
    """Writes a batch's phase and progress (at most every 2% and at phase changes) and passes it on."""

    def __init__(self, batch: ImportBatch, progress: Progress) -> None:
        self.batch, self.progress, self.last = batch, progress, (-1, "")

    def __call__(self, phase: str, done: int, total: int) -> None:
        self.progress(phase, done, total)
        step = max(total // 50, 1)
        if (done // step, phase) == self.last:
            return
        self.last = (done // step, phase)
        if not transaction.get_connection().in_atomic_block:
            ImportBatch.objects.filter(pk=self.batch.pk).update(
                phase=phase, rows_done=done, rows_total=total, heartbeat_at=timezone.now()
            )


@transaction.atomic
def finish_batch(
    batch: ImportBatch,
    *,
    status: str,
    actor: Actor,
    problems: Sequence[Problem] = (),
    error: str = "",
    ip: str = "",
    only: QuerySet[ImportBatch] | None = None,
) -> None:
    """The batch ends ``status``; ``only`` narrows the move to batches still matching it (else it is refused)."""
    IMPORT_STATES.move_rows(
        (only if only is not None else ImportBatch.objects).filter(pk=batch.pk),
        status,
        problems=[p.as_dict() for p in problems][:2000],
        error=error[:2000],
        finished_at=timezone.now(),
        phase="",
    )
    record(
        actor=actor,
        action=action_of(f"ledger.import_{status}"),
        entity=batch_entity(batch),
        region_path=batch.region.path,
        ip=ip,
        after={"filename": batch.filename, "problems": len(problems), "error": error[:200]},
    )


def mark_done(
    batch: ImportBatch,
    stored: int,
    *,
    actor: Actor,
    ip: str,
    summary: dict[str, Any],
    money: tuple[Decimal, list[int]] | None = None,
    fiscal_year: int | None = None,
) -> None:
    """Inside the import's transaction: the batch is done, with its audit record.

    ``money`` is the batch's total and funds when the importer knows them already (see ``batch_money``)."""
    refuse_if_closed(fiscal_year=fiscal_year, region=batch.region, what="导入该年度的支付或发放数据")
    try:
        with transaction.atomic():
            IMPORT_STATES.move_rows(
                ImportBatch.objects.filter(pk=batch.pk),
                ImportStatus.DONE,
                rows_stored=stored,
                rows_done=stored,
                rows_total=stored,
                finished_at=timezone.now(),
                heartbeat_at=timezone.now(),
                phase="",
                problems=[],
                fiscal_year=fiscal_year,
            )
    except IntegrityError as exc:  # the same file finished in another session meanwhile
        raise AlreadyDone from exc
    required = submit_batch(batch, actor, money)
    record(
        actor=actor,
        action=AuditAction.LEDGER_IMPORT_DONE,
        entity=batch_entity(batch),
        region_path=batch.region.path,
        ip=ip,
        after={"filename": batch.filename, "rows": stored, **summary, "approvals_required": required},
    )


def sorted_problems(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.where.row or 0, p.where.column))


def maker_of(batch: ImportBatch, actor: Actor | None = None) -> User | None:
    """The user who imported the batch (whoever acts now, when a user), or None for the system."""
    if isinstance(actor, User):
        return actor
    return User.objects.filter(username=batch.created_by).first()


def batch_rows(batch: ImportBatch) -> QuerySet[Payment] | QuerySet[Payout]:
    if batch.kind == ImportBatch.PAYMENTS:
        return Payment.objects.filter(batch=batch)
    return Payout.objects.filter(batch=batch)


def batch_money(batch: ImportBatch) -> tuple[Decimal, list[int]]:
    """The batch's total (Σ实际支付金额 or Σ实发金额) and the funds it draws on."""
    fund_path = (
        "appropriation__fund" if batch.kind == ImportBatch.PAYMENTS else "payment__appropriation__fund"
    )
    per_fund = batch_rows(batch).order_by().values_list(fund_path).annotate(t=Sum("xpay_amt"))
    totals = dict(per_fund.values_list(fund_path, "t"))
    return sum(totals.values(), Decimal(0)), sorted(totals)


def submit_batch(batch: ImportBatch, actor: Actor, money: tuple[Decimal, list[int]] | None = None) -> int:
    """Inside the import's transaction: the stored rows wait for a checker. Returns how many are needed."""
    amount, fund_ids = money if money is not None else batch_money(batch)
    REVIEW_STATES.move_rows(
        ImportBatch.objects.filter(pk=batch.pk),
        ReviewStatus.SUBMITTED,
        amount=amount,
        approved_at=None,
        return_reason="",
    )
    return approvals.open_round(
        subject=IMPORT,
        object_id=batch.pk,
        actor=maker_of(batch, actor),
        region=batch.region,
        fund=list(Fund.objects.filter(pk__in=fund_ids)),
        amount=amount,
    )
