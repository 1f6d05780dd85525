"""Writes of 一卡通监管: list imports, full-ID reads, sample draws and outcomes, complaints.

Every write is one transaction with one audit record. The findings are monitoring's: a list import queues a run
of every rule for the list's area (``monitoring.hooks.queue_run``); an outcome or a complaint step re-runs its one
rule for the county at once, so the dashboard shows it (or no longer shows it) straight away.
"""

import datetime
import hashlib
import secrets
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from jiuzhu.accounts.actions import require, require_within
from jiuzhu.audit.actions import AuditAction
from jiuzhu.audit.services import record
from jiuzhu.core.errors import ActionRefused, InvalidInput
from jiuzhu.domain.findings import add_working_days
from jiuzhu.domain.identity import mask, ric_problem
from jiuzhu.domain.problems import Problem, Where
from jiuzhu.domain.purposes import Purpose
from jiuzhu.domain.reference_lists import ListKind, parse_list
from jiuzhu.domain.sampling import Outcome, draw, sample_size
from jiuzhu.ledger.models import Payout
from jiuzhu.monitoring.hooks import queue_run
from jiuzhu.monitoring.models import Finding
from jiuzhu.regions.models import Region

from .io import read_list
from .models import Complaint, ReferenceEntry, ReferenceList, Sample, SampleItem

DEFAULTS = {"complaint_days": 15}


def config() -> dict[str, Any]:
    """``JIUZHU_CARDS`` overrides the defaults (``complaint_days``: working days to answer a complaint)."""
    return {**DEFAULTS, **getattr(settings, "JIUZHU_CARDS", {})}


def _name(actor: Any) -> str:
    return str(getattr(actor, "username", "") or "system")


def _refuse(code: str, message: str, column: str = "") -> InvalidInput:
    return InvalidInput([Problem(code, message, Where(column=column))])


# --- reference lists ----------------------------------------------------------------------------------------


def do_import_list(
    *, actor: Any, region: Region, kind: ListKind, data: bytes, filename: str, ip: str = ""
) -> tuple[ReferenceList, bool]:
    """A new version of the (region, kind) list, all rows or none; (the list, whether it is new). The same
    file as the version in force changes nothing."""
    require(actor, "cards.lists")
    require_within(actor, region)
    table = read_list(data)
    records, problems = parse_list(table, kind)
    if problems:
        raise InvalidInput(problems)
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        current = (
            ReferenceList.objects.select_for_update()
            .filter(region=region, kind=kind.value, superseded_at__isnull=True)
            .first()
        )
        if current is not None and current.sha256 == digest:
            return current, False
        last = ReferenceList.objects.filter(region=region, kind=kind.value).aggregate(v=Max("version"))["v"]
        if current is not None:
            current.superseded_at = timezone.now()
            current.save(update_fields=["superseded_at"])
        listed = ReferenceList.objects.create(
            kind=kind.value,
            region=region,
            version=(last or 0) + 1,
            filename=filename[:200],
            sha256=digest,
            rows=len(records),
            imported_by=_name(actor),
        )
        ReferenceEntry.objects.bulk_create(
            (
                ReferenceEntry(
                    list=listed,
                    row_no=r.row,
                    per_name=r.per_name,
                    iden_no=r.iden_no,
                    start_ym=r.start_ym,
                    end_ym=r.end_ym,
                    start_date=r.start_date,
                    end_date=r.end_date,
                    purpose=r.purpose,
                    detail=r.detail,
                    doc_no=r.doc_no,
                    add_word=r.add_word,
                )
                for r in records
            ),
            batch_size=1000,
        )
        record(
            actor=actor,
            action=AuditAction.CARDS_LIST_IMPORT,
            entity=f"{region.name}{kind.label}第{listed.version}版",
            region_path=region.path,
            ip=ip,
            after={"file": filename, "sha256": digest, "rows": len(records), "kind": kind.value},
        )
        queue_run(region.pk, None, f"导入{kind.label} {filename}")
    return listed, True


@transaction.atomic
def reveal_id(*, actor: Any, obj: ReferenceEntry | SampleItem | Complaint, ip: str = "") -> str:
    """The full 证件号码 of one list row, sampled person or complaint, for a role that needs it; audited."""
    require(actor, "cards.reveal_id")
    region = obj.list.region if isinstance(obj, ReferenceEntry) else obj.region
    require_within(actor, region)
    record(
        actor=actor,
        action=AuditAction.CARDS_REVEAL_ID,
        entity=f"{type(obj).__name__} {obj.pk} {mask(obj.iden_no)}",
        region_path=region.path,
        ip=ip,
    )
    return obj.iden_no


@transaction.atomic
def record_full_export(*, actor: Any, sample: Sample, rows: int, ip: str = "") -> None:
    require(actor, "cards.reveal_id")
    require_within(actor, sample.region)
    record(
        actor=actor,
        action=AuditAction.CARDS_EXPORT_FULL,
        entity=str(sample),
        region_path=sample.region.path,
        ip=ip,
        after={"sample": sample.pk, "rows": rows},
    )


# --- verification by sampling -------------------------------------------------------------------------------


def population(region: Region, fiscal_year: int, pay_month: str, purpose: str) -> dict[str, dict[str, int]]:
    """purpose → person (证件号码) → the payout to ask about (the first of the person's in that month)."""
    payouts = Payout.objects.filter(region=region, fiscal_year=fiscal_year, pay_month=pay_month)
    if purpose:
        payouts = payouts.filter(purpose=purpose)
    strata: dict[str, dict[str, int]] = {}
    for p, iden_no, pk in payouts.values_list("purpose", "iden_no", "pk").order_by(
        "purpose", "iden_no", "pk"
    ):
        strata.setdefault(p, {}).setdefault(iden_no, pk)
    return strata


@transaction.atomic
def do_draw_sample(
    *,
    actor: Any,
    region: Region,
    fiscal_year: int,
    pay_month: str,
    purpose: str = "",
    confidence: int = 95,
    margin: Decimal = Decimal("0.05"),
    seed: int | None = None,
    ip: str = "",
) -> Sample:
    """Draw (or, with a recorded ``seed``, redraw) the sample of one county's month; stratified by purpose."""
    require(actor, "cards.verify")
    require_within(actor, region)
    if purpose and purpose not in {p.value for p in Purpose}:
        raise _refuse("BAD_PURPOSE", "支出方向无法识别", "支出方向")
    strata = population(region, fiscal_year, pay_month, purpose)
    total = sum(len(m) for m in strata.values())
    if total == 0:
        raise _refuse("EMPTY_POPULATION", f"{region.name}{fiscal_year}年{pay_month}月没有可抽取的发放记录")
    try:
        size = sample_size(total, confidence, margin)
    except ValueError as exc:
        raise _refuse("BAD_PARAMETER", str(exc)) from exc
    seed = secrets.randbelow(2**31) if seed is None else seed
    drawn = draw({p: list(m) for p, m in strata.items()}, size, seed)
    sample = Sample.objects.create(
        region=region,
        fiscal_year=fiscal_year,
        pay_month=pay_month,
        purpose=purpose,
        confidence=confidence,
        margin_bp=int(margin * 10000),
        population=total,
        size=size,
        seed=seed,
        drawn_by=_name(actor),
    )
    ids = [strata[p][iden_no] for p, people in drawn.items() for iden_no in people]
    SampleItem.objects.bulk_create(
        SampleItem(
            sample=sample,
            payout_id=d.pk,
            region=region,
            fiscal_year=fiscal_year,
            pay_month=pay_month,
            purpose=d.purpose,
            per_name=d.per_name,
            iden_no=d.iden_no,
            pay_cert_no=d.pay_cert_no,
            village_name=d.village_name or "",
            xpay_amt=d.xpay_amt,
        )
        for d in Payout.objects.filter(pk__in=ids).order_by("purpose", "iden_no")
    )
    record(
        actor=actor,
        action=AuditAction.CARDS_SAMPLE_DRAW,
        entity=str(sample),
        region_path=region.path,
        ip=ip,
        after={
            "population": total,
            "size": size,
            "seed": seed,
            "confidence": confidence,
            "margin": str(margin),
        },
    )
    return sample


def _rerun(region: Region, fiscal_year: int, rule: str, trigger: str) -> None:
    from jiuzhu.ledger.actors import SystemActor
    from jiuzhu.monitoring.services import do_run

    do_run(
        actor=SystemActor(username="system:cards"),
        fiscal_year=fiscal_year,
        region=region,
        rules=[rule],
        trigger=trigger,
    )


@transaction.atomic
def do_record_outcome(
    *,
    actor: Any,
    item: SampleItem,
    outcome: str,
    method: str,
    verifier: str,
    verified_on: datetime.date | None,
    note: str = "",
    ip: str = "",
) -> SampleItem:
    """One call's or visit's outcome; 未收到, 金额不符 and 查无此人 open a finding (``verification_failed``)."""
    require(actor, "cards.verify")
    item = SampleItem.objects.select_for_update().select_related("region", "sample").get(pk=item.pk)
    require_within(actor, item.region)
    problems = []
    if outcome not in {o.value for o in Outcome}:
        problems.append(Problem("REQUIRED", "请选择核查结果", Where(column="核查结果")))
    if method not in ("phone", "visit"):
        problems.append(Problem("REQUIRED", "请选择核查方式（电话或入户）", Where(column="核查方式")))
    if not verifier.strip():
        problems.append(Problem("REQUIRED", "请填写核查人", Where(column="核查人")))
    if verified_on is None or verified_on > timezone.localdate():
        problems.append(Problem("BAD_DATE", "请填写核查日期（不能晚于今天）", Where(column="核查日期")))
    if problems:
        raise InvalidInput(problems)
    before = item.outcome
    item.outcome, item.method, item.verifier = outcome, method, verifier.strip()[:64]
    item.verified_on, item.note, item.recorded_by = verified_on, note.strip()[:200], _name(actor)
    item.save()
    record(
        actor=actor,
        action=AuditAction.CARDS_VERIFY,
        entity=f"回访核查{item.sample_id} {mask(item.iden_no)}",
        region_path=item.region.path,
        ip=ip,
        before={"outcome": before},
        after={"outcome": outcome, "method": method, "verifier": item.verifier},
    )
    if Outcome(outcome).opens_finding or (before and Outcome(before).opens_finding):
        _rerun(item.region, item.fiscal_year, "verification_failed", f"回访核查 {item.sample_id}")
    return item


# --- complaints ---------------------------------------------------------------------------------------------


def due_on(received_on: datetime.date) -> datetime.date:
    holidays = [
        datetime.date.fromisoformat(h) for h in getattr(settings, "JIUZHU_MONITORING", {}).get("holidays", [])
    ]
    return add_working_days(received_on, int(config()["complaint_days"]), holidays)


@transaction.atomic
def do_create_complaint(
    *,
    actor: Any,
    region: Region,
    received_on: datetime.date,
    channel: str,
    complainant: str,
    content: str,
    contact: str = "",
    person_name: str = "",
    iden_no: str = "",
    pay_cert_no: str = "",
    ip: str = "",
) -> Complaint:
    """Record a complaint and assign it to the county responsible; its deadline counts working days."""
    require(actor, "cards.complaints")
    require_within(actor, region)
    problems = []
    if channel not in dict(Complaint.CHANNELS):
        problems.append(Problem("REQUIRED", "请选择投诉渠道", Where(column="渠道")))
    if not content.strip():
        problems.append(Problem("REQUIRED", "请填写反映内容", Where(column="反映内容")))
    iden_no = iden_no.strip().upper()
    if iden_no and (reason := ric_problem(iden_no)):
        problems.append(Problem("BAD_ID", f"证件号码无效：{reason}", Where(column="被反映人证件号码")))
    if received_on > timezone.localdate():
        problems.append(Problem("BAD_DATE", "收到日期不能晚于今天", Where(column="收到日期")))
    if problems:
        raise InvalidInput(problems)
    complaint = Complaint.objects.create(
        region=region,
        fiscal_year=received_on.year,
        received_on=received_on,
        channel=channel,
        complainant=complainant.strip()[:64] or "匿名",
        contact=contact.strip()[:64],
        content=content.strip(),
        person_name=person_name.strip()[:64],
        iden_no=iden_no,
        pay_cert_no=pay_cert_no.strip()[:64],
        due_on=due_on(received_on),
        created_by=_name(actor),
    )
    record(
        actor=actor,
        action=AuditAction.CARDS_COMPLAINT_CREATE,
        entity=f"投诉{complaint.pk}",
        region_path=region.path,
        ip=ip,
        after={"channel": channel, "due_on": complaint.due_on.isoformat(), "iden_no": mask(iden_no)},
    )
    _rerun(region, complaint.fiscal_year, "complaint_overdue", f"登记投诉{complaint.pk}")
    return complaint


@transaction.atomic
def do_reply_complaint(
    *, actor: Any, complaint: Complaint, reply: str, replied_on: datetime.date, ip: str = ""
) -> Complaint:
    require(actor, "cards.complaints")
    complaint = Complaint.objects.select_for_update().select_related("region").get(pk=complaint.pk)
    require_within(actor, complaint.region)
    if complaint.state != Complaint.OPEN:
        raise ActionRefused("该投诉举报已答复")
    if not reply.strip():
        raise _refuse("REQUIRED", "请填写答复内容", "答复内容")
    if replied_on < complaint.received_on or replied_on > timezone.localdate():
        raise _refuse("BAD_DATE", "答复日期应在收到日期和今天之间", "答复日期")
    complaint.state, complaint.reply = Complaint.REPLIED, reply.strip()
    complaint.replied_on, complaint.replied_by = replied_on, _name(actor)
    complaint.save()
    record(
        actor=actor,
        action=AuditAction.CARDS_COMPLAINT_REPLY,
        entity=f"投诉{complaint.pk}",
        region_path=complaint.region.path,
        ip=ip,
        after={"replied_on": replied_on.isoformat(), "late": replied_on > complaint.due_on},
    )
    _rerun(complaint.region, complaint.fiscal_year, "complaint_overdue", f"答复投诉{complaint.pk}")
    return complaint


@transaction.atomic
def do_link_finding(*, actor: Any, complaint: Complaint, finding: Finding, ip: str = "") -> Complaint:
    require(actor, "cards.complaints")
    require_within(actor, complaint.region)
    require_within(actor, finding.region)
    complaint.findings.add(finding)
    record(
        actor=actor,
        action=AuditAction.CARDS_COMPLAINT_LINK,
        entity=f"投诉{complaint.pk} 预警{finding.pk}",
        region_path=complaint.region.path,
        ip=ip,
    )
    return complaint
