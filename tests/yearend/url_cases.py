"""Matrix cases for the year-end pages (see tests/urlmatrix.py): the prefecture's 2022 close (submitted, no
lines), its 2023 close (approved, carrying a 2022 balance of 裕民县 into 2024: due for 收回, and a close that
may be reopened) and a 2024 收回 of the prefecture."""

import datetime
from decimal import Decimal
from typing import Any

from urlmatrix import Case, World, can, count_of, only_with, row_of

PREFECTURE = "/650000/654200/"
YUMIN = "/650000/654200/654225/"


def build_world(w: World) -> None:
    from jiuzhu.regions.models import Region
    from jiuzhu.yearend.models import Recovery, YearClose

    prefecture = Region.objects.get(code="654200")
    # stored directly: the other apps' worlds leave submissions waiting, which a real close refuses
    close = YearClose.objects.create(
        fiscal_year=2022, region=prefecture, doc_no="探针结转〔2023〕1号", created_by=w.users["dq_cz_jb"]
    )
    w.add("yearend_close", close, region_path=prefecture.path, markers=["探针结转〔2023〕1号"])
    _carried_twice(w, prefecture)
    recovery = Recovery.objects.create(
        fiscal_year=2024,
        region=prefecture,
        doc_no="探针收回〔2024〕1号",
        doc_date=datetime.date(2024, 3, 1),
        created_by=w.users["dq_cz_jb"],
    )
    w.add("yearend_recovery", recovery, region_path=prefecture.path, markers=["探针收回〔2024〕1号"])


def _carried_twice(w: World, prefecture: Any) -> None:
    """The 2023 close, approved, with one line: 裕民县's 2022 低保 balance carried into 2024, its second year."""
    from jiuzhu.ledger.models import Appropriation
    from jiuzhu.yearend.models import CarryoverLine, ReviewStatus, YearClose

    close = YearClose.objects.create(
        fiscal_year=2023,
        region=prefecture,
        doc_no="探针结转〔2024〕1号",
        status=ReviewStatus.APPROVED,
        created_by=w.users["dq_cz_jb"],
    )
    a = Appropriation.objects.filter(region__code="654225", fiscal_year=2022).order_by("bgt_id").first()
    assert a is not None, "the demo registers 裕民县's 2022 appropriations"
    CarryoverLine.objects.create(
        close=close,
        appropriation=a,
        region=a.region,
        fund=a.fund,
        from_year=2023,
        to_year=2024,
        source_year=2022,
        purpose=a.purpose,
        exp_func_code=a.exp_func_code,
        income_code=a.income_code,
        direct_fund_tag=a.direct_fund_tag,
        sup_bgt_doc_no="探针上级〔2022〕1号",
        cor_bgt_doc_no=a.cor_bgt_doc_no,
        amount=Decimal("1000.00"),
    )
    # the area's close: 裕民县 lists it (it carries its money), and every county under it is told its 文号 when
    # refused a change of the closed year (locks.refuse_if_closed, closing.close_refusal)
    w.add(
        "yearend_closed",
        close,
        region_path=prefecture.path,
        markers=["探针结转〔2024〕1号"],
        visible_to=lambda w, u: w.in_area(u, PREFECTURE) or (w.area(u) or "").startswith(PREFECTURE),
    )


def _everyone(w: World, u: Any) -> int:
    return 200


def _sees(name: str, status: int = 200) -> Any:
    return lambda w, u: status if w.sees(u, name) else 404


def _lists_closed(w: World, u: Any) -> bool:
    """Whose list of closes holds the approved 2023 close: its area's users and 裕民县's, whose money it carries."""
    return w.in_area(u, PREFECTURE) or w.in_area(u, YUMIN)


def _reopens(name: str, listed: Any = None) -> Any:
    """404 for a close the user does not list (``listed``; default: sees), 403 unless a checker of its area (a
    county lists the close above that carries its money, and may not reopen it), else the redirect."""

    def expect(w: World, u: Any) -> int:
        if not (listed(w, u) if listed else w.sees(u, name)):
            return 404
        return 302 if can(u, "yearend.approve") and w.in_area(u, PREFECTURE) else 403

    return expect


def _nothing_waits(w: World, u: Any) -> bool:
    """``Case.writes`` of a close: refused while an import of the area waits for review (its year unknown until
    approved, it holds every year) — the ledger's world leaves one of 裕民县's (tests/ledger/url_cases.py)."""
    return not w.in_area(u, w.things["batch_pending_a"].region_path)


def _above(path: str) -> Any:
    """``Case.writes``: the user's area holds ``path`` below its own region (收回 takes back what the regions
    below the maker's carried; a county has nothing below it)."""
    return lambda w, u: w.in_area(u, path) and w.area(u) != path


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
            data=lambda w: {"year": "2022", "doc_no": "探针结转〔2023〕2号"},
            expect=only_with("yearend.close", 302),
            # the prefecture's 2022 close waits for review: no year is closed twice, for the prefecture or a
            # county under it; the service refuses and the page says so
            writes=lambda w, u: False,
        ),
        Case(
            label="2024",
            method="post",
            data=lambda w: {"year": "2024", "doc_no": "探针结转〔2025〕1号"},
            expect=only_with("yearend.close", 302),
            state=count_of("yearend.YearClose"),
            writes=_nothing_waits,
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
            label="submitted",
            method="post",
            kwargs=lambda w: {"pk": w["yearend_close"].pk},
            data=lambda w: {"doc_no": "探针开启〔2023〕1号", "reason": "补登漏报的指标"},
            expect=_reopens("yearend_close"),
            state=row_of("yearend_close"),
            writes=lambda w, u: False,  # only an approved close can be reopened: the service refuses
        ),
        Case(
            label="approved",
            method="post",
            kwargs=lambda w: {"pk": w["yearend_closed"].pk},
            data=lambda w: {"doc_no": "探针开启〔2024〕1号", "reason": "补登漏报的指标"},
            expect=_reopens("yearend_closed", _lists_closed),
            state=row_of("yearend_closed"),
        ),
    ],
    "yearend:submit_recovery": [
        Case(label="GET", expect=lambda w, u: 405),
        Case(
            label="2024",
            method="post",
            data=lambda w: {"year": "2024", "doc_no": "探针收回〔2024〕2号"},
            expect=only_with("yearend.close", 302),
            state=count_of("yearend.Recovery"),
            writes=_above(YUMIN),
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
