"""Every URL × every kind of user: the allowed status, and no foreign record's data in the body.

The URL names come from the URL configuration itself, so a new page is in the matrix the moment it is routed;
a page with no cases in any ``tests/<app>/url_cases.py`` fails here until someone says what it should do.
"""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from urlmatrix import EXTRA_USERS, MATRIX_USERS, Case, World, body_text, load_registries, url_names

CASES, BUILDERS = load_registries()
URL_NAMES = sorted({name for name, _ in url_names()})
BACKEND = "django.contrib.auth.backends.ModelBackend"

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


def test_the_matrix_has_pages_to_check():
    assert len(URL_NAMES) >= 10
    assert {"allocation:detail", "allocation:export", "home"} <= set(URL_NAMES)


def _request(client: Client, world: World, case: Case, name: str):
    url = reverse(name, kwargs=case.kwargs(world)) + case.query
    with transaction.atomic():
        response = getattr(client, case.method)(url, data=case.data(world))
        transaction.set_rollback(True)
    return url, response


@pytest.mark.parametrize("username", MATRIX_USERS)
@pytest.mark.parametrize("name", URL_NAMES)
def test_access(name, username, world):
    assert name in CASES, (
        f"{name} has no entry in any tests/<app>/url_cases.py: say what each kind of user may do there"
    )
    user = None if username == "anonymous" else world.users[username]
    forbidden = world.forbidden_markers(user)
    failures = []
    for case in CASES[name]:
        client = Client()
        if user is not None:
            client.force_login(user, backend=BACKEND)
        url, response = _request(client, world, case, name)
        anonymous = case.anonymous or (200 if case.public else 302)
        expected = anonymous if user is None else case.expect(world, user)
        if response.status_code != expected:
            failures.append(
                f"{case.method.upper()} {url} [{case.label}]: {response.status_code}, expected {expected}"
            )
        if user is None and not case.public and response.status_code == 302:
            assert response["Location"].startswith("/login/")
        leaked = sorted(m for m in forbidden if m and m in body_text(response))
        if leaked:
            failures.append(f"{case.method.upper()} {url} [{case.label}]: shows foreign {leaked}")
    assert not failures, "\n".join(failures)
