"""Matrix cases for the API (see tests/urlmatrix.py). The API answers bearer tokens only: a logged-in session
is no token (401). Its scope per token is checked route by route in test_api_scope.py."""

from jiuzhu.api.api import api
from urlmatrix import Case

_TOKEN_ONLY = [Case("会话不是令牌", expect=lambda w, u: 401, anonymous=401)]
_POST_TOKEN_ONLY = [Case("会话不是令牌", method="post", expect=lambda w, u: 401, anonymous=401)]

CASES = {
    "api_v1:openapi-json": [Case("OpenAPI", public=True)],
    "api_v1:openapi-view": [Case("接口说明页", public=True)],
    "api_v1:api-root": [Case("根路径", expect=lambda w, u: 404, anonymous=404)],
    "api_v1:post_payments": _POST_TOKEN_ONLY,
    "api_v1:post_payouts": _POST_TOKEN_ONLY,
    "api_v1:post_registrations": _POST_TOKEN_ONLY,
}
for _path, _item in api.get_openapi_schema()["paths"].items():
    for _method, _operation in _item.items():
        if _method == "get":
            CASES[f"api_v1:{_operation['operationId'].split('_', 3)[-1]}"] = _TOKEN_ONLY
