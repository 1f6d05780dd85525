"""Helpers shared by the tests: a logged-in client, a draft plan, and the GET twins of POST-only matrix cases."""

from __future__ import annotations

import datetime
from typing import Any

from django.test import Client

BACKEND = "django.contrib.auth.backends.ModelBackend"


def log_in(client: Client, user: Any) -> Client:
    """``client`` (pytest-django's fixture, say) with ``user`` logged in (no password, no lockout bookkeeping)."""
    client.force_login(user, backend=BACKEND)
    return client


def logged_in(user: Any) -> Client:
    """A new test client with ``user`` logged in."""
    return log_in(Client(), user)


def draft_plan(
    actor: Any,
    *,
    doc_no: str,
    kind: str = "adjustment",
    title: str = "调整方案",
    doc_date: datetime.date = datetime.date(2022, 12, 1),
    issuer: Any = None,
    fund: Any = None,
) -> Any:
    """A new plan of the 2022 fund, drafted by ``actor`` for their own region unless ``issuer`` is given."""
    from jiuzhu.allocation import services
    from jiuzhu.funds.models import Fund

    return services.do_create_plan(
        actor=actor,
        fund=fund or Fund.objects.get(fiscal_year=2022),
        kind=kind,
        doc_no=doc_no,
        title=title,
        doc_date=doc_date,
        issuer=issuer or actor.region,
    )


def post_only(cases: list[Any]) -> list[Any]:
    """A POST-only view answers GET with 405 whoever asks; the POST cases carry the real expectation."""
    from urlmatrix import Case

    return [Case(label=f"{c.label} GET", kwargs=c.kwargs, expect=lambda w, u: 405) for c in cases] + cases
