"""The write routes: payment vouchers and payout batches, through the ledger's own importer.

The JSON rows become a CSV whose header is the element names (which the importers read as they read an
upload's columns), and ``ledger.services.do_import_file`` does the rest: the same validation, all or nothing,
the same sha256 idempotency of a file, and the same maker-checker (the batch waits for a checker of the
account's region and department unless an approval rule says otherwise). Nothing here validates a value:
fields are plain strings, and every problem is the importer's, its row and column turned into a JSON pointer.

``Idempotency-Key`` (required): the first successful answer is kept; the same key with the same body returns
it again (``Idempotent-Replayed: true``) and books nothing; the same key with another body is refused (422).
"""

import csv
import hashlib
import io
import json
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from ninja import Field, Header, Router, Schema, Status

from jiuzhu.core.errors import InvalidInput
from jiuzhu.domain import payments as payment_rules
from jiuzhu.domain import payout_columns
from jiuzhu.domain.problems import Problem as LedgerProblem
from jiuzhu.ledger.models import ImportBatch
from jiuzhu.ledger.services import do_import_file
from jiuzhu.regions.models import Region

from .auth import api_user
from .calls import audit_call
from .models import IdempotentWrite
from .problems import ERRORS, ApiProblem
from .rendering import dumps

router = Router(tags=["写入"])
MAX_ROWS = 200_000
KEY: Any = Header(  # type: ignore[type-arg]
    ..., alias="Idempotency-Key", min_length=1, max_length=128, description="幂等键：重试时使用同一个键"
)

Text = str


class Strict(Schema):
    model_config = {"extra": "forbid"}


class PaymentRowIn(Strict):
    pay_cert_no: Text
    bgt_id: Text = ""
    cor_bgt_doc_no: Text = ""
    exp_func_code: Text
    pay_amt: Text = Field(examples=["5000.00"])
    xpay_amt: Text = Field(examples=["5000.00"])
    xpay_date: Text = Field(examples=["2022-05-10"])
    payee_acct_name: Text
    is_dir: Text = ""
    pro_code: Text = ""
    use_des: Text = ""


class PaymentBatchIn(Strict):
    mof_div_code: Text = Field(description="导入到的财政区划（须在令牌的范围内）")
    rows: list[PaymentRowIn] = Field(min_length=1, max_length=MAX_ROWS)


class PayoutRowIn(Strict):
    pay_cert_no: Text
    per_name: Text
    iden_type: Text = Field(examples=["01"])
    iden_no: Text
    to_peop_family: Text = Field(examples=["01"])
    pay_amt: Text
    xpay_amt: Text
    pay_month: Text = Field(examples=["05"])
    pro_code: Text = ""
    town_code: Text = ""
    town_name: Text = ""
    village_code: Text = ""
    village_name: Text = ""
    add_word: Text = ""
    acct_no: Text = ""


class PayoutBatchIn(Strict):
    mof_div_code: Text
    rows: list[PayoutRowIn] = Field(min_length=1, max_length=MAX_ROWS)


class BatchOut(Schema):
    batch_id: int
    mof_div_code: str
    status: str = Field(description="导入进度：done（已入库，等待审核）…")
    review_status: str = Field(description="审核状态：submitted（等待审核）、approved、returned")
    rows: int
    already_imported: bool = Field(description="同样的数据此前已导入，本次未作任何改动")
    message: str


def as_csv(rows: list[Schema]) -> bytes:
    """The rows as an upload: the element names as header, then one record per row."""
    names = list(type(rows[0]).model_fields)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    writer.writerows([getattr(r, n) for n in names] for r in rows)
    return out.getvalue().encode()


def pointers(problems: list[LedgerProblem], titles: dict[str, str]) -> list[dict[str, Any]]:
    """The importer's problems (CSV row 2 is the first data row; the column by its Chinese title) as JSON
    pointers into the request body."""
    element_of = {title: element for element, title in titles.items()}
    out = []
    for p in problems:
        pointer = "/rows"
        if p.where.row is not None and p.where.row >= 2:
            pointer = f"/rows/{p.where.row - 2}"
            element = element_of.get(p.where.column, p.where.column if p.where.column in titles else "")
            if element:
                pointer += f"/{element}"
        out.append({"pointer": pointer, "code": p.code, "detail": p.message, "severity": str(p.severity)})
    return out


def body_hash(payload: Schema) -> str:
    return hashlib.sha256(json.dumps(payload.model_dump(), sort_keys=True).encode()).hexdigest()


def replayed(request: HttpRequest, route: str, key: str, digest: str) -> HttpResponse | None:
    user = api_user(request)
    earlier = IdempotentWrite.objects.filter(account=user.api_account, key=key).first()
    if earlier is None:
        return None
    if earlier.route != route or earlier.body_sha256 != digest:
        raise ApiProblem(
            422,
            "idempotency_key_reused",
            "该幂等键已用于另一份不同的数据；重新提交修改后的数据请使用新的幂等键",
            [{"parameter": "Idempotency-Key", "code": "idempotency_key_reused", "detail": "幂等键已被使用"}],
        )
    audit_call(request, what=route, rows=0, status=earlier.status_code, replayed=True)
    response = HttpResponse(
        dumps(earlier.response), status=earlier.status_code, content_type="application/json"
    )
    response["Idempotent-Replayed"] = "true"
    return response


def remember(request: HttpRequest, route: str, key: str, digest: str, status: int, body: Any) -> None:
    """Keep the answer under the key, for a retry to receive it again."""
    IdempotentWrite.objects.create(
        account=api_user(request).api_account,
        key=key,
        route=route,
        body_sha256=digest,
        status_code=status,
        response=body,
    )


def _import(
    request: HttpRequest, route: str, key: str, payload: Any, kind: str, titles: dict[str, str]
) -> Any:
    digest = body_hash(payload)
    replay = replayed(request, route, key, digest)
    if replay is not None:
        return replay
    user = api_user(request)
    region = Region.objects.filter(mof_div_code=payload.mof_div_code).first()
    if region is None:
        raise ApiProblem(
            422,
            "unknown_region",
            f"财政区划代码“{payload.mof_div_code}”不存在",
            [{"pointer": "/mof_div_code", "code": "unknown_region", "detail": "财政区划代码不存在"}],
        )
    try:
        outcome = do_import_file(
            actor=user,
            kind=kind,
            region=region,
            data=as_csv(payload.rows),
            filename=f"api-{route}-{digest[:12]}.csv",
            ip=request.META.get("REMOTE_ADDR", "") or "",
        )
    except InvalidInput as exc:
        audit_call(request, what=route, rows=0, status=422, problems=len(exc.problems))
        raise ApiProblem(
            422,
            "invalid_rows",
            f"数据有{len(exc.problems)}处问题，未导入任何一行",
            pointers(exc.problems, titles),
        ) from exc
    batch = outcome.batch
    body = {
        "batch_id": batch.pk,
        "mof_div_code": region.mof_div_code,
        "status": batch.status,
        "review_status": batch.review_status,
        "rows": batch.rows_stored,
        "already_imported": outcome.already_imported,
        "message": outcome.message,
    }
    status = 200 if outcome.already_imported else 201
    try:
        with transaction.atomic():
            remember(request, route, key, digest, status, body)
    except IntegrityError:  # the same key finished meanwhile in another request: answer as it did
        replay = replayed(request, route, key, digest)
        if replay is not None:
            return replay
    audit_call(request, what=route, rows=0 if outcome.already_imported else batch.rows_stored, status=status)
    return Status(status, body)


@router.post(
    "/payment-vouchers",
    response={200: BatchOut, 201: BatchOut, **ERRORS},
    summary="导入支付凭证（与上传文件同样校验，等待审核）",
)
def post_payments(request: HttpRequest, payload: PaymentBatchIn, idempotency_key: str = KEY) -> Any:
    return _import(
        request, "payment-vouchers", idempotency_key, payload, ImportBatch.PAYMENTS, payment_rules.TITLES
    )


@router.post(
    "/payout-batches",
    response={200: BatchOut, 201: BatchOut, **ERRORS},
    summary="导入到人到户发放（与上传文件同样校验，等待审核）",
)
def post_payouts(request: HttpRequest, payload: PayoutBatchIn, idempotency_key: str = KEY) -> Any:
    return _import(
        request, "payout-batches", idempotency_key, payload, ImportBatch.PAYOUTS, payout_columns.TITLES
    )
