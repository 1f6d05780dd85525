"""Matrix cases for the one review view pair (see tests/urlmatrix.py): every subject's world objects, each with
the expectations its own app states (plans: tests/accounts/url_cases.py; registrations and import batches:
tests/ledger/url_cases.py). A new subject of review adds its cases here."""

import importlib.util
import pathlib
from typing import Any

from helpers import post_only
from urlmatrix import Case, can, row_of

HERE = pathlib.Path(__file__).parent


def _load(app: str) -> Any:
    """An app's url_cases module, for its world names and expectations (its CASES and world stay its own)."""
    spec = importlib.util.spec_from_file_location(
        f"url_cases_{app}_for_approvals", HERE.parent / app / "url_cases.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


plans, ledger, reports = _load("accounts"), _load("ledger"), _load("reports")


def _reviews_plan(name: str) -> Any:
    """404 for a plan the user cannot see; 403 unless a checker of the issuing region itself (not an area above)
    and of the maker's department (``approvals.reviewer_refusal``, the ledger's rule too); else a redirect."""

    def expect(w: Any, u: Any) -> int:
        plan = w[name]
        if not w.sees(u, name):
            return 404
        if not can(u, "allocation.approve") or u.region_id != plan.issuer_id:
            return 403
        return 302 if u.department == plan.created_by.department else 403

    return expect


#: (subject key, world name, expectation, ``writes``: whether an allowed review changes the record — only one
#: that waits for review does; the others are refused with the reason)
SUBJECT_CASES: list[tuple[str, str, Any, Any]] = [
    *(("allocation.plan", n, _reviews_plan(n), plans._while("submitted")(n)) for n in plans.PLANS),
    *(("ledger.registration", n, ledger._reviews(n, "finance"), None) for n in ledger.REGISTRATIONS),
    *(("ledger.import", n, ledger._reviews_batch(n), ledger._batch_waits(n)) for n in ledger.BATCHES),
    *(
        ("reports.monthly", n, reports._reviews(n), lambda w, u, n=n: reports.REPORTS[n][2])
        for n in reports.REPORTS
    ),
]


def _cases(**extra: Any) -> list[Case]:
    cases = [
        Case(
            label=f"{key} {name}",
            method="post",
            kwargs=lambda w, key=key, name=name: {"subject": key, "pk": w[name].pk},
            expect=expect,
            state=row_of(name, subject=key),
            writes=writes,
            **extra,
        )
        for key, name, expect, writes in SUBJECT_CASES
    ]
    unknown = Case(
        label="unknown subject",
        method="post",
        kwargs=lambda w: {"subject": "nothing.here", "pk": 1},
        expect=lambda w, u: 404,
        **extra,
    )
    return post_only([*cases, unknown])


CASES: dict[str, list[Case]] = {
    "approvals:approve": _cases(),
    "approvals:return": _cases(data=lambda w: {"reason": "矩阵退回"}),
}
