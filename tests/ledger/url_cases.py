"""Matrix cases for the ledger pages (see tests/urlmatrix.py); plans come from tests/accounts/url_cases.py."""

from typing import Any

from urlmatrix import Case, World

BATCHES = {
    # name: (region code, a file name that must stay inside that area)
    "batch_county_a": ("654225", "裕民-探针-发放.xlsx"),
    "batch_county_b": ("654221", "额敏-探针-发放.xlsx"),
    "batch_alt": ("654300", "阿勒泰-探针-发放.xlsx"),
}
MOVEMENTS = {"movement_county_a": "654225", "movement_county_b": "654221", "movement_alt": "654300"}


def build_world(w: World) -> None:
    from jiuzhu.ledger.models import ImportBatch, Movement
    from jiuzhu.regions.models import Region

    for name, (code, filename) in BATCHES.items():
        region = Region.objects.get(code=code)
        batch = ImportBatch.objects.create(
            kind=ImportBatch.DISBURSEMENTS,
            region=region,
            filename=filename,
            sha256=f"{hash(name) & 0xFFFF:064x}",
            size=1,
            stored_path="",
            status=ImportBatch.FAILED,
            error="矩阵测试",
            created_by="matrix",
        )
        w.add(name, batch, region_path=region.path, markers=[filename])
    for name, code in MOVEMENTS.items():
        movement = Movement.objects.filter(region__code=code).order_by("id").first()
        assert movement is not None, f"approving a plan books a receipt for {code}"
        w.add(name, movement, region_path=movement.region.path, markers=[])


def _everyone(w: World, u: Any) -> int:
    return 200


def _in_area(name: str, status: int = 200) -> Any:
    return lambda w, u: status if w.sees(u, name) else 404


CASES: dict[str, list[Case]] = {
    "ledger:home": [Case(expect=_everyone)],
    "ledger:payouts": [Case(expect=_everyone)],
    "ledger:export": [
        Case(label="2022-11", query="?month=2022-11", expect=_everyone),
        Case(label="no month", expect=lambda w, u: 404),
    ],
    # Registration form: anyone of the receipt's area sees it; the service refuses a save by the wrong role.
    "ledger:register": [
        Case(label=n, kwargs=lambda w, n=n: {"pk": w[n].pk}, expect=_in_area(n)) for n in MOVEMENTS
    ],
    "ledger:batch": [
        Case(label=n, kwargs=lambda w, n=n: {"pk": w[n].pk}, expect=_in_area(n)) for n in BATCHES
    ],
    "ledger:retry": [
        Case(label=f"{n} GET", kwargs=lambda w, n=n: {"pk": w[n].pk}, expect=lambda w, u: 405)
        for n in BATCHES
    ]
    + [
        Case(label=n, method="post", kwargs=lambda w, n=n: {"pk": w[n].pk}, expect=_in_area(n, 302))
        for n in BATCHES
    ],
}
