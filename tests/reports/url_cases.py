"""Matrix cases for the usage report pages (see tests/urlmatrix.py): reports of two counties, one submitted."""

from typing import Any

from urlmatrix import Case, World, can

REPORTS = {
    # name: (region code, maker, submitted?)
    "report_county_a": ("654225", "ymx_cz_jb", True),
    "report_county_b": ("654221", "ems_cz_jb", False),
}


def build_world(w: World) -> None:
    from jiuzhu.regions.models import Region
    from jiuzhu.reports import services

    for name, (code, maker, submit) in REPORTS.items():
        region = Region.objects.get(code=code)
        report = services.do_open_report(actor=w.users[maker], region=region, year=2022, month=11)
        if submit:
            report.lines.all().update(reason="探针原因", measures="探针措施", measures_due="2022-12-31")
            services.do_submit_report(actor=w.users[maker], report=report)
        w.add(name, report, region_path=region.path, markers=[])


def _everyone(w: World, u: Any) -> int:
    return 200


def _in_area(name: str, status: int = 200) -> Any:
    return lambda w, u: status if w.sees(u, name) else 404


def _fills(name: str) -> Any:
    """404 for a foreign report; 403 unless a 财政 经办 of the report's own region; else a redirect."""

    def expect(w: World, u: Any) -> int:
        if not w.sees(u, name):
            return 404
        return 302 if can(u, "reports.fill") and u.region_id == w[name].region_id else 403

    return expect


def _reviews(name: str) -> Any:
    """404 for a foreign report; 403 unless a 财政 审核 of the prefecture (塔城地区); else a redirect."""

    def expect(w: World, u: Any) -> int:
        if not w.sees(u, name):
            return 404
        return 302 if can(u, "reports.approve") and u.region.code == "654200" else 403

    return expect


def _opens(w: World, u: Any) -> int:
    return 302 if can(u, "reports.fill") else 403


CASES: dict[str, list[Case]] = {
    "reports:home": [Case(expect=_everyone), Case(label="2022-11", query="?month=2022-11", expect=_everyone)],
    "reports:open": [
        Case(label="GET", expect=lambda w, u: 405),
        Case(label="2022-12", method="post", data=lambda w: {"month": "2022-12"}, expect=_opens),
    ],
    "reports:detail": [
        Case(label=n, kwargs=lambda w, n=n: {"pk": w[n].pk}, expect=_in_area(n)) for n in REPORTS
    ],
    "reports:save": [
        Case(label=f"{n} GET", kwargs=lambda w, n=n: {"pk": w[n].pk}, expect=lambda w, u: 405)
        for n in REPORTS
    ]
    + [
        Case(
            label=n,
            method="post",
            kwargs=lambda w, n=n: {"pk": w[n].pk},
            expect=_fills(n),
            # a submitted report is not saved (the page says so): only a draft's save writes
            writes=lambda w, u, n=n: not REPORTS[n][2],
        )
        for n in REPORTS
    ],
    "reports:consolidated": [
        Case(expect=_everyone),
        Case(label="2022-11 filtered", query="?month=2022-11&status=submitted", expect=_everyone),
    ],
    # the PDF goes through the same view and scope; rendering it per user would cost the matrix seconds each
    "reports:export": [
        Case(label="xlsx", query="?month=2022-11", expect=_everyone),
    ],
}
