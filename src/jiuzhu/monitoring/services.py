"""Writes of monitoring: a rule run reconciled with the stored findings, and each finding's transitions.

Every write is one transaction with one audit record (``audit.services.record``); each finding's step is also
kept in its own history (``FindingEvent``).
"""

import datetime
import time
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from jiuzhu.accounts.actions import require, require_within
from jiuzhu.audit.actions import AuditAction, action_of
from jiuzhu.audit.services import record
from jiuzhu.core.errors import ActionRefused, InvalidInput
from jiuzhu.domain.findings import (
    AUTO_RESOLVED_FROM,
    REOPENED_FROM,
    Severity,
    State,
    Transition,
    TransitionRefused,
    add_working_days,
    target,
)
from jiuzhu.domain.monitoring_rules import REGISTRY
from jiuzhu.domain.problems import Problem, Where
from jiuzhu.regions.models import Region

from . import engine
from .models import Finding, FindingEvent, Run
from .review import FP_SUBJECT


def _name(actor: Any) -> str:
    return str(getattr(actor, "username", "") or "system")


def due_date(severity: Severity, start: datetime.date) -> datetime.date:
    c = engine.config()
    holidays = [datetime.date.fromisoformat(h) for h in c["holidays"]]
    return add_working_days(start, int(c["deadline_days"][severity.value]), holidays)


def years_with_data() -> list[int]:
    from jiuzhu.ledger.models import Movement, Payment

    years = set(Movement.objects.values_list("fiscal_year", flat=True).distinct())
    years |= set(Payment.objects.values_list("fiscal_year", flat=True).distinct())
    return sorted(years)


def do_run(
    *,
    actor: Any,
    fiscal_year: int | None = None,
    region: Region | None = None,
    rules: Sequence[str] | None = None,
    trigger: str = "cli",
    today: datetime.date | None = None,
) -> list[Run]:
    """Run ``rules`` (all by default) over one year (every year with data by default) and the area of
    ``region`` (the actor's by default); one ``Run`` per year."""
    require(actor, "monitoring.run")
    region = region or actor.region
    require_within(actor, region)
    codes = list(rules or REGISTRY)
    unknown = [c for c in codes if c not in REGISTRY]
    if unknown:
        raise InvalidInput([Problem("UNKNOWN_RULE", f"未知的监控规则：{'、'.join(unknown)}", Where())])
    today = today or timezone.localdate()
    years = [fiscal_year] if fiscal_year else years_with_data()
    return [_run_year(actor, year, region, codes, trigger, today) for year in years]


@transaction.atomic
def _run_year(
    actor: Any, year: int, region: Region, codes: list[str], trigger: str, today: datetime.date
) -> Run:
    started = time.perf_counter()
    run = Run.objects.create(
        status=Run.RUNNING,
        trigger=trigger,
        fiscal_year=year,
        region=region,
        rules=codes,
        started_at=timezone.now(),
        started_by=_name(actor),
    )
    # a county (a region without regions below it) has a small share of the year's payouts: its run makes the
    # shared tables from its own people (the run after each approved monthly file)
    narrow = not Region.objects.filter(parent=region).exists()
    params = engine.Params(year=year, as_of=engine.as_of_for(year, today), path=region.path, narrow=narrow)
    hits: dict[tuple[str, str], engine.Hit] = {}
    results, _ = engine.evaluate_all(codes, params)
    for code, (found, ms) in results.items():
        run.per_rule[code] = {"rows": len(found), "ms": ms}
        hits.update({(code, h.key): h for h in found})
    counts = _reconcile(run, hits, codes, year, region, today)
    run.found, (run.created, run.reopened, run.resolved) = len(hits), counts
    run.status, run.finished_at = Run.DONE, timezone.now()
    run.duration_ms = int((time.perf_counter() - started) * 1000)
    run.save()
    record(
        actor=actor,
        action=AuditAction.MONITORING_RUN,
        entity=f"{year}年 {region.name}",
        region_path=region.path,
        after={
            "rules": len(codes),
            "found": run.found,
            "created": run.created,
            "reopened": run.reopened,
            "resolved": run.resolved,
            "trigger": trigger,
        },
    )
    return run


def _reconcile(
    run: Run,
    hits: dict[tuple[str, str], engine.Hit],
    codes: list[str],
    year: int,
    region: Region,
    today: datetime.date,
) -> tuple[int, int, int]:
    now = timezone.now()
    existing = {
        (f.rule, f.key): f
        for f in Finding.objects.filter(
            rule__in=codes, fiscal_year=year, region__path__startswith=region.path
        ).select_for_update()
    }
    fresh, events, changed = [], [], []
    reopened = resolved = 0
    for ident, hit in hits.items():
        finding = existing.get(ident)
        if finding is None:
            fresh.append(_new_finding(hit, run, now, today))
            continue
        finding.message, finding.data, finding.severity = hit.message, hit.data, hit.severity.value
        finding.last_seen_at, finding.last_run = now, run
        if State(finding.state) in REOPENED_FROM:
            events.append(_event(finding, Transition.REOPEN, State.PENDING, "system", run, "复查时重新发现"))
            finding.state, finding.closed_at = State.PENDING.value, None
            finding.reopen_count += 1
            finding.due_on = due_date(hit.severity, today)
            reopened += 1
        changed.append(finding)
    for ident, finding in existing.items():
        if ident not in hits and State(finding.state) in AUTO_RESOLVED_FROM:
            events.append(
                _event(finding, Transition.RESOLVE, State.RECTIFIED, "system", run, "复查时未再发现")
            )
            finding.state, finding.closed_at = State.RECTIFIED.value, now
            changed.append(finding)
            resolved += 1
    Finding.objects.bulk_create(fresh, batch_size=500)
    fields = ["message", "data", "severity", "last_seen_at", "last_run", "state", "closed_at"]
    Finding.objects.bulk_update(changed, [*fields, "reopen_count", "due_on"], batch_size=500)
    created_events = [
        FindingEvent(finding=f, transition="found", to_state=f.state, actor="system", run=run) for f in fresh
    ]
    FindingEvent.objects.bulk_create(created_events + events, batch_size=500)
    return len(fresh), reopened, resolved


def _new_finding(hit: engine.Hit, run: Run, now: datetime.datetime, today: datetime.date) -> Finding:
    return Finding(
        rule=hit.rule.code,
        key=hit.key,
        region_id=hit.region_id,
        fiscal_year=hit.fiscal_year,
        fund_id=hit.fund_id,
        purpose=hit.purpose,
        month=hit.month,
        severity=hit.severity.value,
        state=State.PENDING.value,
        message=hit.message,
        data=hit.data,
        first_seen_at=now,
        last_seen_at=now,
        last_run=run,
        due_on=due_date(hit.severity, today),
    )


def _event(
    finding: Finding, transition: Transition, to: State, actor: str, run: Run | None = None, note: str = ""
) -> FindingEvent:
    return FindingEvent(
        finding=finding,
        transition=transition.value,
        from_state=finding.state,
        to_state=to.value,
        actor=actor,
        note=note,
        run=run,
    )


# --- a clerk's and a checker's steps ------------------------------------------------------------------------


def _locked(finding: Finding, actor: Any) -> Finding:
    finding = Finding.objects.select_for_update().select_related("region").get(pk=finding.pk)
    require_within(actor, finding.region)
    return finding


def _step(
    actor: Any, finding: Finding, transition: Transition, note: str = "", ip: str = "", **fields: Any
) -> Finding:
    before = finding.state
    try:
        to = target(transition, State(finding.state), Severity(finding.severity))
    except TransitionRefused as exc:
        raise ActionRefused(str(exc)) from exc
    FindingEvent.objects.create(
        finding=finding,
        transition=transition.value,
        from_state=before,
        to_state=to.value,
        actor=_name(actor),
        note=note,
    )
    finding.state = to.value
    for name, value in fields.items():
        setattr(finding, name, value)
    if to in (State.CLOSED, State.FALSE_POSITIVE):
        finding.closed_at = timezone.now()
    finding.save()
    record(
        actor=actor,
        action=action_of(f"monitoring.{transition.value}"),
        entity=f"预警{finding.pk} {finding.get_rule_display()}",
        region_path=finding.region.path,
        ip=ip,
        before={"state": before},
        after={"state": to.value, "note": note, **{k: str(v) for k, v in fields.items()}},
    )
    return finding


def _required_text(value: str, column: str, message: str) -> str:
    if not value.strip():
        raise InvalidInput([Problem("REQUIRED", message, Where(column=column))])
    return value.strip()


@transaction.atomic
def do_confirm(*, actor: Any, finding: Finding, note: str = "", ip: str = "") -> Finding:
    require(actor, "monitoring.review")
    return _step(actor, _locked(finding, actor), Transition.CONFIRM, note, ip)


@transaction.atomic
def do_mark_false_positive(*, actor: Any, finding: Finding, reason: str, ip: str = "") -> Finding:
    """误报 with the reason; a 红 finding waits for a checker (a round of ``approvals``)."""
    require(actor, "monitoring.review")
    reason = _required_text(reason, "误报理由", "认定误报时必须填写理由")
    finding = _locked(finding, actor)
    finding = _step(actor, finding, Transition.FALSE_POSITIVE, reason, ip, reason=reason)
    if finding.state == State.FALSE_POSITIVE_REVIEW.value:
        from jiuzhu.approvals import services as approvals

        approvals.open_round(
            subject=FP_SUBJECT,
            object_id=finding.pk,
            actor=actor,
            region=finding.region,
            fund=finding.fund,
            amount=Decimal(0),
        )
    return finding


def do_approve_false_positive(*, actor: Any, finding: Finding, ip: str = "") -> Finding:
    """A checker other than the clerk who judged it confirms a 红 误报 (the review flow of ``approvals``)."""
    from jiuzhu.approvals import review

    review.approve(finding, actor, ip=ip, key=FP_SUBJECT)
    return Finding.objects.get(pk=finding.pk)


def do_return_false_positive(*, actor: Any, finding: Finding, reason: str, ip: str = "") -> Finding:
    from jiuzhu.approvals import review

    review.return_(finding, actor, reason=reason, ip=ip, key=FP_SUBJECT)
    return Finding.objects.get(pk=finding.pk)


@transaction.atomic
def do_rectify(
    *, actor: Any, finding: Finding, measure: str, promised_on: datetime.date | None, ip: str = ""
) -> Finding:
    require(actor, "monitoring.review")
    measure = _required_text(measure, "整改措施", "请填写整改措施")
    if promised_on is None:
        raise InvalidInput([Problem("REQUIRED", "请填写承诺完成日期", Where(column="承诺完成日期"))])
    finding = _locked(finding, actor)
    return _step(actor, finding, Transition.RECTIFY, measure, ip, measure=measure, promised_on=promised_on)


@transaction.atomic
def do_close(*, actor: Any, finding: Finding, note: str = "", ip: str = "") -> Finding:
    """销号 by a checker who did not take the finding's previous steps."""
    require(actor, "monitoring.check")
    finding = _locked(finding, actor)
    if FindingEvent.objects.filter(finding=finding, actor=_name(actor)).exists():
        raise ActionRefused("经办人不能为自己处理过的预警销号，请由另一位审核人员销号")
    return _step(actor, finding, Transition.CLOSE, note, ip)


def open_findings_q() -> Q:
    return Q(state__in=[s.value for s in State if s.is_open])
