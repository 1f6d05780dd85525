"""Matrix cases for the year-end pages (see tests/urlmatrix.py): the prefecture's 2022 close (submitted, no lines) and a 2024 收回 of the prefecture."""

import datetime
from typing import Any

from urlmatrix import Case, World, can, only_with

PREFECTURE = "/650000/654200/"


def build_world(w: World) -> None:
    from jiuzhu.regions.models import Region
    from jiuzhu.yearend.models import Recovery, YearClose

    prefecture = Region.objects.get(code="654200")
    # stored directly: the other apps' worlds leave submissions waiting, which a real close refuses
    close = YearClose.objects.create(
        fiscal_year=2022, region=prefecture, doc_no="探针结转〔2023〕1号", created_by=w.users["dq_cz_jb"]
    )
    w.add("yearend_close", close, region_path=prefecture.path, markers=["探针结转〔2023〕1号"])
    recovery = Recovery.objects.create(
        fiscal_year=2024,
        region=prefecture,
        doc_no="探针收回〔2024〕1号",
        doc_date=datetime.date(2024, 3, 1),
        created_by=w.users["dq_cz_jb"],
    )
    w.add("yearend_recovery", recovery, region_path=prefecture.path, markers=["探针收回〔2024〕1号"])


def _everyone(w: World, u: Any) -> int:
    return 200


def _sees(name: str, status: int = 200) -> Any:
    return lambda w, u: status if w.sees(u, name) else 404


def _reopens(w: World, u: Any) -> int:
    if not w.sees(u, "yearend_close"):
        return 404
    return 302 if can(u, "yearend.approve") else 403


def _proposes(w: World, u: Any) -> int:
    """A 财政 经办 without a 文号 gets the page again with the problem; anyone else 403."""
    return 200 if can(u, "allocation.edit") else 403


CASES: dict[str, list[Case]] = {
    "yearend:execution": [
        Case(expect=_everyone),
        Case(label="2022 as of 10-15", query="?year=2022&as_of=2022-10-15", expect=_everyone),
        Case(label="xlsx", query="?year=2022&format=xlsx", expect=_everyone),
    ],
    "yearend:closes": [Case(expect=_everyone), Case(label="2023", query="?year=2023", expect=_everyone)],
    "yearend:submit_close": [
        Case(label="GET", expect=lambda w, u: 405),
        Case(
            label="2022",
            method="post",
            data=lambda w: {"year": "2022"},
            expect=only_with("yearend.close", 302),
        ),
    ],
    "yearend:close": [
        Case(kwargs=lambda w: {"pk": w["yearend_close"].pk}, expect=_sees("yearend_close")),
        Case(
            label="xlsx",
            query="?format=xlsx",
            kwargs=lambda w: {"pk": w["yearend_close"].pk},
            expect=_sees("yearend_close"),
        ),
    ],
    "yearend:reopen": [
        Case(label="GET", kwargs=lambda w: {"pk": w["yearend_close"].pk}, expect=lambda w, u: 405),
        Case(
            method="post",
            kwargs=lambda w: {"pk": w["yearend_close"].pk},
            data=lambda w: {"doc_no": "探针", "reason": "探针"},
            expect=_reopens,
        ),
    ],
    "yearend:submit_recovery": [
        Case(label="GET", expect=lambda w, u: 405),
        Case(
            label="2023",
            method="post",
            data=lambda w: {"year": "2023"},
            expect=only_with("yearend.close", 302),
        ),
    ],
    "yearend:recovery": [
        Case(kwargs=lambda w: {"pk": w["yearend_recovery"].pk}, expect=_sees("yearend_recovery"))
    ],
    "yearend:propose": [
        Case(expect=_everyone),
        Case(label="as of 2022-10-15", query="?as_of=2022-10-15", expect=_everyone),
        Case(
            label="POST without 文号", method="post", data=lambda w: {"as_of": "2022-10-15"}, expect=_proposes
        ),
    ],
}
