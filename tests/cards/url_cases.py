"""Matrix cases for the 一卡通监管 pages (see tests/urlmatrix.py): a list, a sample and a complaint in two
counties and another prefecture, each with a name that must never show outside its area."""

import datetime
from decimal import Decimal
from typing import Any

from helpers import post_only
from urlmatrix import Case, World, can, count_of, row_of, scoped_thing

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


def _region_data(place: str, **extra: str) -> Any:
    return lambda w: {"region": w[f"list_{place}"].region_id, **extra}


def _death_list(place: str) -> Any:
    """The form's fields and a one-row 死亡人员名单 of the place, a UTF-8 CSV with the template's titles (as
    tests/cards build them): a new version that supersedes the world's list."""

    def data(w: World) -> dict[str, Any]:
        from django.core.files.uploadedfile import SimpleUploadedFile

        from jiuzhu.domain.identity import with_check_digit

        iden_no = with_check_digit(f"{PLACES[place]}19500101002")
        text = f"姓名,证件号码,死亡日期,数据来源\r\n矩阵死亡,{iden_no},2022-03-01,民政殡葬\r\n"
        upload = SimpleUploadedFile("死亡人员名单.csv", text.encode("utf-8-sig"), content_type="text/csv")
        return {"region": w[f"list_{place}"].region_id, "kind": "death", "file": upload}

    return data


def _call_sheet_full(place: str) -> Any:
    def expect(w: World, u: Any) -> int:
        if not can(u, "cards.export"):
            return 403
        if not w.sees(u, f"sample_{place}"):
            return 404
        return 200 if can(u, "cards.reveal_id") else 403

    return expect


def _per_place(kind: str, action: str, status: int = 200, changes: bool = False, **case: Any) -> list[Case]:
    """One case per place's record; ``changes``: the POST changes that record (its row is the state)."""
    return [
        Case(
            label=p,
            kwargs=lambda w, p=p: {"pk": w[f"{kind}_{p}"].pk},
            expect=scoped_thing(f"{kind}_{p}", action, status),
            state=row_of(f"{kind}_{p}") if changes else None,
            **case,
        )
        for p in PLACES
    ]


#: A complete 核查结果 (已收到: no finding opens, so no rule re-runs) and a complete 答复.
OUTCOME = {"outcome": "received", "method": "phone", "verifier": "矩阵核查员", "verified_on": "2022-05-10"}
REPLY = {"reply": "经核实，该人员已于2022年4月停发", "replied_on": "2022-05-10"}
COMPLAINT = {"received_on": "2022-05-01", "channel": "hotline", "content": "反映有人冒领低保金"}


CASES: dict[str, list[Case]] = {
    "cards:index": [Case(expect=_everyone)],
    "cards:lists": [Case(expect=_everyone)],
    # a sample is drawn among a county's payouts to persons: 地区本级 pays none (its orphans are paid to the
    # 地区社会福利院), so the page offers the counties of the area only
    "cards:samples": [Case(expect=_everyone, region_levels=("county",))],
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
    "cards:reveal_entry": post_only(_per_place("entry", "cards.reveal_id", 302, method="post")),
    "cards:record_outcome": post_only(
        _per_place("item", "cards.verify", 302, changes=True, method="post", data=lambda w: OUTCOME)
    ),
    "cards:reply_complaint": post_only(
        _per_place("complaint", "cards.complaints", 302, changes=True, method="post", data=lambda w: REPLY)
    ),
    "cards:import_list": post_only(
        [
            Case(
                label=p,
                method="post",
                data=_death_list(p),
                expect=_write("cards.lists", p),
                state=row_of(f"list_{p}"),  # the version in force is superseded
            )
            for p in PLACES
        ]
    ),
    "cards:draw_sample": post_only(
        [
            Case(
                label=p,
                method="post",
                data=_region_data(p, year="2022", month="05"),
                expect=_write("cards.verify", p),
                state=count_of("cards.Sample"),
            )
            for p in PLACES
        ]
    ),
    "cards:create_complaint": post_only(
        [
            Case(
                label=p,
                method="post",
                data=_region_data(p, **COMPLAINT),
                expect=_write("cards.complaints", p),
                state=count_of("cards.Complaint"),
            )
            for p in PLACES
        ]
    ),
}
