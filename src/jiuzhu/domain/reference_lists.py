"""Reference lists (比对名单) for the 一卡通 cross-checks: 死亡人员, 财政供养人员, 服刑人员 and a county's 停发名单.

A list is one uploaded table. Its columns are found by title (or element name) wherever they stand; a column the
kind does not know is refused, since a misnamed column would silently drop what the sender meant. Every row is
checked and every problem reported with its row and column; the importer stores nothing unless there is none.

Each row becomes a ``ReferenceRecord`` with the months it covers as ``yyyymm`` integers, so the SQL of the rules
compares plain integers on SQLite and PostgreSQL alike: a death bars payouts from the month after it; an
employment or a prison term bars the months from its start to its end (open when no end is given); a 停发
decision bars every month from the month it names.
"""

import datetime
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from .identity import mask, ric_problem
from .problems import Problem, Where
from .purposes import Purpose, purpose_from_label
from .tabular import Table, alias_index, cell_text, header_key, is_blank


class ListKind(StrEnum):
    DEATH = "death"
    EMPLOYEE = "employee"
    PRISON = "prison"
    STOP = "stop"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    ListKind.DEATH: "死亡人员名单",
    ListKind.EMPLOYEE: "财政供养人员名单",
    ListKind.PRISON: "服刑人员名单",
    ListKind.STOP: "停发名单",
}

COMMON: dict[str, tuple[str, ...]] = {
    "per_name": ("姓名",),
    "iden_no": ("证件号码", "身份证号码", "身份证号", "公民身份号码"),
    "add_word": ("备注",),
}
#: kind → element → accepted Chinese titles (the first is the one messages use).
COLUMNS: dict[ListKind, dict[str, tuple[str, ...]]] = {
    ListKind.DEATH: {**COMMON, "start_date": ("死亡日期", "火化日期"), "source": ("数据来源", "来源")},
    ListKind.EMPLOYEE: {
        **COMMON,
        "employer": ("工作单位", "单位名称", "供养单位"),
        "start_date": ("起始日期", "开始日期", "入职日期"),
        "end_date": ("终止日期", "结束日期", "离职日期"),
    },
    ListKind.PRISON: {
        **COMMON,
        "start_date": ("服刑起始日期", "收监日期"),
        "end_date": ("刑满日期", "释放日期"),
    },
    ListKind.STOP: {
        **COMMON,
        "purpose": ("支出方向", "救助类别"),
        "start_month": ("停发月份", "停发起始月份"),
        "reason": ("停发原因",),
        "doc_no": ("文号", "决定文号", "停发文号"),
    },
}
REQUIRED: dict[ListKind, tuple[str, ...]] = {
    ListKind.DEATH: ("per_name", "iden_no", "start_date"),
    ListKind.EMPLOYEE: ("per_name", "iden_no", "employer", "start_date"),
    ListKind.PRISON: ("per_name", "iden_no", "start_date"),
    ListKind.STOP: ("per_name", "iden_no", "start_month", "reason", "doc_no"),
}
MAX_TEXT = 200
#: Problems beyond this many are summed up in one line (the file is refused either way).
PROBLEM_CAP = 200

_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_COMPACT_MONTH = re.compile(r"^(\d{4})(\d{2})$")


@dataclass(frozen=True)
class ReferenceRecord:
    row: int
    """The spreadsheet row number."""
    per_name: str
    iden_no: str
    start_ym: int
    """The first barred month, ``yyyymm``."""
    end_ym: int | None
    """The last barred month, ``yyyymm``; None for no end."""
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    purpose: str = ""
    """A 停发 decision's purpose (empty: every purpose)."""
    detail: str = ""
    """The employer, the reason of a 停发, or the source of a death."""
    doc_no: str = ""
    add_word: str = ""


def ym(day: datetime.date) -> int:
    return day.year * 100 + day.month


def next_ym(value: int) -> int:
    year, month = divmod(value, 100)
    return (year + 1) * 100 + 1 if month == 12 else value + 1


def parse_date(value: object) -> datetime.date | None:
    """A cell as a date: a spreadsheet date, 2022-03-15, 2022/3/15, 2022年3月15日 or 20220315."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = cell_text(value)
    match = _DATE.match(text) or _COMPACT_DATE.match(text)
    if not match:
        return None
    try:
        return datetime.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def parse_month(value: object) -> int | None:
    """A cell as ``yyyymm``: 2022-06, 2022年6月, 202206, or any date (its month)."""
    day = parse_date(value)
    if day is not None:
        return ym(day)
    text = cell_text(value)
    match = _MONTH.match(text) or _COMPACT_MONTH.match(text)
    if match and 1 <= int(match.group(2)) <= 12 and 1900 <= int(match.group(1)) <= 2100:
        return int(match.group(1)) * 100 + int(match.group(2))
    return None


@dataclass(frozen=True)
class _Header:
    row_index: int
    positions: dict[str, int]
    titles: dict[str, str]


def _titles(kind: ListKind) -> dict[str, str]:
    return {element: titles[0] for element, titles in COLUMNS[kind].items()}


def find_header(table: Table, kind: ListKind) -> tuple[_Header | None, list[Problem]]:
    """The header row (the first of the top 5 naming every required column) and its unknown columns."""
    aliases = alias_index(COLUMNS[kind])
    for index, row in enumerate(table.rows[:5]):
        positions: dict[str, int] = {}
        titles: dict[str, str] = {}
        for position, cell in enumerate(row):
            element = aliases.get(header_key(cell))
            if element and element not in positions:
                positions[element] = position
                titles[element] = cell_text(cell).rstrip("*")
        if all(r in positions for r in REQUIRED[kind]):
            known = set(positions.values())
            unknown = [
                Problem(
                    "UNKNOWN_COLUMN",
                    f"{kind.label}没有“{cell_text(cell)}”这一列，请删除该列或改用规定的列名"
                    f"（{'、'.join(_titles(kind).values())}）",
                    Where(sheet=table.sheet, row=table.first_row + index, column=cell_text(cell)),
                )
                for position, cell in enumerate(row)
                if position not in known and cell_text(cell)
            ]
            return _Header(index, positions, titles), unknown
    names = "、".join(_titles(kind)[r] for r in REQUIRED[kind])
    return None, [
        Problem(
            "MISSING_COLUMNS",
            f"未找到表头：前5行中没有一行同时包含这些列：{names}",
            Where(sheet=table.sheet),
        )
    ]


def parse_list(table: Table, kind: ListKind) -> tuple[list[ReferenceRecord], list[Problem]]:
    """Every row of the list and every problem (in row order, at most ``PROBLEM_CAP`` then a summary)."""
    header, problems = find_header(table, kind)
    if header is None:
        return [], problems
    records: list[ReferenceRecord] = []
    seen: dict[tuple[str, int], int] = {}
    for index in range(header.row_index + 1, len(table.rows)):
        row = table.rows[index]
        if is_blank(row):
            continue
        number = table.first_row + index
        record, found = _parse_row(kind, header, row, number, table.sheet)
        problems += found
        if record is None:
            continue
        key = (record.iden_no, record.start_ym)
        if key in seen:
            problems.append(
                _problem(
                    "DUPLICATE_IN_FILE",
                    f"与第{seen[key]}行重复（同一证件号码和日期）",
                    table.sheet,
                    number,
                    _titles(kind)["iden_no"],
                )
            )
        seen.setdefault(key, number)
        records.append(record)
    if not records and not problems:
        problems.append(Problem("EMPTY_LIST", "名单中没有任何人员", Where(sheet=table.sheet)))
    return records, cap(problems)


def cap(problems: list[Problem]) -> list[Problem]:
    if len(problems) <= PROBLEM_CAP:
        return problems
    more = len(problems) - PROBLEM_CAP
    return [*problems[:PROBLEM_CAP], Problem("MORE", f"另有{more}处问题未逐条列出", numbers={"more": more})]


def _problem(code: str, message: str, sheet: str, row: int, column: str) -> Problem:
    return Problem(code, message, Where(sheet=sheet, row=row, column=column))


def _parse_row(
    kind: ListKind, header: _Header, row: Sequence[object], number: int, sheet: str
) -> tuple[ReferenceRecord | None, list[Problem]]:
    titles = {**_titles(kind), **header.titles}

    def raw(element: str) -> object:
        position = header.positions.get(element)
        return row[position] if position is not None and position < len(row) else None

    def text(element: str) -> str:
        return cell_text(raw(element))

    problems: list[Problem] = []

    def bad(element: str, code: str, message: str) -> None:
        problems.append(_problem(code, message, sheet, number, titles[element]))

    for element in header.positions:
        if len(text(element)) > MAX_TEXT:
            bad(element, "TOO_LONG", f"内容超过{MAX_TEXT}个字")
    for element in REQUIRED[kind]:
        if not text(element):
            bad(element, "REQUIRED", "必填")
    iden_no = text("iden_no").upper()
    if iden_no and isinstance(raw("iden_no"), float):
        bad("iden_no", "ID_AS_NUMBER", "证件号码被存成了数字，请把该列设为文本后重新填写")
    elif iden_no and (reason := ric_problem(iden_no)):
        bad("iden_no", "BAD_ID", f"证件号码{mask(iden_no)}无效：{reason}")
    start, end, start_ym, end_ym = _span(kind, raw, text, bad)
    purpose = ""
    if kind is ListKind.STOP and text("purpose"):
        found = purpose_from_label(text("purpose"))
        if found is None:
            bad("purpose", "BAD_PURPOSE", f"支出方向“{text('purpose')}”无法识别")
        else:
            purpose = found.value
    if problems or start_ym is None:
        return None, problems
    detail = {"employee": "employer", "stop": "reason", "death": "source"}.get(kind.value, "")
    return ReferenceRecord(
        row=number,
        per_name=text("per_name"),
        iden_no=iden_no,
        start_ym=start_ym,
        end_ym=end_ym,
        start_date=start,
        end_date=end,
        purpose=purpose,
        detail=text(detail) if detail else "",
        doc_no=text("doc_no"),
        add_word=text("add_word"),
    ), []


def _span(
    kind: ListKind,
    raw: Callable[[str], object],
    text: Callable[[str], str],
    bad: Callable[[str, str, str], None],
) -> tuple[datetime.date | None, datetime.date | None, int | None, int | None]:
    """The row's dates and barred months; problems go to ``bad``."""
    if kind is ListKind.STOP:
        month = parse_month(raw("start_month"))
        if month is None and text("start_month"):
            bad("start_month", "BAD_MONTH", f"停发月份“{text('start_month')}”无法识别，请写成2022-06")
        return None, None, month, None
    start = parse_date(raw("start_date"))
    if start is None and text("start_date"):
        bad("start_date", "BAD_DATE", f"日期“{text('start_date')}”无法识别，请写成2022-03-15")
    if kind is ListKind.DEATH:
        return start, None, next_ym(ym(start)) if start else None, None
    end = parse_date(raw("end_date"))
    if end is None and text("end_date"):
        bad("end_date", "BAD_DATE", f"日期“{text('end_date')}”无法识别，请写成2022-03-15")
    if start and end and end < start:
        bad("end_date", "END_BEFORE_START", "终止日期早于起始日期")
    return start, end, ym(start) if start else None, ym(end) if end else None


def kind_of(value: str) -> ListKind | None:
    try:
        return ListKind(value)
    except ValueError:
        return next((k for k, label in KIND_LABELS.items() if label == value), None)


#: The columns of each kind's template, for the page that explains the upload.
def template_titles(kind: ListKind) -> list[str]:
    return list(_titles(kind).values())


PURPOSES_BARRED_FOR_EMPLOYEES = (Purpose.SUBSISTENCE.value, Purpose.EXTREME_POVERTY.value)


def describe(record: Mapping[str, object]) -> str:
    """A list row in a clerk's words (证件号码 masked)."""
    return f"{record.get('per_name', '')}（{mask(str(record.get('iden_no', '')))}）"
