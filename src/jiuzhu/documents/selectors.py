"""Reads for notices: a plan's template, and its rows for the notice (through the one scoping rule)."""

import json
from importlib import resources
from typing import Any

from django.db.models import QuerySet

from jiuzhu.allocation.models import Plan
from jiuzhu.allocation.selectors import visible_rows
from jiuzhu.domain.allocation import AdjustmentLine
from jiuzhu.funds.models import Fund

from .models import NoticeTemplate


def default_templates() -> list[dict[str, Any]]:
    """The shipped wording (that of 塔地财社〔2022〕82号), per fund name and kind."""
    text = resources.files("jiuzhu.data").joinpath("notice_templates.json").read_text(encoding="utf-8")
    return list(json.loads(text)["templates"])


def default_template(fund: Fund, kind: str) -> NoticeTemplate | None:
    """An unsaved template with the shipped wording for the fund and kind, or None when none is shipped."""
    raw = next((t for t in default_templates() if t["fund"] == fund.name and t["kind"] == kind), None)
    if raw is None:
        return None
    fields = {k: v for k, v in raw.items() if k not in ("fund", "kind", "issuers")}
    return NoticeTemplate(fund=fund, kind=kind, issuers="\n".join(raw["issuers"]), **fields)


def template_for(plan: Plan) -> NoticeTemplate | None:
    """The stored template of the plan's fund and kind, else the shipped default."""
    stored = NoticeTemplate.objects.filter(fund=plan.fund, kind=plan.kind).select_related("fund").first()
    return stored or default_template(plan.fund, plan.kind)


def templates() -> QuerySet[NoticeTemplate]:
    return NoticeTemplate.objects.select_related("fund", "updated_by")


def notice_lines(user: Any, plan: Plan) -> list[AdjustmentLine]:
    return [r.line() for r in visible_rows(user, plan)]
