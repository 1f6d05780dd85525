"""Matrix cases for the 公文 pages (see tests/urlmatrix.py); the plans come from tests/accounts/url_cases.py."""

from typing import Any

from urlmatrix import Case, World, can, row_of


def _notice(name: str) -> Any:
    """Who may download a plan's notice: the issuing area's staff who generate documents, once it is approved.
    A plan the user cannot see is 404; one they see but whose notice their role does not generate is 403."""

    def expect(w: World, u: Any) -> int:
        plan = w[name]
        if not w.sees(u, name):
            return 404
        if not can(u, "documents.generate"):
            return 403
        if not w.in_area(u, plan.issuer.path) or plan.status != "approved":
            return 302  # back to the plan's page with the reason
        return 200

    return expect


NOTICES = [
    ("seed_adjustment", "docx"),
    ("seed_adjustment", "pdf"),
    ("pref_submitted", "docx"),
    ("county_b", "docx"),
    ("alt_approved", "docx"),
]


#: Notice templates by issuer: the prefecture's shipped wording (loaded by the demo), a county's own, and
#: another prefecture's; each with text that must not reach anyone outside its issuer's area.
TEMPLATES = {
    "template_prefecture": ("654200", "塔城地区财政局办公室"),
    "template_county_a": ("654225", "矩阵裕民县印发机关"),
    "template_alt": ("654300", "矩阵阿勒泰印发机关"),
}


def build_world(w: World) -> None:
    from jiuzhu.documents.models import NoticeTemplate
    from jiuzhu.documents.selectors import default_template
    from jiuzhu.funds.models import Fund
    from jiuzhu.regions.models import Region

    fund = Fund.objects.get(fiscal_year=2022, source_label="自治区")
    prefecture = Region.objects.get(code="654200")
    for name, (code, printer) in TEMPLATES.items():
        region = Region.objects.get(code=code)
        template = NoticeTemplate.objects.filter(region=region, fund=fund, kind="adjustment").first()
        if template is None:
            template = default_template(prefecture, fund, "adjustment")
            assert template is not None
            template.region, template.printer = region, printer
            template.issuers = f"{region.name}财政局"
            template.save()
        assert template.printer == printer
        w.add(name, template, region_path=region.path, markers=[printer])


def _template(name: str) -> Any:
    """404 for an issuer outside the user's area; 403 in the area without the right to edit templates."""

    def expect(w: World, u: Any) -> int:
        if not w.sees(u, name):
            return 404
        return 200 if can(u, "documents.templates") else 403

    return expect


def _template_kwargs(name: str, kind: str) -> Any:
    return lambda w: {"region_id": w[name].region_id, "fund_id": w[name].fund_id, "kind": kind}


CASES: dict[str, list[Case]] = {
    "documents:home": [Case(expect=lambda w, u: 200 if can(u, "documents.view") else 404)],
    "documents:check": [Case(expect=lambda w, u: 200 if can(u, "documents.view") else 404)],
    "documents:notice": [
        Case(
            label=f"{name}.{fmt}",
            kwargs=lambda w, n=name, f=fmt: {"pk": w[n].pk, "fmt": f},
            expect=_notice(name),
        )
        for name, fmt in NOTICES
    ],
    "documents:template": [
        Case(label=f"{name} {kind}", kwargs=_template_kwargs(name, kind), expect=_template(name))
        for name in TEMPLATES
        for kind in ("allocation", "adjustment")
    ]
    + [
        # saving nothing: refused with every problem (200, nothing saved) for whoever may edit it
        Case(
            label=f"{name} save",
            method="post",
            kwargs=_template_kwargs(name, "adjustment"),
            data=lambda w: {"action": "save"},
            expect=_template(name),
            state=row_of(name),
        )
        for name in TEMPLATES
    ],
}
