"""Errors in one shape: RFC 9457 problem details (``application/problem+json``), titles and details in Chinese.

A problem of a request body carries a JSON pointer (RFC 6901) into that body, ``/rows/3/iden_no``; one of a
query parameter names it (``parameter``). The ledger's problems (sheet, row, column) are mapped back to the JSON
rows they came from by ``writes``.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Schema

from .rendering import dumps

CONTENT_TYPE = "application/problem+json"

TITLES = {
    400: "请求有误",
    401: "未提供有效的接口令牌",
    403: "无权执行此操作",
    404: "记录不存在",
    409: "请求与已有数据冲突",
    413: "请求过大",
    422: "数据未通过校验",
    429: "调用过于频繁",
}


class ProblemItem(Schema):
    """One problem: where (``pointer`` into the body, or ``parameter``), a code and a Chinese message."""

    pointer: str | None = None
    parameter: str | None = None
    code: str
    detail: str
    severity: str = "error"


class Problem(Schema):
    """RFC 9457 problem details; ``errors`` lists every problem of the request at once."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[ProblemItem] = []


class ApiProblem(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail
        self.errors = errors or []
        self.headers = headers or {}


def problem_body(request: HttpRequest, problem: ApiProblem) -> dict[str, Any]:
    return {
        "type": f"urn:jiuzhu:problem:{problem.code}",
        "title": TITLES.get(problem.status, "请求未能完成"),
        "status": problem.status,
        "detail": problem.detail,
        "instance": request.path,
        "errors": problem.errors,
    }


def problem_response(request: HttpRequest, problem: ApiProblem) -> HttpResponse:
    response = HttpResponse(
        dumps(problem_body(request, problem)), status=problem.status, content_type=CONTENT_TYPE
    )
    for name, value in problem.headers.items():
        response[name] = value
    return response


#: The documented error responses of every route.
ERRORS: dict[int, type[Problem]] = dict.fromkeys((400, 401, 403, 404, 422, 429), Problem)
