"""The API object: ``/api/v1/`` with its OpenAPI document (``openapi.json``) and browsable page (``docs``).

django-ninja: it builds the OpenAPI document from the same pydantic schemas that check the requests, serves
Swagger UI from its own static files (no CDN, no inline script: the site's CSP holds), and is plain Django
views underneath, so scoping, transactions and the audit trail are those of the rest of the system.
"""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from jiuzhu.core.errors import ActionRefused

from . import (
    reads,
    registrations,  # noqa: F401  (adds POST /registrations to reads' router: the same path)
    writes,
)
from .auth import TokenAuth
from .calls import audit_call
from .problems import CONTENT_TYPE, ApiProblem, problem_response
from .rendering import UnescapedJSONRenderer

#: pydantic's error types, in a clerk's words.
PYDANTIC_MESSAGES = {
    "missing": "缺少必填字段",
    "extra_forbidden": "不允许的字段",
    "string_type": "应为文本",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "list_type": "应为列表",
    "model_type": "应为对象",
    "dict_type": "应为对象",
    "too_short": "数量太少",
    "too_long": "数量或长度超出上限",
    "string_too_short": "不能为空",
    "string_too_long": "长度超出上限",
    "greater_than_equal": "数值太小",
    "less_than_equal": "数值太大",
    "json_invalid": "不是有效的JSON",
}


class JiuzhuAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """Error responses are documented as ``application/problem+json``, as they are sent."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for item in schema.get("paths", {}).values():
            for operation in item.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        content[CONTENT_TYPE] = content.pop("application/json")
        return schema


api = JiuzhuAPI(
    title="救助资金管理系统 数据接口",
    version="1",
    description=(
        "供预算管理一体化系统和直达资金监控系统调用。字段名采用预算管理一体化数据元素名；金额为两位小数的元"
        "（字符串）；代码为字符串。错误按 RFC 9457 返回（application/problem+json），每个问题附 JSON 指针。"
        "列表按游标分页（next_cursor），支付和发放按审核通过的先后排列，可用于增量同步。"
    ),
    urls_namespace="api_v1",
    auth=TokenAuth(),
    renderer=UnescapedJSONRenderer(),
)
api.add_router("/", reads.router)
api.add_router("/", writes.router)


def _problem(request: HttpRequest, exc: ApiProblem) -> HttpResponse:
    return problem_response(request, exc)


def _refused(request: HttpRequest, exc: ActionRefused) -> HttpResponse:
    audit_call(request, what="refused", rows=0, status=403)
    return problem_response(request, ApiProblem(403, "refused", str(exc)))


def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    audit_call(request, what="not_found", rows=0, status=404)
    return problem_response(request, ApiProblem(404, "not_found", "记录不存在或不在您的范围内"))


def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem_response(
        request,
        ApiProblem(
            401, "unauthenticated", "令牌无效、已过期或已吊销", headers={"WWW-Authenticate": "Bearer"}
        ),
    )


def _pointer(loc: list[Any]) -> tuple[str, str]:
    """("body", "payload", "rows", 3, "iden_no") → ("pointer", "/rows/3/iden_no"); a query field → parameter."""
    where, *rest = loc
    if where == "body":
        return "pointer", "/" + "/".join(str(x) for x in rest[1:])
    return "parameter", str(rest[-1] if rest else where)


def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        kind, place = _pointer(list(error.get("loc", ["body"])))
        message = PYDANTIC_MESSAGES.get(str(error.get("type")), "格式不正确")
        errors.append({kind: place, "code": str(error.get("type")), "detail": message})
    audit_call(request, what="invalid_request", rows=0, status=422)
    return problem_response(request, ApiProblem(422, "invalid_request", f"请求有{len(errors)}处问题", errors))


def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem_response(request, ApiProblem(exc.status_code, "http_error", "请求有误"))


api.add_exception_handler(ApiProblem, _problem)  # type: ignore[arg-type]
api.add_exception_handler(ActionRefused, _refused)  # type: ignore[arg-type]
api.add_exception_handler(Http404, _not_found)  # type: ignore[arg-type]
api.add_exception_handler(AuthenticationError, _unauthenticated)  # type: ignore[arg-type]
api.add_exception_handler(ValidationError, _invalid)  # type: ignore[arg-type]
api.add_exception_handler(HttpError, _http_error)  # type: ignore[arg-type]
