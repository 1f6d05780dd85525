"""文号 and dates: the notice's own 发文字号, the 文号 of the documents it cites, 成文日期 and 印发日期.

A 文号 in the wrong brackets is one finding: the web header's 发文字号 and the line under the title are the same
文号, and a cited 文号 is reported once however often it is cited.
"""

import re

from ..docno import DocNoError, parse_docno
from ..problems import Problem, Severity, Where
from .layout import PRINTED, Parsed
from .text import CJK, Line, WrittenDate, cn_date, find_date

CITED = re.compile(rf"(?P<no>[{CJK}]{{1,12}}\s*[〔\[【［(（]\s*\d{{4}}\s*[〕\]】］)）]\s*第?\s*\d*\s*号)")
_RULE = "六角括号〔〕、不编虚位、不加“第”字"


def _canonical_form(written: str) -> str | None:
    """The canonical 文号 when ``written`` is not in it (spaces are the page's, not the writer's)."""
    docno = parse_docno(written)
    return str(docno) if str(docno) != "".join(written.split()) else None


def document_number(parsed: Parsed) -> list[Problem]:
    """The 发文字号 parses and is written canonically (once, wherever it is written)."""
    line = parsed.docno_line
    text = parsed.docno_text
    if line is None and "docno" in parsed.meta:
        line, text = parsed.meta["docno"]
    if line is None:
        if parsed.meta:  # a web page that shows no 发文字号 (its 文号 field empty) may still have one
            return [
                Problem("DOCNO_MISSING", "网页未载明发文字号，无法核对文号", Where(row=1), Severity.WARNING)
            ]
        return [Problem("DOCNO_MISSING", "未找到发文字号（如：塔地财社〔2022〕82号）", Where(row=1))]
    try:
        canonical = _canonical_form(text)
    except DocNoError as exc:
        return [Problem("DOCNO_INVALID", str(exc), Where(row=line.number))]
    problems = []
    if canonical:
        problems.append(
            Problem(
                "DOCNO_FORM",
                f"发文字号应写作“{canonical}”（{_RULE}）",
                Where(row=line.number, entity=text),
                Severity.WARNING,
            )
        )
    problems += _header_agrees(parsed, text)
    return problems


def _header_agrees(parsed: Parsed, text: str) -> list[Problem]:
    """The web header's 发文字号 is the notice's."""
    if "docno" not in parsed.meta or parsed.docno_line is None:
        return []
    line, meta_text = parsed.meta["docno"]
    try:
        same = parse_docno(meta_text) == parse_docno(text)
    except DocNoError:
        same = False
    if same:
        return []
    return [
        Problem(
            "DOCNO_HEADER_MISMATCH",
            f"网页信息栏的发文字号“{meta_text}”与正文上方的“{text}”不一致",
            Where(row=line.number),
            Severity.WARNING,
        )
    ]


def cited_documents(parsed: Parsed) -> list[Problem]:
    """Each 文号 cited in the 正文 (《…》（新财社〔2018〕199号）) parses and is in canonical form."""
    problems = []
    own = "".join(parsed.docno_text.split())
    seen: set[str] = set()
    for line in parsed.body:
        if line is parsed.docno_line:
            continue
        for m in CITED.finditer(line.text):
            written = "".join(m["no"].split())
            written = _agency_start(written)
            if written in seen or written == own:
                continue
            seen.add(written)
            where = Where(row=line.number, entity=written)
            try:
                canonical = _canonical_form(written)
            except DocNoError as exc:
                problems.append(Problem("CITED_DOCNO_INVALID", f"引用的{exc}", where))
                continue
            if canonical:
                problems.append(
                    Problem(
                        "CITED_DOCNO_FORM",
                        f"引用的文号“{written}”应写作“{canonical}”（{_RULE}）",
                        where,
                        Severity.WARNING,
                        numbers={"written": written, "canonical": canonical},
                    )
                )
    return problems


_LEAD_WORDS = ("根据", "按照", "依据", "参照", "经", "和", "及", "与", "以")


def _agency_start(written: str) -> str:
    """Drop words the pattern took in front of the 机关代字 (按照新财社〔2018〕199号 → 新财社〔2018〕199号)."""
    stripped = True
    while stripped:
        stripped = False
        for word in _LEAD_WORDS:
            if written.startswith(word) and len(written) > len(word) + 8:
                written, stripped = written[len(word) :], True
    return written


def _date_form(found: WrittenDate, line: Line, what: str) -> list[Problem]:
    if found.value is None:
        return [Problem("DATE_INVALID", f"{what}“{found.text}”不是有效日期", Where(row=line.number))]
    if found.chinese:
        return [
            Problem(
                "DATE_FORM",
                f"{what}应使用阿拉伯数字，写作“{found.canonical}”（GB/T 9704—2012）",
                Where(row=line.number, entity=found.text),
                Severity.WARNING,
            )
        ]
    if found.padded:
        return [
            Problem(
                "DATE_FORM",
                f"{what}应写作“{found.canonical}”（不编虚位）",
                Where(row=line.number, entity=found.text),
                Severity.WARNING,
            )
        ]
    return []


def dates(parsed: Parsed) -> list[Problem]:
    """成文日期 present and valid; 印发日期 not before it; the 文号's year the 成文日期's year."""
    problems: list[Problem] = []
    signed = parsed.signed()
    from_header = signed is not None and "signed" in parsed.meta and signed[0] is parsed.meta["signed"][0]
    if signed is None:
        problems.append(Problem("SIGNED_DATE_MISSING", "未找到成文日期", Where(row=len(parsed.lines) or 1)))
    elif not from_header:  # the web page's own date format is not the notice's
        problems += _date_form(signed[1], signed[0], "成文日期")
    printed_line = next((x for x in parsed.lines if PRINTED.search(x.text)), None)
    printed = None
    if printed_line is None:
        if not parsed.meta:  # a web page does not carry the 版记
            problems.append(
                Problem(
                    "PRINTED_DATE_MISSING",
                    "未找到印发日期（版记应有“……印发”）",
                    Where(row=len(parsed.lines) or 1),
                    Severity.WARNING,
                )
            )
    else:
        found = find_date(PRINTED.search(printed_line.text).group())  # type: ignore[union-attr]
        if found:
            problems += _date_form(found, printed_line, "印发日期")
            printed = found.value
    signed_day = signed[1].value if signed else None
    if signed_day and printed and printed < signed_day and printed_line:
        problems.append(
            Problem(
                "PRINTED_BEFORE_SIGNED",
                f"印发日期{cn_date(printed)}早于成文日期{cn_date(signed_day)}",
                Where(row=printed_line.number),
                numbers={"signed": signed_day.isoformat(), "printed": printed.isoformat()},
            )
        )
    docno = parsed.docno
    if signed and signed_day and docno and docno.year != signed_day.year:
        problems.append(
            Problem(
                "DOCNO_YEAR",
                f"文号年份{docno.year}与成文日期{cn_date(signed_day)}的年份不一致",
                Where(row=signed[0].number),
                Severity.WARNING,
            )
        )
    return problems
