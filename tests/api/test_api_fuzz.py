"""schemathesis against the OpenAPI document: no server error and no response outside the schema, on every
operation, with generated parameters and bodies (a few examples each, so the suite stays fast)."""

import pytest
import schemathesis
from api_helpers import YUMIN, make_token, register_yumin
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from jiuzhu.api.api import api

EXAMPLES = 12


def operations():
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    return schema, [result.ok() for result in schema.get_all_operations()]


@pytest.fixture
def same_connection():
    """The WSGI handler closes old connections around each request (Django's test client does not); the test's
    transaction must stay open, as it does under the test client."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(seed, settings, same_connection):
    settings.JIUZHU_API_RATE_PER_MINUTE = 100_000
    register_yumin(seed)
    return make_token(YUMIN)


def test_fuzz_every_operation(token):
    """One seed for all operations (the suite stays fast); each operation gets its own examples."""
    _, found = operations()
    assert len(found) == sum(len(item) for item in api.get_openapi_schema()["paths"].values())
    headers = {"Authorization": f"Bearer {token}"}
    for operation in found:
        fuzz(operation, headers)


def fuzz(operation, headers):
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(data=st.data())
    def run(data):
        case = data.draw(operation.as_strategy())
        response = case.call(headers=headers)
        case.validate_response(
            response,
            checks=[not_a_server_error, response_schema_conformance, status_code_conformance],
            headers=headers,
        )

    run()
