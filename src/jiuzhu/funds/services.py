from typing import Any

from django.db import transaction

from jiuzhu.accounts.actions import require
from jiuzhu.accounts.actors import Actor
from jiuzhu.accounts.scoping import is_top_level
from jiuzhu.audit.actions import AuditAction
from jiuzhu.audit.services import record
from jiuzhu.core.errors import ActionRefused, InvalidInput
from jiuzhu.domain.classification import per_year, shipped
from jiuzhu.domain.problems import Problem, Where

from .models import ClassificationCode, DirectFundTag, Fund


def reference_data() -> dict[str, Any]:
    return shipped()


@transaction.atomic
def do_load_reference_codes() -> None:
    """Load the shipped codes, tags and funds; existing rows an administrator edited are left as they are."""
    data = reference_data()
    for c in per_year(data["codes"]):
        ClassificationCode.objects.get_or_create(
            fiscal_year=c.fiscal_year,
            code=c.code,
            defaults={"kind": c.kind, "name": c.name, "purpose": c.purpose},
        )
    for t in data["direct_fund_tags"]:
        DirectFundTag.objects.get_or_create(code=t["code"], defaults={"name": t["name"]})
    for f in data["funds"]:
        ensure_fund(f)


def ensure_fund(f: dict[str, Any]) -> Fund:
    """The fund of this name, year and level, created from the definition when missing (an existing one, which
    an administrator may have edited, is left as it is)."""
    fund, _ = Fund.objects.get_or_create(
        name=f["name"],
        fiscal_year=f["fiscal_year"],
        source_label=f["source_label"],
        defaults={
            "income_code": f["income_code"],
            "expenditure_codes": f["expenditure_codes"],
            "purposes": f["purposes"],
            "direct_fund_tag": DirectFundTag.objects.get(code=f["direct_fund_tag"]),
            "direct_fund_tag_label": f["direct_fund_tag_label"],
        },
    )
    return fund


@transaction.atomic
def do_save_code(
    *, actor: Actor, fiscal_year: int, code: str, kind: str, name: str, purpose: str = "", ip: str = ""
) -> ClassificationCode:
    """Add or rename a classification code of one year (the reference table is the administrator's)."""
    require(actor, "reference.manage")
    require_top_level(actor)
    problems = validate_code(fiscal_year=fiscal_year, code=code, kind=kind, name=name)
    if problems:
        raise InvalidInput(problems)
    existing = ClassificationCode.objects.filter(fiscal_year=fiscal_year, code=code).first()
    before = {"name": existing.name, "purpose": existing.purpose, "kind": existing.kind} if existing else None
    obj, _ = ClassificationCode.objects.update_or_create(
        fiscal_year=fiscal_year, code=code, defaults={"kind": kind, "name": name.strip(), "purpose": purpose}
    )
    record(
        actor=actor,
        action=AuditAction.REFERENCE_CODE,
        entity=f"{fiscal_year}/{code}",
        before=before,
        after={"name": obj.name, "purpose": obj.purpose, "kind": obj.kind},
        ip=ip,
    )
    return obj


def require_top_level(actor: Any) -> None:
    """Classification codes and funds are shared by every region: only the top level's administrators edit them."""
    if not may_edit_shared(actor):
        raise ActionRefused("分类科目和资金是各地区共用的基础数据，只能由最高一级的管理员修改")


def may_edit_shared(actor: Any) -> bool:
    return bool(actor.can("reference.manage")) and is_top_level(actor)


def validate_code(*, fiscal_year: int, code: str, kind: str, name: str) -> list[Problem]:
    """Income codes start with 1, expenditure (功能分类) codes with 2, 3, 5 or 7 digits (类/款/项); economic
    classification codes are 3 or 5 digits (类/款), 政府预算 starting with 5 and 部门预算 with 3."""
    problems = []
    if not (2000 <= fiscal_year <= 2100):
        problems.append(Problem("BAD_YEAR", f"年度“{fiscal_year}”无效", Where(column="年度")))
    if not code.isdigit() or len(code) not in (3, 5, 7):
        problems.append(
            Problem("BAD_CODE", f"科目编码“{code}”应为3、5或7位数字（类、款、项）", Where(column="科目编码"))
        )
    elif kind == ClassificationCode.INCOME and not code.startswith("1"):
        problems.append(Problem("BAD_CODE", f"收入分类科目“{code}”应以1开头", Where(column="科目编码")))
    elif kind == ClassificationCode.EXPENDITURE and not code.startswith("2"):
        problems.append(Problem("BAD_CODE", f"支出功能分类科目“{code}”应以2开头", Where(column="科目编码")))
    elif kind in (ClassificationCode.GOV_ECONOMIC, ClassificationCode.DEPT_ECONOMIC) and len(code) == 7:
        problems.append(
            Problem("BAD_CODE", f"经济分类科目“{code}”应为3或5位数字（类、款）", Where(column="科目编码"))
        )
    elif kind == ClassificationCode.GOV_ECONOMIC and not code.startswith("5"):
        problems.append(
            Problem("BAD_CODE", f"政府预算支出经济分类科目“{code}”应以5开头", Where(column="科目编码"))
        )
    elif kind == ClassificationCode.DEPT_ECONOMIC and not code.startswith("3"):
        problems.append(
            Problem("BAD_CODE", f"部门预算支出经济分类科目“{code}”应以3开头", Where(column="科目编码"))
        )
    if kind not in dict(ClassificationCode.KINDS):
        problems.append(Problem("BAD_KIND", f"科目类别“{kind}”无效", Where(column="类别")))
    if not name.strip():
        problems.append(Problem("BAD_NAME", "科目名称不能为空", Where(column="科目名称")))
    return problems
