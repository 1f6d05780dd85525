"""The year lock: once a year-end close is approved, nothing may change that year in the closed area.

``refuse_if_closed`` is the one guard; the services that change a year call it (see the report of issue 14).
"""

from typing import Any

from jiuzhu.core.errors import ActionRefused, InvalidInput
from jiuzhu.domain.problems import Problem, Where

from .models import ReviewStatus, YearClose


class YearClosed(InvalidInput, ActionRefused):
    """A change of a closed year: a problem for the validating callers (an import is rejected with it), a refusal
    for the others."""


def closing_of(*, fiscal_year: int, region: Any) -> YearClose | None:
    """The approved close of ``fiscal_year`` whose area holds ``region`` (the region or one above it)."""
    ancestors = [p for p in region.path.split("/") if p]
    return (
        YearClose.objects.filter(
            fiscal_year=fiscal_year, status=ReviewStatus.APPROVED, region__code__in=ancestors
        )
        .select_related("region")
        .first()
    )


def refuse_if_closed(*, fiscal_year: int | None, region: Any, what: str) -> None:
    """Refuses (every problem at once, as the callers' validation does) a change of ``what`` in a closed year."""
    if fiscal_year is None:
        return
    close = closing_of(fiscal_year=fiscal_year, region=region)
    if close is None:
        return
    raise YearClosed(
        [
            Problem(
                "YEAR_CLOSED",
                f"{fiscal_year}年度已于{close.region.name}年终结转（{close.doc_no}）后关账，"
                f"不能再{what}；如确需更正，请先办理重新开启年度",
                Where(entity=f"{fiscal_year}年度"),
                numbers={"fiscal_year": fiscal_year},
            )
        ]
    )
