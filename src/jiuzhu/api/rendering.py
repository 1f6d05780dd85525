"""JSON as the API writes it: Chinese text as it is (not ``\\u`` escapes), UTF-8."""

import json
from collections.abc import Mapping
from typing import Any

from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder


def dumps(data: Any) -> str:
    return json.dumps(data, cls=NinjaJSONEncoder, ensure_ascii=False)


class UnescapedJSONRenderer(JSONRenderer):
    json_dumps_params: Mapping[str, Any] = {"ensure_ascii": False}
