"""Codes quoted in the 正文: 政府收支分类科目 (收入分类, 支出功能分类) and the 经济分类 (政府预算 50901, 部门预算
30306), against the reference of the notice's year; 直达资金标识 against the tags.

A year whose codes are not loaded is checked against the nearest loaded year, with a warning saying so.
"""

import re

from ..problems import Problem, Severity, Where
from .layout import Parsed
from .reference import (
    DEPT_ECONOMIC,
    EXPENDITURE,
    GOV_ECONOMIC,
    INCOME,
    KIND_LABELS,
    CodeRef,
    Reference,
)
from .text import Line

_QUOTED_CODE = re.compile(r"“\s*(\d{7}|\d{5}|\d{3})(?!\d)\s*([^”]{0,40})”")
_TAG = re.compile(r"“\s*(\d{2})\s*([^”]{0,12}直达资金)\s*”")
_YEAR = re.compile(r"(\d{4})\s*年\s*(?:度\s*)?政府收支分类科目")
_KIND_WORD = re.compile(r"政府预算(?:支出)?经济分类|部门预算(?:支出)?经济分类|功能分类|功能科目|收入|支出")
_LEVEL_WORD = {3: "类", 5: "款", 7: "项"}


def _stated_kind(clause: str) -> str | None:
    words = [m.group() for m in _KIND_WORD.finditer(clause)]
    if not words:
        return None
    last = words[-1]
    if last.startswith("政府预算"):
        return GOV_ECONOMIC
    if last.startswith("部门预算"):
        return DEPT_ECONOMIC
    return INCOME if last == "收入" else EXPENDITURE


def _clause(text: str) -> str:
    """The text since the last sentence break (a list of quoted codes joined by 、 or nothing stays one)."""
    return re.split(r"[，。；,;]", text)[-1]


def _year(parsed: Parsed, line: Line, before: str) -> int | None:
    m = (
        list(_YEAR.finditer(before))
        or [m for x in parsed.body[: parsed.body.index(line)] for m in _YEAR.finditer(x.text)][-1:]
    )
    if m:
        return int(m[-1][1])
    if parsed.docno:
        return parsed.docno.year
    signed = parsed.signed()
    return signed[1].year if signed else None


def classification_codes(parsed: Parsed, ref: Reference) -> list[Problem]:
    problems: list[Problem] = []
    fallback_told: set[int] = set()
    for line in parsed.body:
        for m in _QUOTED_CODE.finditer(line.text):
            code, name = m[1], m[2].strip()
            year = _year(parsed, line, line.text[: m.start()])
            if year is not None and ref.codes:
                nearest = ref.nearest_code_year(year)
                if nearest is not None and nearest != year:
                    if year not in fallback_told:
                        fallback_told.add(year)
                        problems.append(_fallback(line, year, nearest))
                    year = nearest
            kind = _stated_kind(_clause(line.text[: m.start()]))
            problems += _code_problems(line, code, name, year=year, kind=kind, ref=ref)
        for m in _TAG.finditer(line.text):
            if ref.tags and m[1] not in ref.tags:
                problems.append(
                    Problem("UNKNOWN_TAG", f"直达资金标识“{m[1]}”不在参照表中", Where(row=line.number))
                )
    return problems


def _fallback(line: Line, year: int, nearest: int) -> Problem:
    return Problem(
        "CODE_YEAR_FALLBACK",
        f"参照表中没有{year}年的政府收支分类科目，已按最近的{nearest}年核对科目编码",
        Where(row=line.number),
        Severity.WARNING,
        numbers={"year": year, "used": nearest},
    )


def _code_problems(
    line: Line, code: str, name: str, *, year: int | None, kind: str | None, ref: Reference
) -> list[Problem]:
    matches = {y: c for (y, k), c in ref.codes.items() if k == code and (year is None or y == year)}
    where = Where(row=line.number, entity=code)
    if not matches:
        in_year = f"{year}年" if year else ""
        return [Problem("UNKNOWN_CODE", f"科目编码{code}不在{in_year}政府收支分类科目参照表中", where)]
    found: CodeRef = matches[max(matches)]
    problems = []
    if (
        kind
        and found.kind != kind
        and not (kind == EXPENDITURE and found.kind in (GOV_ECONOMIC, DEPT_ECONOMIC))
    ):
        problems.append(
            Problem(
                "CODE_KIND", f"{code}是{KIND_LABELS[found.kind]}科目，此处用作{KIND_LABELS[kind]}科目", where
            )
        )
    written = name.removeprefix(_LEVEL_WORD.get(len(code), "")).strip().removesuffix("科目").strip()
    if written and written != found.name:
        problems.append(
            Problem(
                "CODE_NAME",
                f"科目{code}的名称应为“{found.name}”，文中写作“{written}”",
                where,
                Severity.WARNING,
                numbers={"written": written, "reference": found.name},
            )
        )
    return problems
