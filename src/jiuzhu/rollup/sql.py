"""The monitoring rules' own SQL for another engine: parameters bound as literals, then sqlglot transpiles
PostgreSQL's text to Spark SQL. Nothing here is written by hand per rule; a rule that needs a different
fragment gets it from ``monitoring.queries.Dialect``.

sqlglot also reads which columns of which tables the rules use, so that an export carries those columns and
no others (a payout's name, village and remark stay home).
"""

import datetime
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.optimizer.qualify import qualify
from sqlglot.optimizer.scope import traverse_scope

from jiuzhu.monitoring.queries import BUILDERS, SHARED, Dialect, shared_for


def literal(value: Any) -> str:
    """A parameter as an SQL literal; only the types ``engine.Params`` produces."""
    if isinstance(value, bool) or value is None:
        raise TypeError(f"no literal for {value!r}")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime.date):
        return f"'{value.isoformat()}'"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"no literal for {value!r}")


def bound(code: str, vendor: str, params: Mapping[str, Any]) -> str:
    """The rule's text for ``vendor`` with its ``%(name)s`` parameters as literals (``%%`` becomes ``%``)."""
    return _bound(BUILDERS[code], vendor, params)


def bound_shared(name: str, vendor: str, params: Mapping[str, Any]) -> str:
    """A shared table's text (``queries.SHARED``, read by several rules) bound the same way."""
    return _bound(SHARED[name], vendor, params)


def _bound(builder: Callable[[Dialect], str], vendor: str, params: Mapping[str, Any]) -> str:
    return builder(Dialect(vendor)) % {k: literal(v) for k, v in params.items()}


def spark_sql(code: str, params: Mapping[str, Any]) -> str:
    """The rule transpiled from PostgreSQL to Spark SQL (kept: transpiling costs about as much as a small run)."""
    return _transpiled(code, tuple(sorted(params.items())))


@cache
def _transpiled(code: str, params: tuple[tuple[str, Any], ...]) -> str:
    return _to_spark(bound(code, "spark", dict(params)))


def spark_shared_sql(name: str, params: Mapping[str, Any]) -> str:
    return _to_spark(bound_shared(name, "spark", params))


def _to_spark(text: str) -> str:
    return sqlglot.parse_one(text, read="postgres").transform(_exact_int_div).sql(dialect="spark")


def _exact_int_div(node: exp.Expression) -> exp.Expression:
    """sqlglot writes PostgreSQL's ``DIV(a, b)`` (``Dialect.int_div``) as ``CAST(a DIV b AS DECIMAL)``: Spark's
    DECIMAL is (10, 0), too narrow for a 17-digit number, and ``a DIV b`` is already a BIGINT."""
    if isinstance(node, exp.Cast) and isinstance(node.this, exp.IntDiv):
        return node.this
    return node


def used_columns(
    codes: Iterable[str], schema: Mapping[str, Mapping[str, str]], params: Mapping[str, Any]
) -> dict[str, set[str]]:
    """Table → the columns the rules read of it (``SELECT p.*`` of a table reads all of them)."""
    codes = list(codes)
    texts = [bound(code, "postgresql", params) for code in codes]
    texts += [bound_shared(name, "postgresql", params) for name in shared_for(codes)]
    out: dict[str, set[str]] = {}
    for text in texts:
        for table, column in _columns_of(text, _frozen(schema)):
            out.setdefault(table, set()).add(column)
    return out


def _frozen(schema: Mapping[str, Mapping[str, str]]) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    return tuple((t, tuple(c.items())) for t, c in sorted(schema.items()))


@cache
def _columns_of(
    sql: str, schema: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
) -> frozenset[tuple[str, str]]:
    tree = qualify(
        sqlglot.parse_one(sql, read="postgres"),
        schema={t: dict(c) for t, c in schema},
        dialect="postgres",
        validate_qualify_columns=False,
    )
    found: set[tuple[str, str]] = set()
    for scope in traverse_scope(tree):
        for column in scope.columns:
            source = scope.sources.get(column.table)
            if isinstance(source, exp.Table):
                found.add((source.name, column.name))
    return frozenset(found)
