"""Matrix cases for the ledger pages (see tests/urlmatrix.py); plans come from tests/accounts/url_cases.py."""

from typing import Any

from urlmatrix import Case, World, can, row_of

BATCHES = {
    # name: (region code, a file name that must stay inside that area, maker, status)
    "batch_county_a": ("654225", "裕民-探针-发放.xlsx", "matrix", "failed"),
    "batch_county_b": ("654221", "额敏-探针-发放.xlsx", "matrix", "failed"),
    "batch_alt": ("654300", "阿勒泰-探针-发放.xlsx", "matrix", "failed"),
    # imported by 裕民县's finance maker, waiting for a finance checker of 裕民县
    "batch_pending_a": ("654225", "裕民-探针-待审.csv", "ymx_cz_jb", "done"),
}
#: Receipts not registered: the registration form's cases (the last receipt of each region).
MOVEMENTS = {"movement_county_a": "654225", "movement_county_b": "654221", "movement_alt": "654300"}
#: Registrations waiting for a checker: region, maker, the 本级文号 that must stay inside the area.
REGISTRATIONS = {
    "registration_county_a": ("654225", "ymx_cz_jb", "裕财社〔2022〕771号"),
    "registration_county_b": ("654221", "ems_cz_jb", "额财社〔2022〕772号"),
}


def build_world(w: World) -> None:
    from django.db import transaction

    from jiuzhu.approvals.services import open_round
    from jiuzhu.domain.ledger import RegistrationLine
    from jiuzhu.domain.purposes import Purpose
    from jiuzhu.ledger.models import ImportBatch, Movement
    from jiuzhu.ledger.services import IMPORT, do_register_receipt
    from jiuzhu.regions.models import Region

    for name, (code, filename, maker, status) in BATCHES.items():
        region = Region.objects.get(code=code)
        batch = ImportBatch.objects.create(
            kind=ImportBatch.PAYMENTS if status == "done" else ImportBatch.PAYOUTS,
            region=region,
            filename=filename,
            sha256=f"{hash(name) & 0xFFFF:064x}",
            size=1,
            stored_path="",
            status=status,
            review_status="submitted" if status == "done" else "",
            error="矩阵测试" if status == "failed" else "",
            created_by=maker,
        )
        if status == "done":
            with transaction.atomic():
                open_round(
                    subject=IMPORT,
                    object_id=batch.pk,
                    actor=w.users[maker],
                    region=region,
                    fund=None,
                    amount=0,
                )
        w.add(name, batch, region_path=region.path, markers=[filename])
    for name, (code, maker, doc_no) in REGISTRATIONS.items():
        movement = Movement.objects.filter(region__code=code, kind__in=["issue", "increase"]).order_by("id")[
            0
        ]
        registration, _ = do_register_receipt(
            actor=w.users[maker],
            movement=movement,
            cor_bgt_doc_no=doc_no,
            lines=[RegistrationLine("2082001", Purpose.TEMPORARY, movement.amount)],
        )
        w.add(name, registration, region_path=movement.region.path, markers=[doc_no])
    _build_payouts(w)
    for name, code in MOVEMENTS.items():
        movement = (
            Movement.objects.filter(region__code=code, registration__isnull=True).order_by("-id").first()
        )
        assert movement is not None, f"approving a plan books a receipt for {code}"
        w.add(name, movement, region_path=movement.region.path, markers=[])


#: A payout (no batch: as the demo's faults) per county, for the export: its full 证件号码 only in the export of
#: the region's own 经办 (``ledger.export_ids``); its masked form to whoever may see the region's ledger.
PAYOUTS = {
    "payout_county_a": ("654225", "65422519800101{:03d}"),
    "payout_county_b": ("654221", "65422119800101{:03d}"),
}


def _build_payouts(w: World) -> None:
    from decimal import Decimal

    from jiuzhu.domain.identity import mask, with_check_digit
    from jiuzhu.ledger.models import Payout
    from jiuzhu.regions.models import Region

    for n, (name, (code, pattern)) in enumerate(PAYOUTS.items(), start=900):
        region = Region.objects.get(code=code)
        iden = with_check_digit(pattern.format(n)[:17])
        Payout.objects.bulk_create(
            [
                Payout(
                    region=region, payment_id=0, batch=None, fiscal_year=2022, purpose="dibao", row_no=1,
                    pay_cert_no=f"矩阵凭证{code}", per_name=f"矩阵{code}", iden_type="10", iden_no=iden,
                    to_peop_family="1", pay_amt=Decimal(600), xpay_amt=Decimal(600), pay_month="11",
                )
            ]
        )  # fmt: skip
        w.add(f"{name}_full", iden, region_path=region.path, markers=[iden], visible_to=_full_ids_of(region))
        w.add(f"{name}_masked", iden, region_path=region.path, markers=[mask(iden)])


def _full_ids_of(region: Any) -> Any:
    return lambda w, u: can(u, "ledger.export_ids") and u.region_id == region.pk


def _everyone(w: World, u: Any) -> int:
    return 200


def _in_area(name: str, status: int = 200) -> Any:
    return lambda w, u: status if w.sees(u, name) else 404


def _region_of(obj: Any) -> Any:
    return obj.movement.region if hasattr(obj, "movement") else obj.region


def _registers(name: str) -> Any:
    """404 for a foreign receipt; 403 unless a 经办 who may register, of the receiving region itself."""

    def expect(w: World, u: Any) -> int:
        if not w.sees(u, name):
            return 404
        return 200 if can(u, "ledger.register") and u.region_id == w[name].region_id else 403

    return expect


def _reviews(name: str, department: str) -> Any:
    """404 for a foreign item; 403 unless a checker of its own region and of the maker's department (``""``:
    either); else the page redirects (with the result, or the service's reason for refusing)."""

    def expect(w: World, u: Any) -> int:
        if not w.sees(u, name):
            return 404
        if not can(u, "ledger.approve") or u.region_id != _region_of(w[name]).pk:
            return 403
        return 302 if department in ("", u.department) else 403

    return expect


def _reviews_batch(name: str) -> Any:
    maker = BATCHES[name][2]
    return lambda w, u: _reviews(name, w.users[maker].department if maker in w.users else "")(w, u)


def _batch_waits(name: str) -> Any:
    """Only a file imported and waiting is reviewed; a failed import's review is refused with the reason."""
    return lambda w, u: BATCHES[name][3] == "done"


def _retries(name: str) -> Any:
    """A failed import is queued again by an importer of the area; anyone else who sees it is refused."""
    return lambda w, u: BATCHES[name][3] == "failed" and can(u, "ledger.import")


CASES: dict[str, list[Case]] = {
    "ledger:home": [Case(expect=_everyone)],
    "ledger:payouts": [Case(expect=_everyone)],
    "ledger:search": [
        Case(label="empty", expect=_everyone),
        Case(label="by name", method="post", data=lambda w: {"q": "王老师"}, expect=_everyone),
        Case(label="by 文号", method="post", data=lambda w: {"q": "塔地财社〔2022〕82号"}, expect=_everyone),
    ],
    "ledger:export": [
        # Everyone gets the file of their own region; full 证件号码 only in a 经办's (the markers check it).
        Case(label="2022-11", query="?month=2022-11", expect=_everyone),
        Case(label="2022/11", query="?month=2022/11", expect=_everyone),
        Case(label="2022年11月", query="?month=2022%E5%B9%B411%E6%9C%88", expect=_everyone),
        Case(label="no month: back to the page with a message", expect=lambda w, u: 302),
        Case(label="bad month", query="?month=2022-13", expect=lambda w, u: 302),
    ],
    # Registration form: only the receiving region's 经办 (403 for others who may see the receipt).
    "ledger:register": [
        Case(label=n, kwargs=lambda w, n=n: {"pk": w[n].pk}, expect=_registers(n)) for n in MOVEMENTS
    ],
    "ledger:batch": [
        Case(label=n, kwargs=lambda w, n=n: {"pk": w[n].pk}, expect=_in_area(n)) for n in BATCHES
    ],
    "ledger:retry": [
        Case(label=f"{n} GET", kwargs=lambda w, n=n: {"pk": w[n].pk}, expect=lambda w, u: 405)
        for n in BATCHES
    ]
    + [
        Case(
            label=n,
            method="post",
            kwargs=lambda w, n=n: {"pk": w[n].pk},
            expect=_in_area(n, 302),
            state=row_of(n),
            writes=_retries(n),
        )
        for n in BATCHES
    ],
}
