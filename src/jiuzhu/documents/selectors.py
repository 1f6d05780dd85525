"""Reads for notices: a plan's template, and its rows for the notice (through the one scoping rule).

A template belongs to its issuer's region: a plan is worded by the template of its own issuer, fund and kind;
a user reads the templates of their area only (``accounts.scoping``).
"""

import json
from importlib import resources
from typing import Any

from django.db.models import QuerySet

from jiuzhu.accounts.scoping import scoped
from jiuzhu.allocation.models import Plan
from jiuzhu.allocation.selectors import visible_rows
from jiuzhu.domain.allocation import AdjustmentLine
from jiuzhu.funds.models import Fund
from jiuzhu.regions.models import Region

from .models import NoticeTemplate


def default_templates() -> list[dict[str, Any]]:
    """The shipped wording (that of 塔地财社〔2022〕82号), per issuing region, fund and kind."""
    text = resources.files("jiuzhu.data").joinpath("notice_templates.json").read_text(encoding="utf-8")
    return list(json.loads(text)["templates"])


def _shipped_for(raw: dict[str, Any], region: Region, fund: Fund, kind: str) -> bool:
    return bool(
        raw["region"] == region.code
        and raw["fund"] == fund.name
        and raw.get("source_label", fund.source_label) == fund.source_label
        and raw["kind"] == kind
    )


def _standard_for(region: Region, fund: Fund, kind: str) -> dict[str, Any] | None:
    """The standard wording for a fund the issuer has no shipped template for: the issuer's shipped wording of
    the same kind (that of 82号), its body already worded through {{ fund_name }}, {{ source }} and {{ tag }},
    with the level-bound titles adapted to the fund's level."""
    raw = next((t for t in default_templates() if t["region"] == region.code and t["kind"] == kind), None)
    if raw is None:
        return None
    shipped_level = raw.get("source_label", "自治区")
    adapted = {**raw, "fund": fund.name, "source_label": fund.source_label}
    if raw.get("feedback_title"):
        adapted["feedback_title"] = raw["feedback_title"].replace(shipped_level, fund.source_label, 1)
    return adapted


def default_template(region: Region, fund: Fund, kind: str) -> NoticeTemplate | None:
    """An unsaved template with the shipped wording for the issuer, fund and kind — or, for a fund with none
    shipped, the issuer's standard wording adapted to the fund (see ``_standard_for``); None when the issuer
    has no shipped wording at all (the shipped wording is 塔城地区's: another issuer's notice must not go out
    under its name)."""
    raw = next((t for t in default_templates() if _shipped_for(t, region, fund, kind)), None)
    raw = raw or _standard_for(region, fund, kind)
    if raw is None:
        return None
    fields = {k: v for k, v in raw.items() if k not in ("region", "fund", "source_label", "kind", "issuers")}
    return NoticeTemplate(region=region, fund=fund, kind=kind, issuers="\n".join(raw["issuers"]), **fields)


def stored_template(region: Region, fund: Fund, kind: str) -> NoticeTemplate | None:
    return (
        NoticeTemplate.objects.filter(region=region, fund=fund, kind=kind)
        .select_related("region", "fund")
        .first()
    )


def template_for(plan: Plan) -> NoticeTemplate | None:
    """The stored template of the plan's issuer, fund and kind, else the shipped default for that issuer."""
    return stored_template(plan.issuer, plan.fund, plan.kind) or default_template(
        plan.issuer, plan.fund, plan.kind
    )


def templates(user: Any) -> QuerySet[NoticeTemplate]:
    """The stored templates of the user's area."""
    return scoped(NoticeTemplate.objects.select_related("region", "fund", "updated_by"), user)


def notice_lines(user: Any, plan: Plan) -> list[AdjustmentLine]:
    return [r.line() for r in visible_rows(user, plan)]
