"""The duplicate check against stored payouts, once the rows are loaded: does a stored row repeat the natural key
of a row just stored? Only other payout batches of the year and payouts without a batch (the demo's faults) can
hold one, and only in the file's months and purposes. No unique index holds this rule (it would cost seconds per
million rows loaded): the importer checks it, alone among the writers of payouts (``lock_payout_writers``;
SQLite has one writer anyway). The set operation itself is the database's (``Backend.any_stored_repeat``)."""

from typing import Any

from .base import Backend, Scope, Stored


def stored_scope(cursor: Any, scope: Scope) -> Stored | None:
    """The stored payouts that could repeat the batch's rows, or None when there are none.

    Written ``batch_id IS NULL`` as the partial index disb_not_imported is: SQLite uses a partial index only for
    the same expression."""
    batch_id, year = scope.batch_id, scope.year
    cursor.execute(
        """SELECT id FROM ledger_importbatch WHERE kind = 'payouts' AND status = 'done'
            AND fiscal_year = %s AND id <> %s""",
        [year, batch_id],
    )
    others = [r[0] for r in cursor.fetchall()]
    cursor.execute(
        "SELECT 1 FROM ledger_payout WHERE batch_id IS NULL AND fiscal_year = %s LIMIT 1",
        [year],
    )
    strays = cursor.fetchone() is not None
    if not others and not strays:
        return None
    within = [f"o.batch_id IN ({', '.join(['%s'] * len(others))})"] if others else []
    if strays:
        within.append("o.batch_id IS NULL")
    return Stored(
        where=f"o.fiscal_year = %s AND ({' OR '.join(within)})",
        params=[year, *others],
        months=sorted(scope.months),
        purposes=sorted(scope.purposes),
    )


def repeats_stored(cursor: Any, db: Backend, scope: Scope) -> bool:
    """Does a stored payout repeat the natural key of a row of the batch just loaded?"""
    stored = stored_scope(cursor, scope)
    return stored is not None and db.any_stored_repeat(cursor, scope, stored)
