"""Writes through the ledger's importer: idempotency keys, the importer's problems as JSON pointers, the
maker-checker of uploads."""

import pytest
from api_helpers import YUMIN, TokenClient, make_token, payout_row, register_yumin, voucher_row

from jiuzhu.approvals import review
from jiuzhu.ledger.models import ImportBatch, Payment, Payout
from jiuzhu.ledger.selectors import ledger_report


@pytest.fixture
def yumin_api(seed):
    register_yumin(seed)
    return TokenClient(make_token(YUMIN))


def post_voucher(client, key="v-1", **row):
    body = {"mof_div_code": "654225000", "rows": [voucher_row(**row)]}
    return client.post_json("/api/v1/payment-vouchers", body, key=key)


def approve(batch_id, checker):
    review.approve(ImportBatch.objects.get(pk=batch_id), checker)


def test_voucher_waits_for_a_checker_like_an_upload(yumin_api, seed):
    r = post_voucher(yumin_api)
    assert r.status_code == 201, r.content
    batch = r.json()
    assert (batch["status"], batch["review_status"], batch["rows"]) == ("done", "submitted", 1)
    report = ledger_report(seed["ymx_cz_sh"], fiscal_year=2022)
    assert all(line["paid"] == "0.00" for reg in report["regions"] for line in reg["appropriations"])
    stored = ImportBatch.objects.get(pk=batch["batch_id"])
    assert stored.created_by == f"sys_{YUMIN}_finance_maker"
    approve(batch["batch_id"], seed["ymx_cz_sh"])
    paid = {
        line["paid"] for reg in ledger_report(seed["ymx_cz_sh"])["regions"] for line in reg["appropriations"]
    }
    assert "5000.00" in paid


def test_same_payout_batch_twice_with_one_key_is_booked_once(yumin_api, seed):
    approve(post_voucher(yumin_api).json()["batch_id"], seed["ymx_cz_sh"])
    body = {"mof_div_code": "654225000", "rows": [payout_row(i) for i in range(1, 4)]}
    first = yumin_api.post_json("/api/v1/payout-batches", body, key="batch-2022-05")
    again = yumin_api.post_json("/api/v1/payout-batches", body, key="batch-2022-05")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Payout.objects.count() == 3
    assert ImportBatch.objects.filter(kind="payouts").count() == 1

    changed = {**body, "rows": [*body["rows"][:2], payout_row(3, amount="600.00")]}
    refused = yumin_api.post_json("/api/v1/payout-batches", changed, key="batch-2022-05")
    assert refused.status_code == 422
    assert refused.json()["type"] == "urn:jiuzhu:problem:idempotency_key_reused"
    assert Payout.objects.count() == 3
    assert ImportBatch.objects.filter(kind="payouts").count() == 1


def test_same_rows_under_a_new_key_are_not_booked_again(yumin_api, seed):
    """The importer's own idempotency (the file's sha256) holds under the API too."""
    first = post_voucher(yumin_api, key="a")
    second = post_voucher(yumin_api, key="b")
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["already_imported"] is True
    assert Payment.objects.count() == 1


def test_every_problem_with_its_json_pointer_and_nothing_stored(yumin_api, seed):
    approve(post_voucher(yumin_api).json()["batch_id"], seed["ymx_cz_sh"])
    rows = [payout_row(1), payout_row(2), payout_row(3)]
    rows[1]["iden_no"] = rows[1]["iden_no"][:-1] + ("0" if rows[1]["iden_no"][-1] != "0" else "1")
    rows[2]["pay_cert_no"] = "NO-SUCH-VOUCHER"
    rows[0]["xpay_amt"] = "12.345"
    r = yumin_api.post_json("/api/v1/payout-batches", {"mof_div_code": "654225000", "rows": rows}, key="bad")
    assert r.status_code == 422
    assert r["Content-Type"] == "application/problem+json"
    problem = r.json()
    assert problem["title"] == "数据未通过校验"
    pointers = {e["pointer"] for e in problem["errors"]}
    assert {"/rows/0/xpay_amt", "/rows/1/iden_no", "/rows/2/pay_cert_no"} <= pointers, problem
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in e["detail"]) for e in problem["errors"])
    assert Payout.objects.count() == 0
    # refused requests keep no key: the corrected batch may use it
    assert (
        yumin_api.post_json(
            "/api/v1/payout-batches", {"mof_div_code": "654225000", "rows": [payout_row(1)]}, key="bad"
        ).status_code
        == 201
    )


def test_shape_problems_are_pointed_too(yumin_api):
    row = voucher_row()
    del row["exp_func_code"]
    row["colour"] = "red"
    r = yumin_api.post_json("/api/v1/payment-vouchers", {"mof_div_code": "654225000", "rows": [row]}, key="s")
    assert r.status_code == 422
    errors = {(e["pointer"], e["detail"]) for e in r.json()["errors"]}
    assert errors == {("/rows/0/exp_func_code", "缺少必填字段"), ("/rows/0/colour", "不允许的字段")}
    assert Payment.objects.count() == 0


def test_a_write_needs_an_idempotency_key(yumin_api):
    r = post_voucher(yumin_api, key=None)
    assert r.status_code == 422
    assert r.json()["errors"][0]["parameter"] == "Idempotency-Key"
    assert Payment.objects.count() == 0


def test_a_viewer_token_cannot_write(seed):
    register_yumin(seed)
    viewer = TokenClient(make_token(YUMIN, department="audit", role="viewer"))
    r = post_voucher(viewer)
    assert r.status_code == 403
    assert r.json()["detail"] == "您没有执行此操作的权限"
    assert ImportBatch.objects.count() == 0
