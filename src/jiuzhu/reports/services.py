"""Every write of the usage reports: one transaction, one audit record, keyword-only arguments.

- ``do_open_report``: the reporting region's 财政 经办 opens the month's report (prefilled from the ledger).
- ``do_save_explanations``: the county's only input — per line the reason, the measures and their date.
- ``do_assign_appropriation``: the region's 财政 经办 names the budget unit that reports an appropriation.
- ``do_submit_report``: figures refreshed from the ledger, every lagging line explained, then the review round
  opens for the prefecture's checker (``review.UsageReportReview``), who accepts or returns it.
"""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jiuzhu.approvals.services import open_round
from jiuzhu.audit.actions import AuditAction
from jiuzhu.audit.services import record
from jiuzhu.core.errors import ActionRefused
from jiuzhu.domain.usage_report import is_lagging, to_fen
from jiuzhu.ledger.models import Appropriation
from jiuzhu.regions.models import BudgetUnit, Region

from .figures import ledger_lines, month_end
from .models import REPORT_STATES, ReportStatus, UnitAppropriation, UsageReport, UsageReportLine
from .selectors import incomplete_lagging

SUBJECT = "reports.monthly"


def lag_threshold() -> Decimal:
    return Decimal(str(getattr(settings, "JIUZHU_LAG_THRESHOLD_POINTS", 10)))


def due_date(year: int, month: int) -> datetime.date:
    """The month's last day, plus ``JIUZHU_USAGE_REPORT_DUE_DAYS``."""
    return month_end(year, month) + datetime.timedelta(days=int(settings.JIUZHU_USAGE_REPORT_DUE_DAYS))


def fill_refusal(actor: Any, report_region: Region | None, unit: BudgetUnit | None = None) -> str:
    """Only a 财政 经办 of the reporting region itself fills its report; a budget unit's report is filled by a
    民政 经办 of the unit's region (the unit's competent bureau)."""
    if not actor.can("reports.fill_unit" if unit is not None else "reports.fill"):
        return "您没有填报" + ("预算单位" if unit is not None else "") + "跟踪反馈表的权限"
    if report_region is None or actor.region_id != report_region.pk:
        return "只有本地区" + ("民政" if unit is not None else "财政") + "经办人员可以填报本地区的跟踪反馈表"
    if unit is not None and unit.region_id != report_region.pk:
        return "该预算单位不属于本地区"
    return ""


def _require_fill(actor: Any, report: UsageReport) -> None:
    refusal = fill_refusal(actor, report.region, report.unit)
    if refusal:
        raise ActionRefused(refusal)


def refresh(report: UsageReport) -> None:
    """Copy the ledger's figures into a draft or returned report's lines, keeping what was typed; a region's
    lines of its units take the units' own reasons and measures."""
    if not report.editable:
        raise ActionRefused("已报送或已审核的跟踪反馈表数据不再更新")
    existing = {(x.unit, x.fund_name, x.doc_no): x for x in report.lines.all()}
    explained = units_explanations(report)
    keep = set()
    for position, line in enumerate(ledger_lines(report.region, report.year, report.month, report.unit), 1):
        key = (line.unit, line.fund, line.doc_no)
        keep.add(key)
        row = existing.get(key) or UsageReportLine(
            report=report, unit=line.unit, doc_no=line.doc_no, fund_name=line.fund
        )
        row.position, row.amount, row.paid = position, line.amount, line.paid
        row.purposes = "、".join(line.purposes)
        row.lagging = is_lagging(line, report.month, lag_threshold())
        if line.unit and report.unit_id is None:
            row.reason, row.measures, row.measures_due = explained.get(key, ("", "", None))
        row.save()
    report.lines.filter(pk__in=[x.pk for k, x in existing.items() if k not in keep]).delete()


def units_explanations(report: UsageReport) -> dict[tuple[str, str, str], tuple[str, str, Any]]:
    """The reasons and measures of the region's units' reports of the month, by (unit, fund, 文号) (a draft
    region report's unit lines take them on refresh and show them meanwhile)."""
    if report.unit_id is not None:
        return {}
    rows = UsageReportLine.objects.filter(
        report__region=report.region, report__unit__isnull=False, report__year=report.year
    ).filter(report__month=report.month)
    # a unit's own lines carry the unit's name (``figures.ledger_parts``)
    return {(x.unit, x.fund_name, x.doc_no): (x.reason, x.measures, x.measures_due) for x in rows}


def units_not_accepted(report: UsageReport) -> list[str]:
    """The budget units with lines in a region's report whose own report of the month is not accepted."""
    if report.unit_id is not None:
        return []
    units = set(report.lines.exclude(unit="").values_list("unit", flat=True))
    accepted = set(
        UsageReport.objects.filter(
            region=report.region, year=report.year, month=report.month, status=ReportStatus.ACCEPTED
        )
        .exclude(unit=None)
        .values_list("unit__name", flat=True)
    )
    return sorted(units - accepted)


def facts(report: UsageReport) -> dict[str, Any]:
    lines = list(report.lines.all())
    return {
        "status": report.status,
        "period": report.period,
        "unit": report.unit.name if report.unit_id and report.unit else "",
        "amount_fen": sum(to_fen(x.amount) for x in lines),
        "paid_fen": sum(to_fen(x.paid) for x in lines),
        "lines": len(lines),
    }


@transaction.atomic
def do_open_report(
    *, actor: Any, region: Region, year: int, month: int, unit: BudgetUnit | None = None, ip: str = ""
) -> UsageReport:
    """The month's report of ``region`` (or of its budget ``unit``), created and prefilled on first opening."""
    refusal = fill_refusal(actor, region, unit)
    if refusal:
        raise ActionRefused(refusal)
    report, created = UsageReport.objects.get_or_create(
        region=region,
        unit=unit,
        year=year,
        month=month,
        defaults={"created_by": actor, "due_on": due_date(year, month)},
    )
    if report.editable:
        refresh(report)
    if created:
        record(
            actor=actor,
            action=AuditAction.REPORTS_OPEN,
            entity=f"{report.reporter} {report.period}",
            region_path=region.path,
            ip=ip,
            after=facts(report),
        )
    return report


@dataclass(frozen=True)
class Explanation:
    reason: str
    measures: str
    measures_due: datetime.date | None


@transaction.atomic
def do_save_explanations(
    *, actor: Any, report: UsageReport, explanations: dict[int, Explanation], ip: str = ""
) -> UsageReport:
    """Store the reasons and measures typed for the report's lines (keyed by line id)."""
    report = (
        UsageReport.objects.select_for_update(of=("self",)).select_related("region", "unit").get(pk=report.pk)
    )
    _require_fill(actor, report)
    if not report.editable:
        raise ActionRefused("只有草稿或已退回的跟踪反馈表可以修改")
    lines = {x.pk: x for x in report.lines.all()}
    first_day = datetime.date(report.year, report.month, 1)
    for pk, text in explanations.items():
        line = lines.get(pk)
        if line is None:
            raise ActionRefused("该行不属于本表")
        if text.measures_due is not None and text.measures_due < first_day:
            raise ActionRefused(
                f"{line.doc_no}：整改时间{text.measures_due:%Y年%-m月%-d日}早于本表所属月份，"
                f"应不早于{first_day:%Y年%-m月%-d日}"
            )
        line.reason, line.measures = text.reason.strip(), text.measures.strip()
        line.measures_due = text.measures_due
        line.save(update_fields=["reason", "measures", "measures_due"])
    record(
        actor=actor,
        action=AuditAction.REPORTS_EXPLAIN,
        entity=f"{report.reporter} {report.period}",
        region_path=report.region.path,
        ip=ip,
        after={"lines": sorted(explanations)},
    )
    return report


@transaction.atomic
def do_submit_report(*, actor: Any, report: UsageReport, ip: str = "") -> UsageReport:
    """Refresh the figures, refuse while a lagging line lacks its reason or measures, submit for review."""
    report = (
        UsageReport.objects.select_for_update(of=("self",)).select_related("region", "unit").get(pk=report.pk)
    )
    _require_fill(actor, report)
    before = report.status
    refresh(report)
    waiting_units = units_not_accepted(report)
    if waiting_units:
        raise ActionRefused(
            "以下预算单位本月的跟踪反馈表尚未审核通过，本地区的表暂不能报送：" + "、".join(waiting_units)
        )
    missing = list(incomplete_lagging(report).values_list("doc_no", flat=True))
    if missing:
        raise ActionRefused(
            f"支出进度低于时序进度超过{lag_threshold()}个百分点的行须填写原因、整改措施及整改时间："
            + "、".join(missing)
        )
    REPORT_STATES.move(report, ReportStatus.SUBMITTED)
    report.submitted_by, report.submitted_at = actor, timezone.now()
    report.save(update_fields=["status", "submitted_by", "submitted_at"])
    info = facts(report)
    open_round(
        subject=SUBJECT,
        object_id=report.pk,
        actor=actor,
        region=report.region,
        fund=None,
        amount=Decimal(info["amount_fen"]) / 100,
    )
    record(
        actor=actor,
        action=AuditAction.REPORTS_SUBMIT,
        entity=f"{report.reporter} {report.period}",
        region_path=report.region.path,
        ip=ip,
        before={"status": before},
        after=info,
    )
    return report


@transaction.atomic
def do_assign_appropriation(
    *, actor: Any, appropriation: Appropriation, unit: BudgetUnit | None, ip: str = ""
) -> None:
    """Name the budget unit of the appropriation's region that reports its spending (``None``: the region
    itself). Only draft or returned reports follow; a filed report keeps the lines it was filed with."""
    region = appropriation.region
    refusal = fill_refusal(actor, region)
    if refusal:
        raise ActionRefused(refusal)
    if unit is not None and unit.region_id != region.pk:
        raise ActionRefused("该预算单位不属于本地区")
    current = UnitAppropriation.objects.filter(appropriation=appropriation).first()
    before = current.unit.name if current else ""
    if unit is None:
        UnitAppropriation.objects.filter(appropriation=appropriation).delete()
    else:
        UnitAppropriation.objects.update_or_create(
            appropriation=appropriation, defaults={"unit": unit, "assigned_by": actor}
        )
    record(
        actor=actor,
        action=AuditAction.REPORTS_ASSIGN,
        entity=f"{region.short_name} {appropriation.bgt_id}",
        region_path=region.path,
        ip=ip,
        before={"unit": before},
        after={"unit": unit.name if unit else ""},
    )


@transaction.atomic
def do_add_budget_unit(*, actor: Any, region: Region, code: str, name: str, ip: str = "") -> BudgetUnit:
    """A budget unit of the region that is to report (a county's 民政局 or 社会福利院), added by the region's
    财政 经办. Its code is the region's six digits and three more (``654200101``), as the seed's units have.
    (Written here rather than in ``regions``: the usage report is the only page that adds units.)"""
    refusal = fill_refusal(actor, region)
    if refusal:
        raise ActionRefused(refusal)
    code, name = code.strip(), name.strip()
    if not re.fullmatch(rf"{region.code}\d{{3}}", code):
        raise ActionRefused(f"单位代码应为本地区代码{region.code}加三位数字，如{region.code}101")
    if not 2 <= len(name) <= 64:
        raise ActionRefused("请填写单位名称（2至64个字）")
    if BudgetUnit.objects.filter(code=code).exists():
        raise ActionRefused(f"单位代码{code}已被使用")
    if BudgetUnit.objects.filter(region=region, name=name).exists():
        raise ActionRefused(f"本地区已有预算单位“{name}”")
    unit = BudgetUnit.objects.create(code=code, name=name, region=region)
    record(
        actor=actor,
        action=AuditAction.REPORTS_ADD_UNIT,
        entity=f"{region.short_name} {name}",
        region_path=region.path,
        ip=ip,
        after={"code": code, "name": name},
    )
    return unit


def frozen_figures(report: UsageReport) -> dict[str, Any]:
    """The table as accepted: kept with the report, never recomputed."""
    return {
        "lines": [
            {
                "unit": x.unit,
                "doc_no": x.doc_no,
                "fund": x.fund_name,
                "amount_fen": to_fen(x.amount),
                "paid_fen": to_fen(x.paid),
                "purposes": x.purposes,
            }
            for x in report.lines.all()
        ]
    }
