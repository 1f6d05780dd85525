import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's async-safety check would refuse the
# ORM calls the tests make beside it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config):
    """Tests hash the demo users' passwords with a fast hasher; Argon2 costs ~0.25 s a user by design.

    tests/db/test_settings.py checks that the real settings put Argon2 first.
    """
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The ledger's synthetic year (thousands of payouts) is loaded by the one test that checks it
    # (tests/ledger/test_demo_year.py), not by every test that uses the demo fixture.
    settings.JIUZHU_DEMO_LEDGER_YEAR = False


@pytest.fixture(autouse=True)
def _empty_cache():
    """The pages keep approved batches' payout pages and the ledger report in the process cache (keyed by batch
    and by the audit chain's head): each test starts without another test's entries."""
    from django.core.cache import cache

    cache.clear()


def _transactional(node) -> bool:
    marker = node.get_closest_marker("django_db")
    return bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))


@pytest.fixture(scope="module")
def _demo_of_module(request, django_db_setup, django_db_blocker):
    """The demo loaded once for a module, in a transaction rolled back at the module's end; each test runs in a
    savepoint inside it (pytest-django's ``db``), so each starts from the demo as loaded. A module whose tests are
    transactional (a live server for the browser commits, then flushes) gets nothing here: ``demo`` loads it for
    each of its tests."""
    if _transactional(request.node):
        yield False
        return
    from django.db import transaction

    from jiuzhu.demo.scenario import load_demo

    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        yield True
        transaction.set_rollback(True)


@pytest.fixture
def demo(request, _demo_of_module):
    """The seed scenario, loaded through the services exactly as `jiuzhu demo` does."""
    if _demo_of_module:
        assert not _transactional(request.node), "a transactional test needs its own module for the demo"
        request.getfixturevalue("db")
        return
    from jiuzhu.demo.scenario import load_demo

    request.getfixturevalue("transactional_db")
    load_demo()


@pytest.fixture
def users(demo):
    from jiuzhu.accounts.models import User

    return {u.username: u for u in User.objects.all()}


@pytest.fixture
def seed_adjustment(demo):
    from jiuzhu.allocation.models import Plan

    return Plan.objects.get(doc_no="塔地财社〔2022〕82号")


@pytest.fixture(scope="session", autouse=True)
def _end_stray_sessions(django_db_setup, django_db_blocker):
    """End PostgreSQL sessions the live server's request threads leave behind.

    Django's live server handles each browser connection in a daemon thread that closes its database
    connection only when the socket closes, which can be after the server is stopped; the test database
    could then not be dropped ("is being accessed by other users").
    """
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
