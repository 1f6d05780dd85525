"""Matrix cases for the usage report pages (see tests/urlmatrix.py): reports of two counties, one submitted, and
a draft of 地区社会福利院 (the prefecture's budget unit, filled by its 民政 经办); 裕民县's appropriation and a unit
of 裕民县 for the page that names the appropriations a unit reports."""

from typing import Any

from urlmatrix import Case, World, can, count_of

REPORTS = {
    # name: (region code, maker, submitted?)
    "report_county_a": ("654225", "ymx_cz_jb", True),
    "report_county_b": ("654221", "ems_cz_jb", False),
}


UNIT_REPORTS = [*REPORTS, "report_unit_home"]


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
    _build_units(w)


def _build_units(w: World) -> None:
    from jiuzhu.ledger.models import Appropriation
    from jiuzhu.regions.models import BudgetUnit, Region
    from jiuzhu.reports import services

    prefecture = Region.objects.get(code="654200")
    home = BudgetUnit.objects.get(name="地区社会福利院")
    report = services.do_open_report(
        actor=w.users["dq_mz_jb"], region=prefecture, year=2022, month=11, unit=home
    )
    w.add("report_unit_home", report, region_path=prefecture.path, markers=[])
    yumin = Region.objects.get(code="654225")
    unit = BudgetUnit.objects.create(code="654225001", name="裕民县社会福利院", region=yumin)
    w.add("unit_yumin", unit, region_path=yumin.path, markers=[])
    a = Appropriation.objects.filter(region=yumin, fiscal_year=2022).order_by("bgt_id").first()
    assert a is not None, "the demo registers 裕民县's 2022 appropriations"
    w.add("appropriation_yumin", a, region_path=yumin.path, markers=[])


def _everyone(w: World, u: Any) -> int:
    return 200


def _in_area(name: str, status: int = 200) -> Any:
    return lambda w, u: status if w.sees(u, name) else 404


def _fills(name: str) -> Any:
    """404 for a foreign report; 403 unless a 财政 经办 of the report's own region (a unit's: its 民政 经办);
    else a redirect, or the page again with the refusal for a submitted report."""

    def expect(w: World, u: Any) -> int:
        if not w.sees(u, name):
            return 404
        action = "reports.fill_unit" if w[name].unit_id else "reports.fill"
        if not (can(u, action) and u.region_id == w[name].region_id):
            return 403
        submitted = REPORTS.get(name, ("", "", False))[2]
        return 200 if submitted else 302

    return expect


def _opens_unit(w: World, u: Any) -> int:
    """403 without the permission; 404 for a unit of another region; else a redirect to the new report."""
    if not can(u, "reports.fill_unit"):
        return 403
    return 302 if u.region.code == "654200" else 404


def _names_units(w: World, u: Any) -> int:
    return 200 if can(u, "reports.fill") else 403


def _assigns(w: World, u: Any) -> int:
    """Only a 财政 经办 of 裕民县 names its appropriation's unit; another region's finds no such appropriation."""
    if not can(u, "reports.fill"):
        return 403
    return 302 if u.region.code == "654225" else 404


def _adds_unit(w: World, u: Any) -> int:
    """A 财政 经办 of 裕民县 adds the unit; another region's sees its form again (the code is not its region's)."""
    if not can(u, "reports.fill"):
        return 403
    return 302 if u.region.code == "654225" else 200


def _unit_row(w: World) -> Any:
    from jiuzhu.reports.models import UnitAppropriation

    return UnitAppropriation.objects.filter(appropriation=w["appropriation_yumin"]).values("unit_id").first()


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
        Case(
            label="unit 2022-12",
            method="post",
            data=lambda w: {"month": "2022-12", "unit": "654200101"},
            expect=_opens_unit,
        ),
    ],
    "reports:detail": [
        Case(label=n, kwargs=lambda w, n=n: {"pk": w[n].pk}, expect=_in_area(n)) for n in UNIT_REPORTS
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
        )
        for n in UNIT_REPORTS
    ],
    "reports:consolidated": [
        Case(expect=_everyone),
        Case(label="2022-11 filtered", query="?month=2022-11&status=submitted", expect=_everyone),
    ],
    # the PDF goes through the same view and scope; rendering it per user would cost the matrix seconds each
    "reports:export": [
        Case(label="xlsx", query="?month=2022-11", expect=_everyone),
    ],
    "reports:units": [Case(expect=_names_units)],
    "reports:add_unit": [
        Case(label="GET", expect=lambda w, u: 405),
        Case(
            label="民政局",
            method="post",
            data=lambda w: {"code": "654225102", "name": "本县民政局"},
            expect=_adds_unit,
            state=count_of("regions.BudgetUnit"),
        ),
    ],
    "reports:assign": [
        Case(label="GET", expect=lambda w, u: 405),
        Case(
            label="裕民县社会福利院",
            method="post",
            data=lambda w: {"appropriation": w["appropriation_yumin"].pk, "unit": "654225001"},
            expect=_assigns,
            state=_unit_row,
        ),
    ],
}
