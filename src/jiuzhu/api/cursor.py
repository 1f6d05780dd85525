"""Pagination by cursor, never by offset: each page is one index range scan, whatever its depth.

- ``keyset_page``: a table read in primary-key order (``id > last``), for the small tables and the lists.
- ``feed_page``: the change feed of payments and payouts. Their rows count only once their import batch is
  approved, and a batch may be approved long after a later one was imported, so the primary key alone would
  skip rows approved after a reader went past their ids. The feed therefore walks the approved batches in the
  order they were approved (``approved_at``, ``id``) and each batch's rows by id; rows without a batch (data
  that reached the ledger another way) come first. Approved rows are never changed or removed, so a cursor kept
  by the monitoring system stays valid: asking again later returns what was approved since, and nothing twice.

A cursor is opaque to the client (base64url of a small JSON list); a malformed one is a 422 problem.
"""

import base64
import binascii
import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

from .problems import ApiProblem

M = TypeVar("M", bound=Model)
MAX_LIMIT = 5000
DEFAULT_LIMIT = 200


@dataclass(frozen=True)
class Page:
    items: list[Any]
    next_cursor: str
    has_more: bool


def encode(state: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(state, separators=(",", ":")).encode()).decode().rstrip("=")


def decode(cursor: str | None, shape: tuple[type, ...]) -> list[Any] | None:
    if not cursor:
        return None
    try:
        state = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        state = None
    if not (
        isinstance(state, list)
        and len(state) == len(shape)
        and all(isinstance(v, t) and not isinstance(v, bool) for v, t in zip(state, shape, strict=True))
    ):
        raise ApiProblem(
            422,
            "bad_cursor",
            "游标无效，请使用上一页返回的 next_cursor",
            [{"parameter": "cursor", "code": "bad_cursor", "detail": "游标无效"}],
        )
    return state


def bounded(limit: int) -> int:
    return max(1, min(limit, MAX_LIMIT))


def keyset_page(queryset: QuerySet[M], cursor: str | None, limit: int, row: Callable[[M], Any]) -> Page:
    """Rows of ``queryset`` after the cursor's id, in id order."""
    state = decode(cursor, (int,))
    last = state[0] if state else 0
    limit = bounded(limit)
    rows = list(queryset.filter(pk__gt=last).order_by("pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    next_last = rows[-1].pk if rows else last
    return Page([row(r) for r in rows], encode([next_last]), more)


# --- the change feed --------------------------------------------------------------------------------------------
#: (stage, approved_at as ISO text, batch id, last row id); stage 0 = rows without a batch, 1 = approved batches.
_FEED = (int, str, int, int)


def feed_page(
    rows: QuerySet[M],
    batches: QuerySet[Any],
    cursor: str | None,
    limit: int,
    row: Callable[[M], Any],
    *,
    unbatched: bool,
) -> Page:
    """``rows`` (already scoped) in feed order; ``batches`` the approved batches they may belong to (scoped)."""
    limit = bounded(limit)
    state = decode(cursor, _FEED) or [0 if unbatched else 1, "", 0, 0]
    stage, at, batch_id, last = state
    out: list[M] = []
    if stage == 0:
        out = list(rows.filter(batch__isnull=True, pk__gt=last).order_by("pk")[: limit + 1])
        if len(out) > limit:
            out = out[:limit]
            return Page([row(r) for r in out], encode([0, "", 0, out[-1].pk]), True)
        stage, last = 1, 0
    batches = batches.order_by("approved_at", "pk")
    current = batches.filter(pk=batch_id).first() if batch_id else None
    while len(out) <= limit:
        if current is None:
            current = _next_batch(batches, at, batch_id)
            if current is None:
                break
            at, batch_id, last = current.approved_at.isoformat(), current.pk, 0
        want = limit + 1 - len(out)
        chunk = list(rows.filter(batch_id=current.pk, pk__gt=last).order_by("pk")[:want])
        out.extend(chunk)
        if len(chunk) < want:
            current = None
    more = len(out) > limit
    out = out[:limit]
    if out:
        in_batch = getattr(out[-1], "batch_id", None)
        if in_batch:  # continue inside the batch of the page's last row
            batch_id, last = in_batch, out[-1].pk
            at = batches.filter(pk=batch_id).values_list("approved_at", flat=True)[0].isoformat()
        else:  # every row without a batch was read: the batches come next, from the first
            at, batch_id, last = "", 0, 0
    return Page([row(r) for r in out], encode([stage, at, batch_id, last]), more)


def _next_batch(batches: QuerySet[Any], at: str, batch_id: int) -> Any:
    if not at:
        return batches.first()
    when = datetime.datetime.fromisoformat(at)
    return batches.filter(Q(approved_at__gt=when) | Q(approved_at=when, pk__gt=batch_id)).first()
