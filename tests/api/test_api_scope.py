"""A county token cannot read or write another county's data, on every route of the OpenAPI document."""

import pytest
from api_helpers import (
    EMIN,
    YUMIN,
    TokenClient,
    make_token,
    payout_row,
    register_yumin,
    registration_body,
    voucher_row,
)

from jiuzhu.api.api import api
from jiuzhu.approvals import review
from jiuzhu.ledger.models import ImportBatch, Movement, Payment, Payout, Registration

#: Text of 裕民县's records that must never reach 额敏县's token.
YUMIN_MARKERS = ["654225", "裕民", "裕财社", "D012022-V02CTD-08061", "测试1"]


@pytest.fixture
def world(seed):
    register_yumin(seed)
    yumin = TokenClient(make_token(YUMIN))
    for path, body in (
        ("/api/v1/payment-vouchers", {"mof_div_code": "654225000", "rows": [voucher_row()]}),
        ("/api/v1/payout-batches", {"mof_div_code": "654225000", "rows": [payout_row(1), payout_row(2)]}),
    ):
        r = yumin.post_json(path, body, key=path)
        assert r.status_code == 201, r.content
        review.approve(ImportBatch.objects.get(pk=r.json()["batch_id"]), seed["ymx_cz_sh"])
    _finding_and_report_of_yumin(seed)
    return {
        "yumin": yumin,
        "emin": TokenClient(make_token(EMIN)),
        "prefecture": TokenClient(make_token("654200")),
    }


def _finding_and_report_of_yumin(seed) -> None:
    """A finding and a usage report of 裕民县, so that those routes have records to keep from 额敏县."""
    from django.utils import timezone

    from jiuzhu.monitoring.models import Finding
    from jiuzhu.regions.models import Region
    from jiuzhu.reports import services as reports

    yumin = Region.objects.get(code="654225")
    now = timezone.now()
    Finding.objects.create(
        rule="voucher_mismatch",
        key="api-scope-probe",
        region=yumin,
        fiscal_year=2022,
        severity="red",
        message="裕民县探针预警",
        first_seen_at=now,
        last_seen_at=now,
    )
    reports.do_open_report(actor=seed["ymx_cz_jb"], region=yumin, year=2022, month=5)


def routes(method: str) -> list[str]:
    paths = api.get_openapi_schema()["paths"]
    return sorted(path for path, item in paths.items() if method in item)


def test_the_routes_are_the_expected_ones():
    assert routes("get") == [
        f"/api/v1/{name}"
        for name in sorted(
            [
                "appropriations",
                "execution",
                "findings",
                "funds",
                "payments",
                "payouts",
                "plans",
                "regions",
                "registrations",
                "usage-reports",
            ]
        )
    ]
    assert routes("post") == [
        "/api/v1/payment-vouchers",
        "/api/v1/payout-batches",
        "/api/v1/registrations",
    ]


@pytest.mark.parametrize("path", routes("get"))
def test_reads_stay_inside_the_token_area(world, path):
    own = world["yumin"].get(path)
    foreign = world["emin"].get(path)
    above = world["prefecture"].get(path)
    assert own.status_code == foreign.status_code == above.status_code == 200
    body = foreign.content.decode()
    leaked = [m for m in YUMIN_MARKERS if m in body]
    assert not leaked, (path, leaked)
    # the county itself and the prefecture above it do see 裕民县's records where the route has them
    if path.rsplit("/", 1)[-1] in {
        "regions",
        "appropriations",
        "registrations",
        "payments",
        "payouts",
        "execution",
        "findings",
        "usage-reports",
    }:
        assert "654225" in own.content.decode()
        assert "654225" in above.content.decode()
    # asking for the other county by name does not widen the scope
    narrowed = world["emin"].get(f"{path}?mof_div_code=654225000")
    assert narrowed.status_code == 200
    assert not [m for m in YUMIN_MARKERS if m in narrowed.content.decode()]


@pytest.mark.parametrize("path", routes("post"))
def test_writes_into_another_county_are_refused_with_nothing_stored(world, path):
    before = (Payment.objects.count(), Payout.objects.count(), ImportBatch.objects.count())
    row = voucher_row("EMIN-TRY") if "payment" in path else payout_row(9)
    body: dict[str, object] = {"mof_div_code": "654225000", "rows": [row]}
    if path.endswith("/registrations"):
        body = registration_body(Movement.objects.filter(region__code=YUMIN).first())
    registrations = Registration.objects.count()
    r = world["emin"].post_json(path, body, key="try")
    assert r.status_code == 403
    assert r.json()["detail"] == "该地区不在您的管辖范围内"
    assert (Payment.objects.count(), Payout.objects.count(), ImportBatch.objects.count()) == before
    assert Registration.objects.count() == registrations


def test_whole_identity_numbers_only_for_roles_that_may_see_them(world):
    """ledger.export_ids, as for the payout export: the 经办 who send the files to the monitoring system."""
    checker = TokenClient(make_token(YUMIN, role="checker")).get("/api/v1/payouts").json()["items"]
    maker = world["yumin"].get("/api/v1/payouts").json()["items"]
    assert checker and all("*" in p["iden_no"] for p in checker)
    assert {p["iden_no"] for p in maker} == {payout_row(1)["iden_no"], payout_row(2)["iden_no"]}


@pytest.mark.parametrize(
    "path", ["/api/v1/regions?mof_div_code=65%00", "/api/v1/payouts?cursor=%00", "/api/v1/funds?x=\\u0000"]
)
def test_a_nul_character_is_refused_before_any_view_reads_it(world, path):
    r = world["yumin"].get(path)
    assert r.status_code == 400 and r["Content-Type"].startswith("application/problem+json")
    assert "空字符" in r.json()["detail"]


def test_a_nul_in_a_written_body_is_refused_with_nothing_stored(world):
    before = (Payment.objects.count(), ImportBatch.objects.count())
    row = {**voucher_row("NUL-1"), "use_des": "用途\u0000"}
    r = world["yumin"].post_json(
        "/api/v1/payment-vouchers", {"mof_div_code": "654225000", "rows": [row]}, key="n"
    )
    assert r.status_code == 400
    assert (Payment.objects.count(), ImportBatch.objects.count()) == before
