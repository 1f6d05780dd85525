"""Checking a notice against the stored reference tables (regions, budget units, codes, tags)."""

from jiuzhu.domain.notice_check import CodeRef, Reference, check_notice
from jiuzhu.domain.problems import Problem
from jiuzhu.domain.regions import Level, normalise_name
from jiuzhu.funds.models import ClassificationCode, DirectFundTag
from jiuzhu.regions.models import BudgetUnit, load_history, load_tree

from .extract import extract_text


def stored_reference() -> Reference:
    tree = load_tree()
    prefectures = [n for n in tree if n.level is Level.PREFECTURE]
    issuer = prefectures[0] if len(prefectures) == 1 else next(iter(tree), None)
    return Reference(
        tree=tree,
        issuer_code=issuer.code if issuer else "",
        budget_units={
            normalise_name(u.name): u.region.code for u in BudgetUnit.objects.select_related("region")
        },
        codes={(c.fiscal_year, c.code): CodeRef(c.kind, c.name) for c in ClassificationCode.objects.all()},
        tags={t.code: t.name for t in DirectFundTag.objects.all()},
        history=load_history(),
    )


def check_text(text: str) -> list[Problem]:
    return check_notice(text, reference=stored_reference())


def check_file(data: bytes) -> list[Problem]:
    """Raises ExtractError (a Chinese message) for a file that cannot be read."""
    return check_text(extract_text(data))
