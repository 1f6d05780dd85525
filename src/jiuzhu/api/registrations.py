"""The write route of 指标登记: a region books a movement it received to its own appropriations.

``ledger.services.do_register_receipt`` does everything the registration page does through it: the checks
(codes, purposes, signs, the sum, decreases below what was paid, the document number), the booking, the audit
record and the approval round (the registration waits for a checker of the region and department, as on the
page). Here the JSON is only read into the service's lines, and the service's problems turned into JSON
pointers. The movement is named as the budget system names it: region and 上级指标文号 (and its kind when the
region received more than one movement under that document).

Amounts are signed like the movement: a 调减 is registered with negative amounts. That is how this API's reads
(registrations, appropriations' movements) and the exchange files show it and how the budget system records an
adjustment, so a system can write what it reads; the service refuses a positive amount on a 调减 (``LINE_SIGN``)
and the answer says so. The registration page, for a person, takes the decrease as the positive figure of the
notice's 调减 column and books it negative: both book the same lines (tests/api/test_api_registrations.py).
``Idempotency-Key`` as for the other writes.
"""

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from ninja import Field, Schema, Status

from jiuzhu.accounts.actions import require, require_within
from jiuzhu.accounts.scoping import scoped
from jiuzhu.core.errors import InvalidInput
from jiuzhu.domain.ledger import RegistrationLine
from jiuzhu.domain.money import MoneyError, parse_amount
from jiuzhu.domain.problems import Problem as LedgerProblem
from jiuzhu.domain.purposes import Purpose
from jiuzhu.ledger.models import Movement, Registration
from jiuzhu.ledger.services import do_register_receipt
from jiuzhu.regions.models import Region

from . import schemas as s
from .auth import api_user
from .calls import audit_call
from .problems import ERRORS, ApiProblem
from .reads import (
    registration_line,
    router,
)  # the path of the registration reads: one router answers both methods
from .writes import KEY, Strict, body_hash, remember, replayed

ROUTE = "registrations"
MAX_LINES = 50
PURPOSES = "、".join(f"{p.value}（{p.label}）" for p in Purpose)

#: The service's column titles → the element of a line (``None``: the registration itself).
LINE_ELEMENTS = {"支出功能分类科目": "exp_func_code", "支出方向": "purpose", "金额": "amount"}
TOP_ELEMENTS = {"本级指标文号": "/cor_bgt_doc_no", "登记明细": "/lines", "金额": "/lines"}


class RegistrationLineIn(Strict):
    exp_func_code: str = Field(examples=["2081902"])
    purpose: str = Field(examples=["dibao"], description=f"支出方向：{PURPOSES}")
    amount: str = Field(
        examples=["300000.00", "-600000.00"],
        description="指标金额（元），正负与该笔指标变动一致：下达、调增为正数，调减为负数（与读取和交换文件相同）",
    )


class RegistrationIn(Strict):
    mof_div_code: str = Field(description="接收指标的财政区划（须为令牌所属地区本级）")
    sup_bgt_doc_no: str = Field(description="上级指标文号")
    kind: str = Field("", description="变动类型 issue/increase/decrease；同一文号有多笔变动时必填")
    cor_bgt_doc_no: str = Field(description="本级指标文号")
    lines: list[RegistrationLineIn] = Field(min_length=1, max_length=MAX_LINES)


class RegistrationWritten(Schema):
    registration_id: int
    mof_div_code: str
    sup_bgt_doc_no: str
    cor_bgt_doc_no: str
    status: str = Field(description="审核状态：submitted（等待审核）")
    amount: s.Amount
    lines: list[s.RegistrationLineOut]
    warnings: list[str]
    message: str


def _refuse(code: str, message: str, pointer: str) -> ApiProblem:
    return ApiProblem(422, code, message, [{"pointer": pointer, "code": code, "detail": message}])


def _movement(request: HttpRequest, payload: RegistrationIn) -> Movement:
    user = api_user(request)
    require(user, "ledger.register")
    region = Region.objects.filter(mof_div_code=payload.mof_div_code).first()
    if region is None:
        raise _refuse("unknown_region", f"财政区划代码“{payload.mof_div_code}”不存在", "/mof_div_code")
    require_within(user, region)
    found = scoped(Movement.objects.select_related("region", "fund"), user).filter(
        region=region, sup_bgt_doc_no=payload.sup_bgt_doc_no.strip()
    )
    if payload.kind:
        found = found.filter(kind=payload.kind)
    movements = list(found[:2])
    if not movements:
        raise ApiProblem(
            404,
            "not_found",
            "该地区没有收到这个上级指标文号的指标",
            [{"pointer": "/sup_bgt_doc_no", "code": "not_found", "detail": "没有这笔指标"}],
        )
    if len(movements) > 1:
        raise _refuse("kind_required", "该文号下有多笔指标变动，请注明变动类型（kind）", "/kind")
    return movements[0]


def _lines(payload: RegistrationIn) -> list[RegistrationLine]:
    """The lines as the service takes them; an amount or purpose that cannot be read is a problem here."""
    lines, problems = [], []
    for index, line in enumerate(payload.lines):
        try:
            amount = parse_amount(line.amount)
        except MoneyError as exc:
            problems.append({"pointer": f"/lines/{index}/amount", "code": "BAD_AMOUNT", "detail": str(exc)})
            continue
        try:
            purpose = Purpose(line.purpose)
        except ValueError:
            detail = f"支出方向“{line.purpose}”不存在，应为{PURPOSES}之一"
            problems.append({"pointer": f"/lines/{index}/purpose", "code": "BAD_PURPOSE", "detail": detail})
            continue
        lines.append(RegistrationLine(line.exp_func_code.strip(), purpose, amount))
    if problems:
        raise ApiProblem(422, "invalid_lines", f"登记有{len(problems)}处问题，未登记", problems)
    return lines


#: Added to the service's sign problem on a 调减: a system may have taken the page's convention.
DECREASE_SIGN_HINT = (
    "。接口中调减的金额按负数填写（如 -600000.00），与读取和交换文件一致；登记页面按正数填写调减额"
)


def pointers(problems: list[LedgerProblem], *, decrease: bool = False) -> list[dict[str, Any]]:
    """The service's problems (lines numbered from 1, a field by its Chinese title) as JSON pointers."""
    out = []
    for p in problems:
        detail = p.message + (DECREASE_SIGN_HINT if decrease and p.code == "LINE_SIGN" else "")
        if p.where.row is not None:
            pointer = f"/lines/{p.where.row - 1}"
            element = LINE_ELEMENTS.get(p.where.column or "")
            pointer += f"/{element}" if element else ""
        else:
            pointer = TOP_ELEMENTS.get(p.where.column or "", "")
        out.append({"pointer": pointer, "code": p.code, "detail": detail, "severity": str(p.severity)})
    return out


def _answer(registration: Registration, movement: Movement, warnings: list[str]) -> dict[str, Any]:
    lines = list(registration.lines.select_related("appropriation").order_by("id"))
    return {
        "registration_id": registration.pk,
        "mof_div_code": movement.region.mof_div_code,
        "sup_bgt_doc_no": movement.sup_bgt_doc_no,
        "cor_bgt_doc_no": registration.cor_bgt_doc_no,
        "status": registration.status,
        "amount": s.yuan(sum((x.amount for x in lines), Decimal(0))),
        "lines": [registration_line(x) for x in lines],
        "warnings": warnings,
        "message": "已登记，等待审核人员审核",
    }


@router.post(
    "/registrations",
    response={201: RegistrationWritten, **ERRORS},
    tags=["写入"],
    summary="指标登记（与登记页面同样校验，等待审核）",
)
def post_registrations(request: HttpRequest, payload: RegistrationIn, idempotency_key: str = KEY) -> Any:
    digest = body_hash(payload)
    replay = replayed(request, ROUTE, idempotency_key, digest)
    if replay is not None:
        return replay
    movement = _movement(request, payload)
    lines = _lines(payload)
    try:
        with transaction.atomic():
            registration, warnings = do_register_receipt(
                actor=api_user(request),
                movement=movement,
                cor_bgt_doc_no=payload.cor_bgt_doc_no,
                lines=lines,
                ip=request.META.get("REMOTE_ADDR", "") or "",
            )
            body = _answer(registration, movement, [str(w) for w in warnings])
            remember(request, ROUTE, idempotency_key, digest, 201, body)
    except InvalidInput as exc:
        audit_call(request, what=ROUTE, rows=0, status=422, problems=len(exc.problems))
        raise ApiProblem(
            422,
            "invalid_registration",
            f"登记有{len(exc.problems)}处问题，未登记",
            pointers(exc.problems, decrease=movement.amount < 0),
        ) from exc
    except IntegrityError:  # the same key finished meanwhile in another request: answer as it did
        replay = replayed(request, ROUTE, idempotency_key, digest)
        if replay is None:
            raise
        return replay
    audit_call(request, what=ROUTE, rows=len(lines), status=201)
    return Status(201, body)
