"""Attachment 2, the 双监控 tables and the self-evaluation tables as PDF: HTML laid out by WeasyPrint, as the
notice and the monthly usage report are (``performance/print/*.html``, the notice's attachment fonts and grid).

The same figures as the XLSX exports (``exports``): the header amounts from the allocation, each decomposition
column's own value (blank: it takes the regional value), the reports and scores computed, never typed.
"""

from collections.abc import Sequence
from typing import Any

from django.template.loader import render_to_string

from jiuzhu.domain.targets import Indicator, grouped

from .evaluation import SelfEvaluation
from .exports import header_amounts
from .models import TargetColumn, TargetIndicator, TargetTable
from .overview import Overview
from .selectors import as_target_set, column_values


def _pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=render_to_string(template, context)).write_pdf())


def _header_spans(columns: int) -> tuple[int, int, int]:
    """The notice's split of the header rows after their label (3 | 2 | the rest), narrowed for few columns."""
    total = 3 + columns
    a = min(3, total - 2)
    b = min(2, total - a - 1)
    return a, b, total - a - b


def targets_pdf(table: TargetTable, columns: Sequence[TargetColumn] | None = None) -> bytes:
    """The whole table, or only ``columns`` of it (a county sees its own column beside the regional values)."""
    s = as_target_set(table)
    columns = list(table.columns.select_related("region")) if columns is None else list(columns)
    own = column_values(table)
    indicators = list(table.indicators.all())
    rows = [
        {
            "level1": ind.level1,
            "level2": ind.level2,
            "level3": ind.level3,
            "value": ind.value,
            "span1": span1,
            "span2": span2,
            "cells": [own.get((stored.pk, c.pk), "") for c in columns],
        }
        for stored, (ind, span1, span2) in zip(indicators, grouped(s.indicators), strict=True)
    ]
    amount, upper, local = header_amounts(table)
    a, b, c = _header_spans(len(columns))
    return _pdf(
        "performance/print/targets.html",
        {
            "s": s,
            "names": [str(c) for c in columns],
            "rows": rows,
            "amount": amount,
            "upper": upper,
            "local": local,
            "source": table.fund.source_label,
            "span_all": 3 + len(columns),
            "span_a": a,
            "span_b": b,
            "span_c": c,
        },
    )


def _merged(rows: Sequence[Any], of: Any) -> list[tuple[Any, int, int]]:
    """Each row with the row spans of its indicator's 一级 and 二级 labels, merged as in Attachment 2."""
    shown: list[TargetIndicator] = [of(r) for r in rows]
    spans = grouped(tuple(Indicator(i.level1, i.level2, i.level3, i.value) for i in shown))
    return [(r, span1, span2) for r, (_, span1, span2) in zip(rows, spans, strict=True)]


def monitoring_pdf(o: Overview) -> bytes:
    """The summary page, then each region's report on its own pages."""
    reports = [(v, _merged(v.rows, lambda r: r.completion.indicator)) for v in o.reports]
    return _pdf("performance/print/monitoring.html", {"o": o, "reports": reports})


def evaluation_pdf(table: TargetTable, evaluations: Sequence[SelfEvaluation]) -> bytes:
    merged = [(e, _merged(e.rows, lambda r: r.completion.indicator)) for e in evaluations]
    return _pdf("performance/print/evaluation.html", {"t": table, "evaluations": merged})
