"""Every URL × every kind of user: the allowed status, and no foreign record's data in the body.

The URL names come from the URL configuration itself, so a new page is in the matrix the moment it is routed;
a page with no cases in any ``tests/<app>/url_cases.py`` fails here until someone says what it should do.
"""

import inspect

import pytest
from django.db import transaction

from urlmatrix import EXTRA_USERS, MATRIX_USERS, World, check, load_registries, url_names

CASES, BUILDERS = load_registries()
URL_NAMES = sorted({name for name, _ in url_names()})

# Each test runs in its own savepoint inside the module's world (pytest-django's django_db), rolled back after.
pytestmark = pytest.mark.django_db


def build_base_world() -> World:
    from jiuzhu.accounts.models import User
    from jiuzhu.demo.scenario import load_demo
    from jiuzhu.regions.models import Region

    load_demo()
    province = Region.objects.get(code="650000")
    Region.objects.create(
        code="654300",
        mof_div_code="654300000",
        name="阿勒泰地区",
        short_name="阿勒泰本级",
        level="prefecture",
        parent=province,
        path="/650000/654300/",
        sort_order=9,
    )
    for username, region, department, role in EXTRA_USERS:
        User.objects.create(
            username=username,
            region=Region.objects.get(code=region),
            department=department,
            role=role,
            display_name=username,
        )
    world = World(
        users={u.username: u for u in User.objects.select_related("region")},
        regions=list(Region.objects.prefetch_related("aliases")),
    )
    for build in BUILDERS:
        build(world)
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The demo and the matrix's extra records, built once for the module and rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_base_world()
        transaction.set_rollback(True)


def test_every_registered_name_is_routed():
    stale = sorted(set(CASES) - set(URL_NAMES))
    assert not stale, f"url_cases for names no longer routed: {stale}"


def test_the_permission_table_is_the_one_the_tests_expect():
    """roles.PERMISSIONS against tests/expected_permissions.py, action by action: changing who may do what is
    a decision written in both places."""
    from expected_permissions import EXPECTED_PERMISSIONS
    from jiuzhu.accounts.roles import PERMISSIONS

    actual = {action: {(str(d), str(r)) for d, r in pairs} for action, pairs in PERMISSIONS.items()}
    assert sorted(actual) == sorted(EXPECTED_PERMISSIONS), "actions differ between roles.py and the tests"
    differences = {
        action: {
            "granted, not expected": sorted(actual[action] - expected),
            "expected, not granted": sorted(expected - actual[action]),
        }
        for action, expected in EXPECTED_PERMISSIONS.items()
        if actual[action] != expected
    }
    assert not differences, differences


def test_the_matrix_has_pages_to_check():
    assert len(URL_NAMES) >= 10
    assert {"allocation:detail", "allocation:export", "home"} <= set(URL_NAMES)


@pytest.mark.parametrize("username", MATRIX_USERS)
@pytest.mark.parametrize("name", URL_NAMES)
def test_access(name, username, world):
    assert name in CASES, (
        f"{name} has no entry in any tests/<app>/url_cases.py: say what each kind of user may do there"
    )
    failures = check(world, name, username, CASES[name])
    assert not failures, "\n".join(failures)


# --- planted faults: the matrix must see each of them ------------------------------------------------------
def _failures(world, names, usernames):
    return [f for name in names for username in usernames for f in check(world, name, username, CASES[name])]


def test_the_matrix_fails_when_a_permission_is_granted_wrongly(world, monkeypatch):
    from jiuzhu.accounts.roles import PERMISSIONS, Department, Role

    names, auditors = ["approvals:approve", "approvals:return"], ["ymx_sj_ck", "dq_sj_ck"]
    assert not _failures(world, names, auditors)
    wrong = PERMISSIONS["ledger.approve"] | {(Department.AUDIT, Role.VIEWER)}
    monkeypatch.setitem(PERMISSIONS, "ledger.approve", wrong)
    failures = _failures(world, names, auditors)
    assert any("expected 403" in f for f in failures), failures


def test_the_matrix_fails_when_a_refused_post_is_carried_out(world, monkeypatch):
    from jiuzhu.ledger import services

    names, refused = ["ledger:retry"], ["ymx_sj_ck", "ymx_cz_sh"]
    assert not _failures(world, names, refused)
    # the retry's only permission check is the service's: without it the page still redirects as expected
    service_globals = inspect.unwrap(services.do_retry_import).__globals__  # wherever the service now lives
    monkeypatch.setitem(service_globals, "require", lambda actor, action: None)
    failures = _failures(world, names, refused)
    assert any("refused (302) but changed" in f for f in failures), failures
    assert not any("expected" in f for f in failures), failures  # the status alone would not have told


def test_the_matrix_fails_when_a_count_or_dropdown_leaks_a_foreign_region(world, monkeypatch):
    from jiuzhu.accounts import views as account_views
    from jiuzhu.approvals import views as approval_views
    from jiuzhu.regions.models import Region

    admins = ["ymx_admin", "admin"]
    assert not _failures(world, ["accounts:admin_home", "approvals:rules"], admins)
    monkeypatch.setattr(account_views, "scoped", lambda queryset, user, **kwargs: queryset)
    counted = _failures(world, ["accounts:admin_home"], admins)
    assert counted and all("个用户" in f for f in counted), counted  # a count alone: no name gave it away
    monkeypatch.setattr(approval_views, "regions_for", lambda user: Region.objects.order_by("path"))
    offered = _failures(world, ["approvals:rules"], admins)
    assert any("dropdown region offers foreign records" in f for f in offered), offered
