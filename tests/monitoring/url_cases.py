"""Matrix cases for the monitoring pages (see tests/urlmatrix.py): findings in two counties and another
prefecture, each with a message that must never show outside its area."""

from typing import Any

from helpers import post_only
from urlmatrix import Case, World, only_with, scoped_thing

FINDINGS = {
    # name: (region code, a message that must stay inside that area)
    "finding_county_a": ("654225", "裕民-探针-预警"),
    "finding_county_b": ("654221", "额敏-探针-预警"),
    "finding_alt": ("654300", "阿勒泰-探针-预警"),
}


def build_world(w: World) -> None:
    from django.utils import timezone

    from jiuzhu.monitoring.models import Finding
    from jiuzhu.regions.models import Region

    now = timezone.now()
    for name, (code, message) in FINDINGS.items():
        region = Region.objects.get(code=code)
        finding = Finding.objects.create(
            rule="payout_duplicate",
            key=f"matrix-{name}",
            region=region,
            fiscal_year=2022,
            severity="yellow",
            message=message,
            data={"iden_no": "", "month": "05"},
            first_seen_at=now,
            last_seen_at=now,
        )
        w.add(name, finding, region_path=region.path, markers=[message])


def _everyone(w: World, u: Any) -> int:
    return 200


CASES: dict[str, list[Case]] = {
    "monitoring:dashboard": [
        Case(expect=_everyone),
        Case(label="2022", query="?year=2022", expect=_everyone),
    ],
    "monitoring:findings": [
        Case(expect=_everyone),
        Case(label="filtered", query="?year=2022&state=open&severity=yellow", expect=_everyone),
    ],
    "monitoring:export": [Case(expect=only_with("monitoring.export"))],
    "monitoring:rules": [Case(expect=_everyone)],
    "monitoring:detail": [
        Case(label=n, kwargs=lambda w, n=n: {"pk": w[n].pk}, expect=scoped_thing(n, "monitoring.view"))
        for n in FINDINGS
    ],
    "monitoring:act": post_only(
        [
            Case(
                label=n,
                method="post",
                kwargs=lambda w, n=n: {"pk": w[n].pk},
                data=lambda w: {"action": "confirm"},
                expect=scoped_thing(n, "monitoring.review", 302),
            )
            for n in FINDINGS
        ]
    ),
    "monitoring:run": post_only(
        [
            Case(
                label="run",
                method="post",
                data=lambda w: {"year": "2022"},
                expect=only_with("monitoring.run", 302),
            )
        ]
    ),
}
