"""PostgreSQL's planner settings changed for the statements of a ``with`` block and put back after it.

For the few statements whose plan the planner cannot choose well (its statistics cannot know the rows just
loaded, or it costs index reads as if from disk): each use says why. Elsewhere (SQLite) nothing is changed."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection


@contextmanager
def planner_settings(cursor: Any, **values: str) -> Iterator[None]:
    """``values`` (e.g. ``enable_hashjoin="off"``) for the transaction's statements inside the block, then each
    setting's value before it. Not put back when the block raises: the transaction (or savepoint) that failed
    is rolled back, and its rollback undoes the settings too — a statement in it now would fail and hide the
    error."""
    if connection.vendor != "postgresql" or not values:
        yield
        return
    names = list(values)
    cursor.execute("SELECT " + ", ".join(["current_setting(%s)"] * len(names)), names)
    before = cursor.fetchone()
    for name, value in values.items():
        cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
    yield
    for name, value in zip(names, before, strict=True):
        cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
