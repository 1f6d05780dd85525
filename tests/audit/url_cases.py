"""Matrix cases for the audit trail pages (see tests/urlmatrix.py)."""

from urlmatrix import Case, Count, World, only_with, scoped_thing

PROBES = {
    # name: (region path, entity text that must stay inside that area)
    "audit_county_a": ("/650000/654200/654225/", "探针记录-裕民-5521"),
    "audit_county_b": ("/650000/654200/654221/", "探针记录-额敏-7781"),
    "audit_prefecture": ("/650000/654200/", "探针记录-地区-3307"),
    "audit_alt": ("/650000/654300/", "探针记录-阿勒泰-9090"),
}


def build_world(w: World) -> None:
    from django.db import transaction

    from jiuzhu.audit.services import record

    for name, (path, entity) in PROBES.items():
        with transaction.atomic():
            rec = record(
                actor="matrix",
                action="matrix.probe",
                entity=entity,
                region_path=path,
                before={"amount": "1.00"},
                after={"amount": "2.00"},
                ip="10.0.0.1",
            )
        w.add(name, rec, region_path=path, markers=[entity])


CASES: dict[str, list[Case]] = {
    "audit:list": [
        Case(expect=only_with("audit.view")),
        Case(
            label="filtered",
            query="?action=matrix.probe&entity=探针",
            expect=only_with("audit.view"),
            counts=(Count(r"共 (\d+) 条", lambda w, u: sum(w.sees(u, n) for n in PROBES)),),
        ),
    ],
    "audit:detail": [
        Case(label=name, kwargs=lambda w, n=name: {"pk": w[n].pk}, expect=scoped_thing(name, "audit.view"))
        for name in PROBES
    ],
    "audit:export": [
        Case(label=fmt, kwargs=lambda w, f=fmt: {"fmt": f}, expect=only_with("audit.view"))
        for fmt in ("csv", "xlsx")
    ],
    # The chain's head (number, hash, count of the whole system) for the top level's audit bureau to keep; this
    # world has two prefectures and no province user, so no top level and nobody exports it
    # (tests/audit/test_anchor.py shows the top level's download).
    "audit:anchor": [Case(expect=lambda w, u: 403)],
}
