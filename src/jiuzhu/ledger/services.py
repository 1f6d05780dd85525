"""Every write to the ledger: one transaction, one audit record, keyword-only arguments.

- ``book_plan_movements`` runs on ``allocation.signals.plan_approved``, inside the approval's transaction.
- ``do_register_receipt`` is the county's 指标登记 of one movement (or the correction of a returned one); it
  waits for ``do_approve_registration`` by a checker of the same region and department, or is sent back by
  ``do_return_registration``.
- ``refuse_tag_change`` is the only way a request to change a direct-fund tag ends: refused, and recorded.
- ``do_import_file`` imports a payment or payout file (idempotent by sha256, all or nothing);
  ``do_queue_import`` / ``run_batch`` do the same as a background task with persistent progress. A finished
  batch is submitted for approval; ``do_approve_batch`` makes its rows count, ``do_return_batch`` removes them.

Maker-checker (``jiuzhu.approvals``): only approved registrations and batches count in balances, ``jiuzhu
ledger``, the pages and exports (``selectors``). The importers check a new file against everything stored and
not returned (so two files waiting for approval cannot overspend together); approving checks the approved
figures again, so nothing is approved before what it depends on (a payment before its registration, a payout
before its voucher).
"""

import datetime
import gc
import hashlib
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from jiuzhu.accounts.scoping import within
from jiuzhu.approvals import services as approvals
from jiuzhu.audit.services import record
from jiuzhu.core.actions import require, require_within
from jiuzhu.core.errors import ActionRefused, InvalidInput
from jiuzhu.domain import disbursements as payout_rules
from jiuzhu.domain import payments as payment_rules
from jiuzhu.domain.docno import DocNoError, normalise_docno
from jiuzhu.domain.ledger import (
    AppropriationState,
    RegistrationLine,
    late_warning,
    movements_for_row,
    validate_registration,
)
from jiuzhu.domain.money import format_yuan, from_fen
from jiuzhu.domain.problems import Problem, Where, has_errors
from jiuzhu.funds.models import ClassificationCode
from jiuzhu.regions.models import Region

from .io.readers import PayoutRows, read_payouts, read_table
from .models import Appropriation, Disbursement, ImportBatch, Movement, Payment, Registration
from .models import RegistrationLine as LineModel
from .staging import PayoutImport, Voucher, lock_payout_writers
from .uploads import keep_file

Progress = Callable[[str, int, int], None]


def _no_progress(phase: str, done: int, total: int) -> None:
    return None


# --- appropriations ---------------------------------------------------------------------------------------


def book_plan_movements(*, plan: Any, actor: Any) -> list[Movement]:
    """Book each region's 下达 / 调增 / 调减 of an approved plan; runs inside the approval's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("plan movements are booked inside the approval's transaction")
    fund = plan.fund
    booked = []
    for row in plan.rows.select_related("region"):
        for item in movements_for_row(
            is_adjustment=plan.kind == "adjustment",
            base=row.base,
            decrease=row.decrease,
            increase=row.increase,
        ):
            movement, created = Movement.objects.get_or_create(
                plan=plan,
                region=row.region,
                kind=item.kind.value,
                defaults={
                    "fund": fund,
                    "amount": item.amount,
                    "sup_bgt_doc_no": plan.doc_no,
                    "income_code": fund.income_code,
                    "direct_fund_tag": fund.direct_fund_tag.code,
                    "received_on": plan.doc_date,
                    "fiscal_year": fund.fiscal_year,
                },
            )
            if created:
                booked.append(movement)
    record(
        actor=actor,
        action="ledger.book_movements",
        entity=plan.doc_no,
        region_path=plan.issuer.path,
        after={m.region.code: [m.kind, str(m.amount), m.direct_fund_tag] for m in booked},
    )
    return booked


def _bgt_id(region: Region, fiscal_year: int, fund_id: int, code: str, purpose: str) -> str:
    return f"{region.mof_div_code}-{fiscal_year}-{fund_id}-{code}-{purpose}"


#: Lines of registrations that are submitted or approved: what a new registration or file is checked against.
LIVE_LINES = ~Q(lines__registration__status=Registration.RETURNED)


def _appropriation_states(region: Region, fund_id: int) -> dict[tuple[str, str], AppropriationState]:
    registered = dict(
        Appropriation.objects.filter(region=region, fund_id=fund_id)
        .values_list("pk")
        .annotate(total=Sum("lines__amount", filter=LIVE_LINES))
        .values_list("pk", "total")
    )
    paid = dict(
        Payment.objects.filter(appropriation__region=region, appropriation__fund_id=fund_id)
        .values_list("appropriation")
        .annotate(total=Sum("xpay_amt"))
        .values_list("appropriation", "total")
    )
    return {
        (a.exp_func_code, a.purpose): AppropriationState(
            registered.get(a.pk) or Decimal(0), paid.get(a.pk) or Decimal(0)
        )
        for a in Appropriation.objects.filter(region=region, fund_id=fund_id)
    }


@transaction.atomic
def do_register_receipt(
    *,
    actor: Any,
    movement: Movement,
    cor_bgt_doc_no: str,
    lines: Sequence[RegistrationLine],
    registered_on: datetime.date | None = None,
    ip: str = "",
) -> tuple[Registration, list[Problem]]:
    """指标登记: the receiving region books one movement to its own appropriations, split by purpose.

    ``registered_on`` defaults to today; the demo year passes its synthetic dates. Returns the registration
    and its warnings (a registration later than 30 days after receipt is flagged, not refused).
    """
    require(actor, "ledger.register")
    movement = Movement.objects.select_for_update().select_related("region", "fund").get(pk=movement.pk)
    if actor.region_id != movement.region_id:
        raise ActionRefused("只有接收地区本级可以登记该指标")
    previous = Registration.objects.select_for_update().filter(movement=movement).first()
    if previous is not None and previous.status == Registration.SUBMITTED:
        raise ActionRefused("该笔指标的登记正在等待审核")
    if previous is not None and previous.status == Registration.APPROVED:
        raise ActionRefused("该笔指标已登记；如需更正，请通过新的调整文件")
    registered_on = registered_on or timezone.localdate()
    problems: list[Problem] = []
    try:
        cor_bgt_doc_no = normalise_docno(cor_bgt_doc_no) if cor_bgt_doc_no.strip() else ""
    except DocNoError as exc:
        problems.append(Problem("BAD_DOCNO", str(exc), Where(column="本级指标文号")))
        cor_bgt_doc_no = ""
    fund = movement.fund
    code_purposes = dict(
        ClassificationCode.objects.filter(
            fiscal_year=fund.fiscal_year, code__in=fund.expenditure_codes
        ).values_list("code", "purpose")
    )
    if registered_on < movement.received_on:
        problems.append(Problem("BEFORE_RECEIPT", "登记日期早于收到指标的日期", Where(column="登记日期")))
    problems += validate_registration(
        receipt_amount=movement.amount,
        lines=lines,
        allowed_codes=fund.expenditure_codes,
        code_purposes=code_purposes,
        existing=_appropriation_states(movement.region, fund.pk),
        cor_bgt_doc_no=cor_bgt_doc_no,
    )
    if has_errors(problems):
        raise InvalidInput(problems)
    registration, before = _fresh_registration(previous, movement, cor_bgt_doc_no, registered_on, actor)
    for line in lines:
        appropriation, _ = Appropriation.objects.get_or_create(
            region=movement.region,
            fund=fund,
            exp_func_code=line.exp_func_code,
            purpose=line.purpose.value,
            defaults={
                "bgt_id": _bgt_id(
                    movement.region, fund.fiscal_year, fund.pk, line.exp_func_code, line.purpose.value
                ),
                "fiscal_year": fund.fiscal_year,
                "cor_bgt_doc_no": cor_bgt_doc_no,
                "income_code": movement.income_code,
                "direct_fund_tag": movement.direct_fund_tag,
            },
        )
        if appropriation.direct_fund_tag != movement.direct_fund_tag:
            raise InvalidInput(
                [Problem("TAG_MISMATCH", "直达资金标识与已有指标不一致", Where(column="直达资金标识"))]
            )
        LineModel.objects.create(registration=registration, appropriation=appropriation, amount=line.amount)
    required = approvals.open_round(
        subject=REGISTRATION,
        object_id=registration.pk,
        actor=actor,
        region=movement.region,
        fund=fund,
        amount=abs(movement.amount),
    )
    warning = late_warning(movement.received_on, registered_on)
    record(
        actor=actor,
        action="ledger.register" if previous is None else "ledger.register_resubmit",
        entity=_registration_entity(movement),
        region_path=movement.region.path,
        ip=ip,
        before=before,
        after={
            "cor_bgt_doc_no": cor_bgt_doc_no,
            "registered_on": registered_on.isoformat(),
            "late": warning is not None,
            "tag": movement.direct_fund_tag,
            "lines": [[x.exp_func_code, x.purpose.value, str(x.amount)] for x in lines],
            "status": registration.status,
            "approvals_required": required,
        },
    )
    return registration, [warning] if warning else []


REGISTRATION = "ledger.registration"
IMPORT = "ledger.import"


def _registration_entity(movement: Movement) -> str:
    return f"{movement.sup_bgt_doc_no} {movement.get_kind_display()} {movement.region.short_name}"


def _lines_snapshot(registration: Registration) -> list[list[str]]:
    return [
        [x.appropriation.exp_func_code, x.appropriation.purpose, str(x.amount)]
        for x in registration.lines.select_related("appropriation").order_by("id")
    ]


def _fresh_registration(
    previous: Registration | None,
    movement: Movement,
    cor_bgt_doc_no: str,
    registered_on: datetime.date,
    actor: Any,
) -> tuple[Registration, dict[str, Any] | None]:
    """A new registration, or the returned one made ready for its corrected lines (the old ones removed, with
    the appropriations only they had created)."""
    if previous is None:
        registration = Registration.objects.create(
            movement=movement, cor_bgt_doc_no=cor_bgt_doc_no, registered_on=registered_on, registered_by=actor
        )
        return registration, None
    before = {
        "status": previous.status,
        "return_reason": previous.return_reason,
        "cor_bgt_doc_no": previous.cor_bgt_doc_no,
        "lines": _lines_snapshot(previous),
    }
    touched = list(previous.lines.values_list("appropriation_id", flat=True))
    previous.lines.all().delete()
    Appropriation.objects.filter(pk__in=touched, lines__isnull=True, payments__isnull=True).delete()
    previous.cor_bgt_doc_no, previous.registered_on, previous.registered_by = (
        cor_bgt_doc_no,
        registered_on,
        actor,
    )
    previous.status, previous.return_reason, previous.approved_at = Registration.SUBMITTED, "", None
    previous.save()
    return previous, before


def review_refusal(actor: Any, region: Region, department: str) -> str:
    """Why ``actor`` may not review a ledger submission: ``approvals.reviewer_refusal``, the rule of every subject."""
    return approvals.reviewer_refusal(actor, region, department, action="ledger.approve")


def _require_reviewer(actor: Any, region: Region, department: str) -> None:
    approvals.require_reviewer(actor, region, department, action="ledger.approve")


def _approved_registered(appropriation_id: int) -> Decimal:
    total = LineModel.objects.filter(
        appropriation_id=appropriation_id, registration__status=Registration.APPROVED
    ).aggregate(t=Sum("amount"))["t"]
    return total or Decimal(0)


def _approved_paid(appropriation_id: int) -> Decimal:
    total = Payment.objects.filter(
        appropriation_id=appropriation_id, batch__approved_at__isnull=False
    ).aggregate(t=Sum("xpay_amt"))["t"]
    return total or Decimal(0)


def _registration_fits(registration: Registration) -> None:
    """Approving must not leave an appropriation's approved registrations below its approved payments (a decrease
    approved before the receipt it reduces, or below what was paid)."""
    for line in registration.lines.select_related("appropriation"):
        after = _approved_registered(line.appropriation_id) + line.amount
        paid = _approved_paid(line.appropriation_id)
        if after < paid or after < 0:
            raise ActionRefused(
                f"指标{line.appropriation.bgt_id}审核后登记额为{format_yuan(after)}元，低于已审核支付的"
                f"{format_yuan(paid)}元：请先审核该指标此前的登记"
            )


def _registration_for_review(actor: Any, registration: Registration, verb: str) -> Registration:
    """The registration, locked, for a checker of its region and its maker's department; it must be waiting."""
    require(actor, "ledger.approve")
    locked = (
        Registration.objects.select_for_update()
        .select_related("movement__region", "movement__fund", "registered_by")
        .get(pk=registration.pk)
    )
    _require_reviewer(actor, locked.movement.region, locked.registered_by.department)
    if locked.status != Registration.SUBMITTED:
        raise ActionRefused(f"只有待审核的登记可以{verb}")
    return locked


def _registration_makers(registration: Registration) -> set[int]:
    """Who may not check it: everyone who submitted it, and who registered it."""
    return approvals.submitters(REGISTRATION, registration.pk) | {registration.registered_by_id}


@transaction.atomic
def do_approve_registration(*, actor: Any, registration: Registration, ip: str = "") -> approvals.RoundState:
    """A checker of the region and the maker's department approves; once the round is complete (thresholds from
    ``ApprovalRule`` by amount and fund) the registration counts. Returns the round's state."""
    registration = _registration_for_review(actor, registration, "审核")
    movement = registration.movement
    state = approvals.add_approval(
        subject=REGISTRATION,
        object_id=registration.pk,
        actor=actor,
        makers=_registration_makers(registration),
    )
    if state.complete:
        _registration_fits(registration)
        registration.status, registration.approved_at = Registration.APPROVED, timezone.now()
        registration.save(update_fields=["status", "approved_at"])
    record(
        actor=actor,
        action="ledger.register_approve" if state.complete else "ledger.register_approve_partial",
        entity=_registration_entity(movement),
        region_path=movement.region.path,
        ip=ip,
        after={
            "status": registration.status,
            "amount": str(movement.amount),
            "approvals": state.approvers,
            "required": state.required,
        },
    )
    return state


@transaction.atomic
def do_return_registration(*, actor: Any, registration: Registration, reason: str, ip: str = "") -> None:
    """Send a submitted registration back to its maker with the reason; it counts for nothing until corrected,
    submitted again and approved."""
    registration = _registration_for_review(actor, registration, "退回")
    movement = registration.movement
    step = approvals.add_return(
        subject=REGISTRATION,
        object_id=registration.pk,
        actor=actor,
        reason=reason,
        makers=_registration_makers(registration),
    )
    registration.status, registration.return_reason = Registration.RETURNED, step.reason
    registration.save(update_fields=["status", "return_reason"])
    record(
        actor=actor,
        action="ledger.register_return",
        entity=_registration_entity(movement),
        region_path=movement.region.path,
        ip=ip,
        before={"status": Registration.SUBMITTED, "lines": _lines_snapshot(registration)},
        after={"status": registration.status, "reason": step.reason},
    )


def refuse_tag_change(
    *, actor: Any, target: Movement | Appropriation | Payment, new_tag: str, ip: str = ""
) -> None:
    """A direct-fund tag is never edited. The attempt is recorded (committed) and then refused."""
    region = target.region
    with transaction.atomic():
        record(
            actor=actor,
            action="ledger.tag_change_refused",
            entity=f"{type(target).__name__}#{target.pk}",
            region_path=region.path,
            ip=ip,
            before={"direct_fund_tag": target.direct_fund_tag},
            after={"requested": new_tag},
        )
    raise ActionRefused(
        f"直达资金标识“{target.direct_fund_tag}”贯穿分配、拨付、使用全过程且保持不变，不能修改"
    )


# --- imports ------------------------------------------------------------------------------------------------


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


def _batch_entity(batch: ImportBatch) -> str:
    """How the audit trail names an import batch."""
    return f"{batch.kind}:{batch.sha256[:12]}"


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _keep_file(sha: str, data: bytes) -> str:
    return keep_file(sha, data)


def read_kept_file(batch: ImportBatch) -> bytes:
    data = (Path(settings.MEDIA_ROOT) / batch.stored_path).read_bytes()
    if sha256_of(data) != batch.sha256:
        raise ActionRefused("保存的导入文件已损坏（sha256不符）")
    return data


def _already(kind: str, sha: str) -> ImportBatch | None:
    return ImportBatch.objects.filter(kind=kind, sha256=sha, status=ImportBatch.DONE).first()


def _batch_for(
    *,
    actor: Any,
    kind: str,
    region: Region,
    data: bytes,
    sha: str,
    filename: str,
    status: str = ImportBatch.RUNNING,
) -> ImportOutcome:
    """The batch that imported this file already, or a new one (the file kept) with ``status``."""
    existing = _already(kind, sha)
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
        stored_path=_keep_file(sha, data),
        status=status,
        created_by=getattr(actor, "username", str(actor)),
    )
    return ImportOutcome(batch, already_imported=False)


def do_import_file(
    *,
    actor: Any,
    kind: str,
    region: Region,
    data: bytes,
    filename: str,
    progress: Progress = _no_progress,
    ip: str = "",
) -> ImportOutcome:
    """Import a payment or payout file now. Raises InvalidInput with every problem when the file is refused."""
    require(actor, "ledger.import")
    require_within(actor, region)
    if kind not in (ImportBatch.PAYMENTS, ImportBatch.DISBURSEMENTS):
        raise ActionRefused(f"未知的导入类型：{kind}")
    sha, early = _hash_while_reading(kind, data)
    started = _batch_for(actor=actor, kind=kind, region=region, data=data, sha=sha, filename=filename)
    if started.already_imported:
        return started
    return run_batch(batch=started.batch, data=data, actor=actor, progress=progress, ip=ip, early=early)


@dataclass
class _EarlyRead:
    """A payout file read before its batch exists: the rows, or the problem the reader raised (raised again
    inside the batch, which records it)."""

    rows: PayoutRows | None = None
    problem: InvalidInput | None = None

    def get(self) -> PayoutRows:
        if self.problem is not None:
            raise self.problem
        assert self.rows is not None
        return self.rows


def _hash_while_reading(kind: str, data: bytes) -> tuple[str, _EarlyRead | None]:
    """The file's sha256 from a helper thread (hashlib lets go of the GIL) while a payout file is read."""
    if kind != ImportBatch.DISBURSEMENTS:
        return sha256_of(data), None
    early = _EarlyRead()
    with ThreadPoolExecutor(max_workers=1) as hasher:
        sha = hasher.submit(sha256_of, data)
        try:
            with _gc_paused():
                early.rows = read_payouts(data)
        except InvalidInput as exc:
            early.problem = exc
        return sha.result(), early


@transaction.atomic
def do_queue_import(
    *, actor: Any, kind: str, region: Region, data: bytes, filename: str, ip: str = ""
) -> ImportOutcome:
    """Keep the file and queue its import as a background task; the batch shows its progress."""
    require(actor, "ledger.import")
    require_within(actor, region)
    started = _batch_for(
        actor=actor,
        kind=kind,
        region=region,
        data=data,
        sha=sha256_of(data),
        filename=filename,
        status=ImportBatch.QUEUED,
    )
    if started.already_imported:
        return started
    batch = started.batch
    record(
        actor=actor,
        action="ledger.import_queued",
        entity=_batch_entity(batch),
        region_path=region.path,
        after={"filename": batch.filename, "size": batch.size, "sha256": batch.sha256},
        ip=ip,
    )
    _enqueue(batch)
    return ImportOutcome(batch, already_imported=False)


def _enqueue(batch: ImportBatch) -> None:
    from .tasks import import_batch

    def send() -> None:
        result = import_batch.enqueue(batch.pk)
        ImportBatch.objects.filter(pk=batch.pk).update(task_id=str(result.id))

    transaction.on_commit(send)


@transaction.atomic
def do_retry_import(*, actor: Any, batch: ImportBatch, ip: str = "") -> None:
    """Queue again a batch that failed or whose task died (no heartbeat); a rejected file needs a new file."""
    require(actor, "ledger.import")
    require_within(actor, batch.region)
    from .selectors import is_stalled

    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if not (batch.status == ImportBatch.FAILED or is_stalled(batch)):
        raise ActionRefused("只有失败或已中断的导入可以重试")
    before = {"status": batch.status, "error": batch.error}
    batch.status, batch.phase, batch.error, batch.rows_done = ImportBatch.QUEUED, "", "", 0
    batch.save(update_fields=["status", "phase", "error", "rows_done"])
    record(
        actor=actor,
        action="ledger.import_retry",
        entity=_batch_entity(batch),
        region_path=batch.region.path,
        before=before,
        after={"status": batch.status},
        ip=ip,
    )
    _enqueue(batch)


class _Tracker:
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


def run_batch(
    *,
    batch: ImportBatch,
    data: bytes,
    actor: Any,
    progress: Progress = _no_progress,
    ip: str = "",
    early: _EarlyRead | None = None,
) -> ImportOutcome:
    """Parse, validate and store one batch; all or nothing. The batch ends done, rejected or failed."""
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.RUNNING, heartbeat_at=timezone.now(), attempts=batch.attempts + 1
    )
    track = _Tracker(batch, progress)
    try:
        if batch.kind == ImportBatch.PAYMENTS:
            stored = _import_payments(batch, read_table(data), track, actor=actor, ip=ip)
        else:
            stored = _import_payouts(batch, data, track, actor=actor, ip=ip, early=early)
    except InvalidInput as exc:
        _finish(batch, status=ImportBatch.REJECTED, problems=exc.problems, actor=actor, ip=ip)
        raise ImportRejected(exc.problems, batch) from exc
    except _AlreadyDone:
        ImportBatch.objects.filter(pk=batch.pk).delete()
        done = _already(batch.kind, batch.sha256)
        if done is None:
            raise
        return ImportOutcome(done, already_imported=True)
    except Exception as exc:
        _finish(batch, status=ImportBatch.FAILED, error=f"{type(exc).__name__}: {exc}", actor=actor, ip=ip)
        raise
    batch.refresh_from_db()
    track("完成", stored, stored)
    return ImportOutcome(batch, already_imported=False)


class ImportRejected(InvalidInput):
    """The file was refused; ``batch`` keeps its problems for the page."""

    def __init__(self, problems: list[Problem], batch: ImportBatch) -> None:
        super().__init__(problems)
        self.batch = batch


class _AlreadyDone(Exception):
    """Another import of the same file finished first."""


@transaction.atomic
def _finish(
    batch: ImportBatch,
    *,
    status: str,
    actor: Any,
    problems: Sequence[Problem] = (),
    error: str = "",
    ip: str = "",
) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=status,
        problems=[p.as_dict() for p in problems][:2000],
        error=error[:2000],
        finished_at=timezone.now(),
        phase="",
    )
    record(
        actor=actor,
        action=f"ledger.import_{status}",
        entity=_batch_entity(batch),
        region_path=batch.region.path,
        ip=ip,
        after={"filename": batch.filename, "problems": len(problems), "error": error[:200]},
    )


def _mark_done(
    batch: ImportBatch,
    stored: int,
    *,
    actor: Any,
    ip: str,
    summary: dict[str, Any],
    money: tuple[Decimal, list[int]] | None = None,
    fiscal_year: int | None = None,
) -> None:
    """Inside the import's transaction: the batch is done, with its audit record.

    ``money`` is the batch's total and funds when the importer knows them already (see ``_batch_money``)."""
    try:
        with transaction.atomic():
            ImportBatch.objects.filter(pk=batch.pk).update(
                status=ImportBatch.DONE,
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
        raise _AlreadyDone from exc
    required = _submit_batch(batch, actor, money)
    record(
        actor=actor,
        action="ledger.import_done",
        entity=_batch_entity(batch),
        region_path=batch.region.path,
        ip=ip,
        after={"filename": batch.filename, "rows": stored, **summary, "approvals_required": required},
    )


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.where.row or 0, p.where.column))


# payments


def _appropriation_infos(
    region: Region,
) -> tuple[list[payment_rules.AppropriationInfo], dict[str, Appropriation]]:
    """What a payment file may draw on: registrations submitted or approved, less every payment not returned.

    Approving the file checks the approved figures again (``_batch_fits``)."""
    appropriations = {a.bgt_id: a for a in Appropriation.objects.filter(region=region)}
    registered = dict(
        Appropriation.objects.filter(region=region)
        .values_list("bgt_id")
        .annotate(t=Sum("lines__amount", filter=LIVE_LINES))
        .values_list("bgt_id", "t")
    )
    paid = dict(
        Appropriation.objects.filter(region=region)
        .values_list("bgt_id")
        .annotate(t=Sum("payments__xpay_amt"))
        .values_list("bgt_id", "t")
    )
    docs: dict[str, set[str]] = {}
    for bgt_id, doc in (
        LineModel.objects.filter(appropriation__region=region)
        .exclude(registration__status=Registration.RETURNED)
        .values_list("appropriation__bgt_id", "registration__cor_bgt_doc_no")
    ):
        docs.setdefault(bgt_id, set()).add(doc)
    infos = [
        payment_rules.AppropriationInfo(
            bgt_id=a.bgt_id,
            cor_bgt_doc_nos=frozenset(docs.get(a.bgt_id, set())),
            exp_func_code=a.exp_func_code,
            is_dir=a.direct_fund_tag,
            available=(registered.get(a.bgt_id) or Decimal(0)) - (paid.get(a.bgt_id) or Decimal(0)),
        )
        for a in appropriations.values()
    ]
    return infos, appropriations


def _import_payments(batch: ImportBatch, table: Any, track: Progress, *, actor: Any, ip: str) -> int:
    records, problems = payment_rules.parse_payments(table)
    track("校验", len(records), len(records))
    with transaction.atomic():
        region = Region.objects.select_for_update().get(pk=batch.region_id)  # one import per region at a time
        infos, appropriations = _appropriation_infos(region)
        years = {a.fiscal_year for a in appropriations.values()} or {timezone.localdate().year}
        fiscal_year = max(years)
        stored_numbers = set(
            Payment.objects.filter(region=region, fiscal_year=fiscal_year).values_list(
                "pay_cert_no", flat=True
            )
        )
        links, cross = payment_rules.check_payments(
            records,
            appropriations=infos,
            fiscal_year=fiscal_year,
            stored_numbers=stored_numbers,
            sheet=table.sheet,
        )
        problems += cross
        if has_errors(problems):
            raise InvalidInput(_sorted(problems))
        Payment.objects.bulk_create(
            Payment(
                region=region,
                appropriation=appropriations[links[r.row].bgt_id],
                batch=batch,
                fiscal_year=fiscal_year,
                pay_cert_no=r.pay_cert_no,
                exp_func_code=r.exp_func_code,
                pay_amt=r.pay_amt,
                xpay_amt=r.xpay_amt,
                xpay_date=r.xpay_date,
                payee_acct_name=r.payee_acct_name[:128],
                pro_code=r.pro_code,
                use_des=r.use_des[:200],
                direct_fund_tag=links[r.row].is_dir,
                row_no=r.row,
            )
            for r in records
        )
        total = sum((r.xpay_amt for r in records), Decimal(0))
        _mark_done(
            batch, len(records), actor=actor, ip=ip, summary={"xpay_amt": str(total)}, fiscal_year=fiscal_year
        )
    return len(records)


# payouts


def _vouchers(region: Region) -> dict[str, Voucher]:
    """pay_cert_no → what the rules need and the payment's id, for the region's vouchers (the latest year's)."""
    rows = (
        Payment.objects.filter(region=region)
        .order_by("fiscal_year")
        .values_list(
            "pay_cert_no", "pk", "fiscal_year", "xpay_amt", "appropriation__purpose", "appropriation__fund"
        )
    )
    paid = _paid_out(region)
    return {
        number: Voucher(
            payout_rules.VoucherInfo(
                purpose=purpose,
                xpay_amt=int(xpay * 100),
                paid_out=paid.get(pk, 0),
                fiscal_year=year,
            ),
            payment_id=pk,
            fund_id=fund,
        )
        for number, pk, year, xpay, purpose, fund in rows
    }


def _paid_out(region: Region) -> dict[int, int]:
    """Σ实发 (fen) per voucher of the region: its payouts are those of the region's payout batches (read through
    the batch index, so that a county's import does not read the other counties' payouts) and those without a
    batch."""
    batches = ImportBatch.objects.filter(
        region=region, kind=ImportBatch.DISBURSEMENTS, status=ImportBatch.DONE
    ).values_list("pk", flat=True)
    sums = (
        Disbursement.objects.filter(Q(batch_id__in=list(batches)) | Q(batch__isnull=True, region=region))
        .values("payment_id")
        .annotate(total=Sum("xpay_amt"))
        .values_list("payment_id", "total")
    )
    return {payment: int(total * 100) for payment, total in sums}


@contextmanager
def _gc_paused() -> Iterator[None]:
    """A large file makes millions of short-lived objects and no cycles: the cyclic collector would only rescan
    them again and again (a third of the time of a million-row read)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _import_payouts(
    batch: ImportBatch, data: bytes, track: Progress, *, actor: Any, ip: str, early: _EarlyRead | None
) -> int:
    """Read, stage, check and store a payout file set-based (``staging.PayoutImport``); all or nothing."""
    track("读取", 0, 1)
    with _gc_paused():
        rows = early.get() if early is not None else read_payouts(data)
        if rows.header is None:
            raise InvalidInput([payout_rules.missing_header(rows.sheet)])
        with transaction.atomic():
            region = Region.objects.select_for_update().get(pk=batch.region_id)  # one import per region
            payout = PayoutImport(rows, _vouchers(region), progress=track)
            stored, per_fund = payout.run(region_id=region.pk, batch_id=batch.pk)
            total = sum(per_fund.values())
            money = (from_fen(total), sorted(per_fund))  # what _batch_money would sum again over every row
            _mark_done(
                batch,
                stored,
                actor=actor,
                ip=ip,
                summary={"xpay_amt_fen": total},
                money=money,
                fiscal_year=payout.fiscal_year,
            )
    return stored


# --- maker-checker of import batches ----------------------------------------------------------------------------


def _maker_of(batch: ImportBatch, actor: Any = None) -> Any:
    """The user who imported the batch (a background task passes the username), or None for the system."""
    if getattr(actor, "pk", None) is not None:
        return actor
    from jiuzhu.accounts.models import User

    return User.objects.filter(username=batch.created_by).first()


def _batch_rows(batch: ImportBatch) -> Any:
    if batch.kind == ImportBatch.PAYMENTS:
        return Payment.objects.filter(batch=batch)
    return Disbursement.objects.filter(batch=batch)


def _batch_money(batch: ImportBatch) -> tuple[Decimal, list[int]]:
    """The batch's total (Σ实际支付金额 or Σ实发金额) and the funds it draws on."""
    fund_path = (
        "appropriation__fund" if batch.kind == ImportBatch.PAYMENTS else "payment__appropriation__fund"
    )
    per_fund = _batch_rows(batch).order_by().values_list(fund_path).annotate(t=Sum("xpay_amt"))
    totals = dict(per_fund.values_list(fund_path, "t"))
    return sum(totals.values(), Decimal(0)), sorted(totals)


def _submit_batch(batch: ImportBatch, actor: Any, money: tuple[Decimal, list[int]] | None = None) -> int:
    """Inside the import's transaction: the stored rows wait for a checker. Returns how many are needed."""
    from jiuzhu.funds.models import Fund

    amount, fund_ids = money if money is not None else _batch_money(batch)
    ImportBatch.objects.filter(pk=batch.pk).update(amount=amount, approved_at=None, return_reason="")
    return approvals.open_round(
        subject=IMPORT,
        object_id=batch.pk,
        actor=_maker_of(batch, actor),
        region=batch.region,
        fund=list(Fund.objects.filter(pk__in=fund_ids)),
        amount=amount,
    )


def batch_department(batch: ImportBatch) -> str:
    """The department whose checker reviews the batch: the maker's ("" for the system operator: either)."""
    maker = _maker_of(batch)
    return maker.department if maker is not None else ""


def _batch_makers(batch: ImportBatch) -> set[Any]:
    maker = _maker_of(batch)
    return approvals.submitters(IMPORT, batch.pk) | ({maker.pk} if maker else set())


def _batch_fits(batch: ImportBatch) -> None:
    """Nothing is approved before what it depends on: a voucher's appropriation must have approved registrations
    covering every approved payment and this batch's; a payout's voucher must be approved."""
    if batch.kind == ImportBatch.DISBURSEMENTS:
        waiting = (
            Payment.objects.filter(region_id=batch.region_id, batch__approved_at__isnull=True)
            .filter(disbursements__batch=batch)
            .values_list("pay_cert_no", flat=True)
            .distinct()
        )
        numbers = sorted(waiting)[:5]
        if numbers:
            raise ActionRefused(
                f"支付凭证{'、'.join(numbers)}尚未审核通过：请先审核支付凭证，再审核其发放明细"
            )
        return
    per_appropriation = (
        Payment.objects.filter(batch=batch)
        .order_by()
        .values_list("appropriation", "appropriation__bgt_id")
        .annotate(t=Sum("xpay_amt"))
    )
    for appropriation_id, bgt_id, amount in per_appropriation:
        registered, paid = _approved_registered(appropriation_id), _approved_paid(appropriation_id)
        if registered - paid < amount:
            raise ActionRefused(
                f"指标{bgt_id}已审核登记{format_yuan(registered)}元、已审核支付{format_yuan(paid)}元，"
                f"不足本批的{format_yuan(amount)}元：请先审核该指标的登记"
            )


def _locked_batch(batch: ImportBatch) -> ImportBatch:
    batch = ImportBatch.objects.select_for_update().select_related("region").get(pk=batch.pk)
    if not batch.awaiting_approval:
        raise ActionRefused("只有已导入、等待审核的批次可以审核或退回")
    return batch


@transaction.atomic
def do_approve_batch(*, actor: Any, batch: ImportBatch, ip: str = "") -> approvals.RoundState:
    """A checker of the region and the maker's department approves an imported file; once its round is complete
    (thresholds from ``ApprovalRule``) its payments or payouts count. Returns the round's state."""
    require(actor, "ledger.approve")
    batch = _locked_batch(batch)
    _require_reviewer(actor, batch.region, batch_department(batch))
    state = approvals.add_approval(
        subject=IMPORT, object_id=batch.pk, actor=actor, makers=_batch_makers(batch)
    )
    if state.complete:
        _batch_fits(batch)
        batch.approved_at = timezone.now()
        batch.save(update_fields=["approved_at"])
    record(
        actor=actor,
        action="ledger.import_approve" if state.complete else "ledger.import_approve_partial",
        entity=_batch_entity(batch),
        region_path=batch.region.path,
        ip=ip,
        after={
            "filename": batch.filename,
            "rows": batch.rows_stored,
            "amount": str(batch.amount),
            "approvals": state.approvers,
            "required": state.required,
        },
    )
    return state


@transaction.atomic
def do_return_batch(*, actor: Any, batch: ImportBatch, reason: str, ip: str = "") -> int:
    """Send an imported file back with the reason: its rows are removed (they never counted), the batch ends
    ``returned``, and a corrected file — or the same one — may be imported as a new submission.

    Returns how many rows were removed. Vouchers that payouts waiting for approval refer to are kept until those
    payouts are returned first.
    """
    require(actor, "ledger.approve")
    batch = _locked_batch(batch)
    _require_reviewer(actor, batch.region, batch_department(batch))
    step = approvals.add_return(
        subject=IMPORT, object_id=batch.pk, actor=actor, reason=reason, makers=_batch_makers(batch)
    )
    if batch.kind == ImportBatch.PAYMENTS and Disbursement.objects.filter(payment__batch=batch).exists():
        raise ActionRefused("已有发放明细引用本批支付凭证：请先退回引用它们的发放批次")
    removed, _ = _batch_rows(batch).delete()
    batch.status, batch.return_reason = ImportBatch.RETURNED, step.reason
    batch.save(update_fields=["status", "return_reason"])
    record(
        actor=actor,
        action="ledger.import_return",
        entity=_batch_entity(batch),
        region_path=batch.region.path,
        ip=ip,
        before={"status": ImportBatch.DONE, "rows": batch.rows_stored, "amount": str(batch.amount)},
        after={"status": batch.status, "reason": step.reason, "rows_removed": removed},
    )
    return removed


# --- demo only ------------------------------------------------------------------------------------------------


@transaction.atomic
def demo_only_insert_fault_payouts(*, actor: Any, payouts: Sequence[dict[str, Any]], reason: str) -> int:
    """DEMO ONLY: store payouts the importer would refuse (a duplicate, 实发 above 应发), bypassing its checks.

    Monitoring must find such faults in stored data, and the importer rightly refuses them, so the demo year
    puts them in through this path; such rows have no batch, and the write is audited. Nothing
    but ``jiuzhu.ledger.demo`` calls it.
    """
    if not settings.DEBUG and not getattr(actor, "is_demo_loader", False):
        raise ActionRefused("演示故障数据只能由演示场景写入")
    rows = [Disbursement(batch=None, **p) for p in payouts]
    lock_payout_writers()
    Disbursement.objects.bulk_create(rows)
    record(
        actor=actor,
        action="ledger.demo_fault_payouts",
        entity=reason,
        region_path="/",
        after={"rows": len(rows), "amounts": [format_yuan(r.xpay_amt) for r in rows]},
    )
    return len(rows)
