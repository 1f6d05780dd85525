"""Check a notice's text: what a clerk typing it lets slip through.

The input is the notice as plain text, one line per paragraph or table row (see ``text``); the reference data
(regions with their history, budget units, codes of each year, direct-fund tags) comes in as a ``Reference``.
Each rule is a small function returning problems that name the line (``Where.row`` is the 1-based line).

Modules: ``text`` (lines, cells, numbers, dates), ``layout`` (the parts of a notice), ``tables`` (finding
tables and their columns), ``arithmetic`` (formulas, 小计, 合计), ``figures`` (the 正文's figures),
``names`` (regions), ``docnos`` (文号 and dates), ``codes`` (classification codes), ``structure`` (序号,
attachments, 版记).
"""

from collections.abc import Callable

from ..problems import Problem
from . import arithmetic, codes, docnos, figures, names, structure
from .layout import Parsed, parse
from .reference import CodeRef, Reference
from .tables import Table, find_tables

Rule = Callable[[Parsed, list[Table], Reference], list[Problem]]

RULES: tuple[Rule, ...] = (
    lambda p, t, r: docnos.document_number(p),
    lambda p, t, r: docnos.cited_documents(p),
    lambda p, t, r: figures.blank_figures(p, t),
    lambda p, t, r: figures.stated_totals(p, t),
    lambda p, t, r: figures.daxie_figures(p, t),
    lambda p, t, r: figures.parts_sum(p, t),
    lambda p, t, r: [x for table in t for x in arithmetic.table_problems(table)],
    lambda p, t, r: names.table_regions(t, r),
    lambda p, t, r: structure.sequence_order(p, t),
    names.region_names,
    lambda p, t, r: names.names_at_date(p, r),
    lambda p, t, r: docnos.dates(p),
    lambda p, t, r: structure.attachments(p),
    lambda p, t, r: structure.banji_position(p),
    lambda p, t, r: codes.classification_codes(p, r),
)


def check_notice(text: str, *, reference: Reference) -> list[Problem]:
    """Every finding over the notice's text, in line order."""
    parsed = parse(text)
    tables = find_tables(parsed.lines[parsed.start :])
    problems = [p for rule in RULES for p in rule(parsed, tables, reference)]
    return sorted(problems, key=lambda p: p.where.row or 0)


__all__ = ["RULES", "CodeRef", "Reference", "check_notice", "parse"]
