"""Matrix cases for the performance pages (see tests/urlmatrix.py): the demo's 2022 target table of 塔城地区
(its counties see it through their columns; 裕民县 has not confirmed its column yet), two counties' 双监控
reports, and a draft table of a 中央 2022 fund made here, whose decomposition the prefecture still changes."""

from typing import Any

from helpers import post_only
from urlmatrix import Case, World, can, count_of

PREFECTURE = "/650000/654200/"
REPORTS = {"perf_report_ymx": "654225", "perf_report_ems": "654221"}


def _in_prefecture(w: World, u: Any) -> bool:
    area = w.area(u)
    return area is not None and (PREFECTURE.startswith(area) or area.startswith(PREFECTURE))


def build_world(w: World) -> None:
    from jiuzhu.performance.models import MonitoringReport, TargetTable

    table = TargetTable.objects.get(fund__source_label="自治区", fund__fiscal_year=2022)
    w.add("perf_table", table, region_path=PREFECTURE, markers=[], visible_to=_in_prefecture)
    # stored directly: the demo confirms every county's column; 裕民县's waits, so its confirmation is a write
    table.columns.filter(region__code=REPORTS["perf_report_ymx"]).update(confirmed_by=None, confirmed_at=None)
    for name, code in REPORTS.items():
        report = MonitoringReport.objects.get(table=table, region__code=code, through_month=7)
        w.add(name, report, region_path=report.region.path, markers=[])
    w.add("perf_draft", _draft_table(w, table), region_path=PREFECTURE, markers=[], visible_to=_in_prefecture)


def _draft_table(w: World, approved: Any) -> Any:
    """The prefecture's table of a second 2022 fund (中央), made from the shipped template and left a draft."""
    from jiuzhu.domain.targets import target_set_for
    from jiuzhu.funds.models import Fund
    from jiuzhu.performance import services

    fund = Fund.objects.get(pk=approved.fund_id)
    fund.pk, fund.source_label, fund.direct_fund_tag_label = None, "中央", "中央直达资金"
    fund.save()
    template = target_set_for(fund.name, 2022)
    assert template is not None
    return services.do_create_table(
        actor=w.users["dq_mz_jb"], fund=fund, region=approved.region, template=template
    )


def _sees(name: str, status: int = 200) -> Any:
    return lambda w, u: status if w.sees(u, name) else 404


def _with(action: str, then: Any, table: str = "perf_table") -> Any:
    def expect(w: World, u: Any) -> int:
        if not w.sees(u, table):
            return 404
        return then(w, u) if can(u, action) else 403

    return expect


def _confirms(w: World, u: Any) -> int:
    return 302 if u.region.level == "county" else 403  # the prefecture's own column is not confirmed


def _opens(w: World, u: Any) -> int:
    return 302  # a county's report, or 地区本级's own (地区社会福利院's column)


def _cell(value: str, table: str = "perf_table") -> Any:
    """The form's one cell: 裕民县's own 低保资金社会化发放率 (the regional value is ≥90%)."""

    def data(w: World) -> dict[str, str]:
        t = w[table]
        ind = t.indicators.get(level3="低保资金社会化发放率")
        col = t.columns.get(region__code=REPORTS["perf_report_ymx"])
        return {f"v-{ind.pk}-{col.pk}": value}

    return data


def _values(table: str) -> Any:
    """The table's own decomposition values (a ``Case.state``)."""

    def state(w: World) -> Any:
        from jiuzhu.performance.models import ColumnValue

        rows = ColumnValue.objects.filter(indicator__table=w[table]).order_by("pk")
        return list(rows.values_list("pk", "indicator_id", "column_id", "value"))

    return state


def _decomposes(w: World, u: Any) -> bool:
    """``Case.writes`` of the draft's values: only the issuing prefecture decomposes its table."""
    return bool(u.region_id == w["perf_draft"].region_id)


def _confirmations(w: World) -> Any:
    """Who confirmed each column of the table, and when (a ``Case.state``)."""
    return list(w["perf_table"].columns.order_by("pk").values_list("pk", "confirmed_by_id", "confirmed_at"))


def _unconfirmed(w: World, u: Any) -> bool:
    """``Case.writes`` of a confirmation: 额敏县 confirmed its column in the demo; confirming again is refused."""
    return bool(w["perf_table"].columns.filter(region=u.region, confirmed_at=None).exists())


def _not_opened(w: World, u: Any) -> bool:
    """``Case.writes`` of opening the 1—7月 report: a county whose report the demo opened is shown it again."""
    return not any(w[n].region_id == u.region_id for n in REPORTS)


def _fills(name: str) -> Any:
    def expect(w: World, u: Any) -> int:
        if not w.sees(u, name):
            return 404
        return 302 if can(u, "performance.monitor") and u.region_id == w[name].region_id else 403

    return expect


def _evaluation_of_emin(w: World, u: Any) -> int:
    return 200 if w.sees(u, "perf_table") and w.in_area(u, "/650000/654200/654221/") else 404


TABLE = lambda w: {"pk": w["perf_table"].pk}  # noqa: E731

CASES: dict[str, list[Case]] = {
    "performance:home": [Case(expect=lambda w, u: 200)],
    "performance:table": [Case(kwargs=TABLE, expect=_sees("perf_table"))],
    "performance:save_values": post_only(
        [
            Case(
                method="post",
                kwargs=TABLE,
                data=_cell("≥95%"),
                expect=_with("performance.edit", lambda w, u: 302),
                state=_values("perf_table"),
                # the demo's table is approved: its values are no longer changed (and a county never decomposes
                # the prefecture's table); the service refuses and the page says so
                writes=lambda w, u: False,
            ),
            Case(
                label="草稿",
                method="post",
                kwargs=lambda w: {"pk": w["perf_draft"].pk},
                data=_cell("≥95%", "perf_draft"),
                expect=_with("performance.edit", lambda w, u: 302, "perf_draft"),
                state=_values("perf_draft"),
                writes=_decomposes,
            ),
        ]
    ),
    "performance:confirm": post_only(
        [
            Case(
                method="post",
                kwargs=TABLE,
                expect=_with("performance.confirm", _confirms),
                state=_confirmations,
                writes=_unconfirmed,
            ),
        ]
    ),
    "performance:evaluation": [
        Case(kwargs=TABLE, expect=_sees("perf_table")),
        Case(label="额敏县", kwargs=TABLE, query="?region=654221", expect=_evaluation_of_emin),
    ],
    "performance:open_report": post_only(
        [
            Case(
                label=f"1—{month}月",
                method="post",
                kwargs=TABLE,
                data=lambda w, month=month: {"month": str(month)},
                expect=_with("performance.monitor", _opens),
                state=count_of("performance.MonitoringReport"),
                writes=writes,
            )
            for month, writes in ((7, _not_opened), (8, None))
        ]
    ),
    "performance:export": [
        Case(label="附件2", kwargs=TABLE, expect=_sees("perf_table")),
        Case(label="附件2 PDF", kwargs=TABLE, query="?format=pdf", expect=_sees("perf_table")),
        Case(
            label="双监控 PDF", kwargs=TABLE, query="?part=monitoring&format=pdf", expect=_sees("perf_table")
        ),
        Case(
            label="自评 额敏县",
            kwargs=TABLE,
            query="?part=evaluation&region=654221",
            expect=_evaluation_of_emin,
        ),
        Case(label="双监控", kwargs=TABLE, query="?part=monitoring&month=7", expect=_sees("perf_table")),
    ],
    "performance:monitoring": [
        Case(kwargs=TABLE, expect=_sees("perf_table")),
        Case(label="1—12月", kwargs=TABLE, query="?month=12", expect=_sees("perf_table")),
        Case(label="13月", kwargs=TABLE, query="?month=13", expect=_sees("perf_table", 404)),
    ],
    "performance:report": [
        Case(label=n, kwargs=lambda w, n=n: {"pk": w[n].pk}, expect=_sees(n)) for n in REPORTS
    ],
    "performance:save_report": post_only(
        [
            Case(label=n, method="post", kwargs=lambda w, n=n: {"pk": w[n].pk}, expect=_fills(n))
            for n in REPORTS
        ]
    ),
}
