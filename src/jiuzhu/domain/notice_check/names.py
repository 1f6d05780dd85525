"""Region names: unknown ones, one region under two names, and names not valid on the 成文日期.

The tables' name columns are checked when the table lists regions (most of its names are known regions or
budget units); a table of townships or units the reference does not hold is left alone.
"""

import datetime
import re
from collections.abc import Sequence

from ..problems import Problem, Severity, Where
from ..regions import normalise_name
from .layout import Parsed
from .reference import Reference, name_on, span_note
from .tables import Row, Table
from .text import CJK, Line, cn_date, number

_REGION_LIKE = re.compile(rf"^[{CJK}]{{2,12}}(县|市|区|州|旗)$")
_NOT_REGION = ("各县", "县市", "地州", "县级", "本级", "省级", "自治区", "地区")


def _region_rows(table: Table) -> list[Row]:
    return [r for r in table.rows if r.kind == "detail"]


def region_table(table: Table, ref: Reference) -> bool:
    names = _region_rows(table)
    known = [r for r in names if ref.is_known(r.name)]
    return bool(names) and len(known) * 2 >= len(names)


def table_regions(tables: Sequence[Table], ref: Reference) -> list[Problem]:
    """Each region table's names: known, within the issuer's area, each region once."""
    problems = []
    for table in tables:
        if not region_table(table, ref):
            continue
        seen: dict[str, Row] = {}
        for row in _region_rows(table):
            code = ref.resolve(row.name)
            where = Where(row=row.line.number, column="地区", entity=row.name)
            if code is None:
                problems.append(Problem("UNKNOWN_REGION", f"未知的地区名称“{row.name}”", where))
                continue
            if row.name in ref.budget_units or normalise_name(row.name) in ref.budget_units:
                continue
            if code in seen:
                first = seen[code]
                problems.append(
                    Problem(
                        "DUPLICATE_REGION",
                        f"{row.name}重复出现（已在第{first.line.number}行）",
                        where,
                        numbers={"first_line": first.line.number},
                    )
                )
                continue
            seen[code] = row
            if ref.issuer_code and not ref.tree.is_within(code, ref.issuer_code):
                issuer = ref.tree.find(ref.issuer_code)
                name = issuer.name if issuer else ref.issuer_code
                problems.append(
                    Problem("OUTSIDE_AREA", f"{row.name}不在发文机关（{name}）的管辖范围内", where)
                )
    return problems


def _mentions(parsed: Parsed, tables: Sequence[Table], ref: Reference) -> list[tuple[Line, str]]:
    """Names in the region tables' name column, and region-like or known names in other tables' cells."""
    mentions = [(r.line, r.name) for t in tables if region_table(t, ref) for r in _region_rows(t)]
    in_tables = {x.number for t in tables for x in [*(r.line for r in t.rows), *t.header]}
    for line in parsed.tail:
        if not line.is_table_row or line.number in in_tables:
            continue
        for cell in line.cells:
            name = normalise_name(cell)
            if not name or number(name) is not None:
                continue
            known = ref.tree.find(name) is not None or name in ref.budget_units or ref.spans_of(name)
            looks = _REGION_LIKE.match(name) and not name.startswith(_NOT_REGION) and not _fragment(name, ref)
            if known or looks:
                mentions.append((line, name))
    return mentions


def _fragment(name: str, ref: Reference) -> bool:
    """Part of a known name (a table header cell wrapped over two lines in PDF text: 和布克 / 赛尔县)."""
    known = [*(n for node in ref.tree for n in node.names), *ref.budget_units]
    return any(k != name and (k.endswith(name) or k.startswith(name)) for k in known)


def region_names(parsed: Parsed, tables: Sequence[Table], ref: Reference) -> list[Problem]:
    """Unknown names outside the tables' name column; one region under two names."""
    problems: list[Problem] = []
    first_form: dict[str, tuple[Line, str]] = {}
    reported: set[tuple[str, str]] = set()
    table_lines = {r.line.number for t in tables for r in t.rows}
    for line, name in _mentions(parsed, tables, ref):
        node = ref.tree.find(name) or (ref.tree.find(ref.resolve(name) or "") if ref.spans_of(name) else None)
        if node is None:
            if not ref.is_known(name) and line.number not in table_lines:
                problems.append(
                    Problem("UNKNOWN_REGION", f"未知的地区名称“{name}”", Where(row=line.number, entity=name))
                )
            continue
        seen = first_form.setdefault(node.code, (line, name))
        if seen[1] != name and (node.code, name) not in reported and not ref.spans_of(name):
            reported.add((node.code, name))
            problems.append(
                Problem(
                    "REGION_TWO_NAMES",
                    f"“{name}”与第{seen[0].number}行的“{seen[1]}”是同一地区（{node.name}），全文应统一写作"
                    f"“{node.short_name}”",
                    Where(row=line.number),
                    numbers={"first_line": seen[0].number, "code": node.code},
                )
            )
    return problems


def names_at_date(parsed: Parsed, ref: Reference) -> list[Problem]:
    """A former name (沙湾县) used after it changed is an error with the name of that day as the suggestion; a
    name used before it existed (沙湾市 in 2020) is a warning."""
    signed = parsed.signed()
    day = signed[1].value if signed else None
    if day is None or not ref.history:
        return []
    problems = []
    reported: set[str] = set()
    for line in parsed.lines[parsed.start :]:
        for span in ref.history:
            if span.name in reported or span.name not in line.text or span.valid_on(day):
                continue
            if not _standalone(line.text, span.name):
                continue
            reported.add(span.name)
            problems.append(_span_problem(line, span.name, span.region, day, ref, former=bool(span.valid_to)))
    return problems


def _standalone(text: str, name: str) -> bool:
    """The name as a word: not part of a longer name (塔城县 in 塔城县级…)."""
    for m in re.finditer(re.escape(name), text):
        after = text[m.end() : m.end() + 1]
        if after not in ("级",):
            return True
    return False


def _span_problem(
    line: Line, name: str, region: str, day: datetime.date, ref: Reference, *, former: bool
) -> Problem:
    then = name_on(ref, region, day)
    node = ref.tree.find(region)
    suggestion = then or (node.short_name if node else "")
    note = "；".join(span_note(s) for s in ref.spans_of(name) if span_note(s))
    if former:
        message = f"“{name}”在成文日期{cn_date(day)}已不再使用（{note}），应写作“{suggestion}”"
        severity = Severity.ERROR
    else:
        message = f"成文日期{cn_date(day)}时尚无“{name}”（{note}），当时的名称为“{suggestion}”"
        severity = Severity.WARNING
    return Problem(
        "REGION_NAME_OUTDATED" if former else "REGION_NAME_NOT_YET",
        message,
        Where(row=line.number, entity=name),
        severity,
        numbers={"suggested": suggestion, "date": day.isoformat()},
    )
