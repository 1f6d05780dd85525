"""Matrix cases for the 一卡通监管 pages (see tests/urlmatrix.py): a list, a sample and a complaint in two
counties and another prefecture, each with a name that must never show outside its area."""

import datetime
from decimal import Decimal
from typing import Any

from urlmatrix import Case, World, can, scoped_thing

PLACES = {"county_a": "654225", "county_b": "654221", "alt": "654300"}


def build_world(w: World) -> None:
    from jiuzhu.cards.models import Complaint, ReferenceEntry, ReferenceList, Sample, SampleItem
    from jiuzhu.domain.identity import with_check_digit
    from jiuzhu.regions.models import Region

    for place, code in PLACES.items():
        region = Region.objects.get(code=code)
        name = f"卡探针{place}"
        listed = ReferenceList.objects.create(
            kind="death",
            region=region,
            version=1,
            filename=f"{name}.csv",
            sha256="0" * 64,
            rows=1,
            imported_by="matrix",
        )
        entry = ReferenceEntry.objects.create(
            list=listed,
            row_no=2,
            per_name=name,
            iden_no=with_check_digit(f"{code}19500101001"),
            start_ym=202204,
        )
        sample = Sample.objects.create(
            region=region,
            fiscal_year=2022,
            pay_month="05",
            confidence=95,
            margin_bp=500,
            population=1,
            size=1,
            seed=1,
            drawn_by="matrix",
        )
        item = SampleItem.objects.create(
            sample=sample,
            payout_id=1,
            region=region,
            fiscal_year=2022,
            pay_month="05",
            purpose="dibao",
            per_name=name,
            iden_no=entry.iden_no,
            pay_cert_no="X",
            xpay_amt=Decimal(500),
        )
        complaint = Complaint.objects.create(
            region=region,
            fiscal_year=2022,
            received_on=datetime.date(2022, 5, 1),
            channel="phone",
            complainant="匿名",
            content=name,
            due_on=datetime.date(2022, 5, 20),
            created_by="matrix",
        )
        for kind, obj in (
            ("list", listed),
            ("entry", entry),
            ("sample", sample),
            ("item", item),
            ("complaint", complaint),
        ):
            w.add(f"{kind}_{place}", obj, region_path=region.path, markers=[name])


def _everyone(w: World, u: Any) -> int:
    return 200


def _write(action: str, place: str) -> Any:
    """A POST naming a region: 403 without the permission, 404 for a foreign region, else the redirect."""
    return scoped_thing(f"list_{place}", action, 302)


def _post_only(cases: list[Case]) -> list[Case]:
    return [Case(label=f"{c.label} GET", kwargs=c.kwargs, expect=lambda w, u: 405) for c in cases] + cases


def _region_data(place: str, **extra: str) -> Any:
    return lambda w: {"region": w[f"list_{place}"].region_id, **extra}


def _call_sheet_full(place: str) -> Any:
    def expect(w: World, u: Any) -> int:
        if not can(u, "cards.export"):
            return 403
        if not w.sees(u, f"sample_{place}"):
            return 404
        return 200 if can(u, "cards.reveal_id") else 403

    return expect


def _per_place(kind: str, action: str, status: int = 200, **case: Any) -> list[Case]:
    return [
        Case(
            label=p,
            kwargs=lambda w, p=p: {"pk": w[f"{kind}_{p}"].pk},
            expect=scoped_thing(f"{kind}_{p}", action, status),
            **case,
        )
        for p in PLACES
    ]


CASES: dict[str, list[Case]] = {
    "cards:index": [Case(expect=_everyone)],
    "cards:lists": [Case(expect=_everyone)],
    "cards:samples": [Case(expect=_everyone)],
    "cards:complaints": [Case(expect=_everyone)],
    "cards:list_detail": _per_place("list", "cards.view"),
    "cards:sample_detail": _per_place("sample", "cards.view"),
    "cards:complaint_detail": _per_place("complaint", "cards.view"),
    "cards:call_sheet": _per_place("sample", "cards.export")
    + [
        Case(
            label=f"{p} full",
            query="?full=1",
            kwargs=lambda w, p=p: {"pk": w[f"sample_{p}"].pk},
            expect=_call_sheet_full(p),
        )
        for p in PLACES
    ],
    "cards:reveal_entry": _post_only(_per_place("entry", "cards.reveal_id", 302, method="post")),
    "cards:record_outcome": _post_only(_per_place("item", "cards.verify", 302, method="post")),
    "cards:reply_complaint": _post_only(_per_place("complaint", "cards.complaints", 302, method="post")),
    "cards:import_list": _post_only(
        [
            Case(label=p, method="post", data=_region_data(p, kind="death"), expect=_write("cards.lists", p))
            for p in PLACES
        ]
    ),
    "cards:draw_sample": _post_only(
        [
            Case(
                label=p,
                method="post",
                data=_region_data(p, year="2022", month="05"),
                expect=_write("cards.verify", p),
            )
            for p in PLACES
        ]
    ),
    "cards:create_complaint": _post_only(
        [
            Case(
                label=p,
                method="post",
                data=_region_data(p, received_on="2022-05-01"),
                expect=_write("cards.complaints", p),
            )
            for p in PLACES
        ]
    ),
}
