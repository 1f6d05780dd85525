"""Matrix cases for the 公文 pages (see tests/urlmatrix.py); the plans come from tests/accounts/url_cases.py."""

from typing import Any

from urlmatrix import Case, World, can


def _notice(name: str) -> Any:
    """Who may download a plan's notice: the issuing area's staff who generate documents, once it is approved."""

    def expect(w: World, u: Any) -> int:
        plan = w[name]
        if not can(u, "documents.generate") or not w.sees(u, name):
            return 404
        if not w.in_area(u, plan.issuer.path) or plan.status != "approved":
            return 302  # back to the plan's page with the reason
        return 200

    return expect


NOTICES = [
    ("seed_adjustment", "docx"),
    ("seed_adjustment", "pdf"),
    ("pref_submitted", "docx"),
    ("county_b", "docx"),
    ("alt_approved", "docx"),
]


def _fund(w: World) -> int:
    from jiuzhu.funds.models import Fund

    return Fund.objects.get(fiscal_year=2022).pk


CASES: dict[str, list[Case]] = {
    "documents:home": [Case(expect=lambda w, u: 200 if can(u, "documents.view") else 404)],
    "documents:check": [Case(expect=lambda w, u: 200 if can(u, "documents.view") else 404)],
    "documents:notice": [
        Case(
            label=f"{name}.{fmt}",
            kwargs=lambda w, n=name, f=fmt: {"pk": w[n].pk, "fmt": f},
            expect=_notice(name),
        )
        for name, fmt in NOTICES
    ],
    "documents:template": [
        Case(
            label=kind,
            kwargs=lambda w, k=kind: {"fund_id": _fund(w), "kind": k},
            expect=lambda w, u: 200 if can(u, "documents.templates") else 404,
        )
        for kind in ("allocation", "adjustment")
    ],
}
