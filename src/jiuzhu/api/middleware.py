"""A NUL character in a request to the API is refused before any view reads it: PostgreSQL cannot hold one in
text (a query filtering on it would fail with a server error), and no data element contains one."""

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .problems import ApiProblem, problem_response

PREFIX = "/api/v1/"
#: A NUL as the request carries it: raw, percent-encoded in the address, or escaped in JSON.
_NUL = re.compile(rb"\x00|%00|\\u0000", re.IGNORECASE)


class RefuseNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(PREFIX) and self._has_nul(request):
            problem = ApiProblem(400, "NUL_CHARACTER", "请求中含有空字符（NUL），请删除后重新发送")
            return problem_response(request, problem)
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        address = (request.path + "?" + request.META.get("QUERY_STRING", "")).encode(
            "utf-8", "surrogateescape"
        )
        return bool("\x00" in request.path or _NUL.search(address) or _NUL.search(request.body))
