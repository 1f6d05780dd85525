"""Every write to notice templates: one transaction, one audit record each, keyword-only arguments."""

from typing import Any

from django.db import transaction

from jiuzhu.accounts.actions import require, require_within
from jiuzhu.accounts.models import User
from jiuzhu.audit.actions import AuditAction
from jiuzhu.audit.services import record
from jiuzhu.core.errors import InvalidInput
from jiuzhu.domain.problems import Problem, Where
from jiuzhu.funds.models import ClassificationCode, Fund
from jiuzhu.regions.models import Region

from .models import NoticeTemplate
from .selectors import default_template, default_templates
from .templating import TemplateProblem, compile_body

#: The fields an administrator edits, with their labels for problems.
FIELDS = {
    "issuers": "发文机关",
    "mark_suffix": "发文机关标志后缀",
    "addressees": "主送机关",
    "body": "正文模板",
    "expenditure_code": "支出功能分类科目",
    "copy_to": "抄送机关",
    "printer": "印发机关",
    "feedback_title": "附件3标题",
    "feedback_notes": "附件3说明",
}


def _snapshot(template: NoticeTemplate) -> dict[str, Any]:
    return {name: getattr(template, name) for name in FIELDS}


def validate_template(template: NoticeTemplate) -> list[Problem]:
    """Every problem of a template at once: required parts, the body's syntax and variables, the code."""
    problems = []
    for name in ("issuers", "addressees", "body", "printer", "expenditure_code"):
        if not str(getattr(template, name)).strip():
            problems.append(Problem("REQUIRED", f"{FIELDS[name]}不能为空", Where(column=FIELDS[name])))
    try:
        compile_body(template.body)
    except TemplateProblem as exc:
        problems.append(Problem("TEMPLATE_SYNTAX", str(exc), Where(column=FIELDS["body"])))
    code = template.expenditure_code.strip()
    if (
        code
        and not ClassificationCode.objects.filter(
            fiscal_year=template.fund.fiscal_year, code=code, kind=ClassificationCode.EXPENDITURE
        ).exists()
    ):
        problems.append(
            Problem(
                "UNKNOWN_CODE",
                f"{code}不是{template.fund.fiscal_year}年的支出功能分类科目",
                Where(column=FIELDS["expenditure_code"]),
            )
        )
    if template.addressees.strip() and not template.addressees.strip().endswith("："):
        where = Where(column=FIELDS["addressees"])
        problems.append(Problem("ADDRESSEES_COLON", "主送机关应以全角冒号“：”结尾", where))
    if template.copy_to.strip() and not template.copy_to.strip().endswith("。"):
        problems.append(Problem("COPY_TO_STOP", "抄送机关应以句号“。”结尾", Where(column=FIELDS["copy_to"])))
    return problems


@transaction.atomic
def do_save_template(
    *, actor: User, region: Region, fund: Fund, kind: str, values: dict[str, str], ip: str = ""
) -> NoticeTemplate:
    """Create or update the template of one issuer (``region``), fund and kind; an administrator of that region
    or an area above it. Refuses with every problem, and then saves nothing."""
    require(actor, "documents.templates")
    require_within(actor, region)
    template = (
        NoticeTemplate.objects.select_for_update().filter(region=region, fund=fund, kind=kind).first()
        or default_template(region, fund, kind)
        or NoticeTemplate(region=region, fund=fund, kind=kind)
    )
    before = _snapshot(template) if template.pk else None
    for name in FIELDS:
        if name in values:
            setattr(template, name, values[name].replace("\r\n", "\n").strip())
    problems = validate_template(template)
    if problems:
        raise InvalidInput(problems)
    template.updated_by = actor
    template.save()
    record(
        actor=actor,
        action=AuditAction.DOCUMENTS_SAVE_TEMPLATE,
        entity=str(template),
        region_path=region.path,
        before=before,
        after=_snapshot(template),
        ip=ip,
    )
    return template


@transaction.atomic
def do_load_default_templates() -> int:
    """Store the shipped wording for its issuer and each matching fund that has none yet (the demo's step);
    returns how many."""
    created = 0
    for raw in default_templates():
        region = Region.objects.filter(code=raw["region"]).first()
        if region is None:
            continue
        for fund in Fund.objects.filter(name=raw["fund"]).order_by("fiscal_year", "pk"):
            kind = raw["kind"]
            if NoticeTemplate.objects.filter(region=region, fund=fund, kind=kind).exists():
                continue
            template = default_template(region, fund, kind)
            if template is None:
                continue
            template.save()
            record(
                actor="system",
                action=AuditAction.DOCUMENTS_LOAD_DEFAULT_TEMPLATE,
                entity=str(template),
                region_path=region.path,
                after=_snapshot(template),
            )
            created += 1
    return created
