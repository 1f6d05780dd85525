"""The access matrix's machinery: a world of users and records in several areas, and per-URL cases.

Every URL name in the URL configuration must have an entry in some ``tests/<app>/url_cases.py`` (a dict
``CASES: {url name: [Case, …]}``); a page without one fails ``tests/accounts/test_url_matrix.py``. An app whose
pages need records adds them in ``build_world(world)`` in the same file, registering each with the region it
belongs to and the strings that must never appear on a page of someone who may not see it.

Expectations are written here from first principles (paths and the tests' own permission table in
``tests/expected_permissions.py``), not by calling the selectors or ``roles.PERMISSIONS`` under test, so a selector that forgets its scope makes the matrix fail.
"""

from __future__ import annotations

import importlib.util
import pathlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from expected_permissions import expected_can

TESTS_DIR = pathlib.Path(__file__).parent

#: Who logs in: a county (裕民县) in every department and role, another county (额敏县), the prefecture
#: (塔城地区) and its audit bureau, and nobody. Seed users (the county finance checkers are in the seed) plus the
#: ones ``build_base_world`` adds.
MATRIX_USERS = [
    "ymx_cz_jb",
    "ymx_cz_sh",
    "ymx_mz_jb",
    "ymx_mz_sh",
    "ymx_sj_ck",
    "ymx_admin",
    "ems_cz_jb",
    "ems_cz_sh",
    "ems_sj_ck",
    "admin",
    "dq_cz_jb",
    "dq_cz_sh",
    "dq_mz_jb",
    "dq_mz_sh",
    "dq_sj_ck",
    "anonymous",
]

EXTRA_USERS = [
    # username, region code, department, role
    ("ymx_mz_jb", "654225", "civil_affairs", "maker"),
    ("ymx_mz_sh", "654225", "civil_affairs", "checker"),
    ("ymx_sj_ck", "654225", "audit", "viewer"),
    ("ymx_admin", "654225", "finance", "admin"),
    ("ems_sj_ck", "654221", "audit", "viewer"),
    # Another prefecture entirely, so that even the prefecture's users have something foreign.
    ("alt_cz_jb", "654300", "finance", "maker"),
    ("alt_cz_sh", "654300", "finance", "checker"),
]


@dataclass
class Thing:
    """A record of the world: where it belongs, who may see it, and what text gives it away."""

    obj: Any
    region_path: str
    markers: list[str]
    visible_to: Callable[[World, Any], bool] | None = None


@dataclass
class World:
    users: dict[str, Any] = field(default_factory=dict)
    things: dict[str, Thing] = field(default_factory=dict)
    regions: list[Any] = field(default_factory=list)

    def add(
        self,
        name: str,
        obj: Any,
        *,
        region_path: str,
        markers: list[str],
        visible_to: Callable[[World, Any], bool] | None = None,
    ) -> Any:
        self.things[name] = Thing(obj, region_path, markers, visible_to)
        return obj

    def __getitem__(self, name: str) -> Any:
        return self.things[name].obj

    # --- first principles -------------------------------------------------------------------------------
    @staticmethod
    def area(user: Any) -> str | None:
        if user is None or not user.is_active or user.region is None:
            return None
        return str(user.region.path)

    def in_area(self, user: Any, path: str) -> bool:
        area = self.area(user)
        return area is not None and path.startswith(area)

    def sees(self, user: Any, name: str) -> bool:
        thing = self.things[name]
        if user is None:
            return False
        if thing.visible_to is not None:
            return thing.visible_to(self, user)
        return self.in_area(user, thing.region_path)

    def forbidden_markers(self, user: Any) -> set[str]:
        """Text that must not appear in the user's response: foreign records, foreign regions and users."""
        area = self.area(user) or "/nowhere/"
        markers: set[str] = set()
        for name, thing in self.things.items():
            if not self.sees(user, name):
                markers.update(thing.markers)
        for region in self.regions:
            if region.path.startswith(area):
                continue
            if area.startswith(region.path):  # an ancestor: its name is the issuer of what the user receives
                if region.level == "prefecture":
                    markers.add(region.short_name)  # 地区本级: the prefecture's own row is not a county's
                continue
            markers.update({region.name, region.short_name, *[a.alias for a in region.aliases.all()]})
        for other in self.users.values():
            path = other.region.path if other.region else "/"
            if not path.startswith(area) and not area.startswith(path):
                markers.add(other.username)
        return markers


@dataclass(frozen=True)
class Count:
    """A number the page prints, as a regular expression with one group of digits (``r"（(\\d+) 个用户）"``),
    and its value from first principles; 0 means the text must not be on the page at all."""

    pattern: str
    expected: Callable[[World, Any], int]


@dataclass(frozen=True)
class Case:
    """One request to make for a URL name, as every matrix user."""

    label: str = ""
    kwargs: Callable[[World], dict[str, Any]] = lambda w: {}
    method: str = "get"
    data: Callable[[World], dict[str, Any]] = lambda w: {}
    expect: Callable[[World, Any], int] = lambda w, u: 200
    """Status for a logged-in user; anonymous users always get the login redirect unless ``public``."""
    public: bool = False
    query: str = ""
    state: Callable[[World], Any] | None = None
    """For a POST: a snapshot of what the write changes (a row, a count), taken before and after the request.
    The audit trail's length is always compared as well: every write records, every refusal records nothing."""
    writes: Callable[[World, Any], bool] | None = None
    """For a POST whose expected status is 302: whether the write is carried out for this user (default: yes).
    A redirect that only carries the service's refusal says ``writes=…`` returning False. Any other expected
    status (403, 404, 405, 200 with the problems) means nothing changes."""
    counts: tuple[Count, ...] = ()
    """Numbers the page shows (on a 200), checked against the user's area."""
    region_levels: tuple[str, ...] = ()
    """The levels a region dropdown of the page offers when it is not every region of the area (a county's
    payouts only: ``("county",)``); it must then offer every region of the area at those levels and no other."""
    anonymous: int | None = None
    """Status for an anonymous request when it is neither the login redirect nor ``public`` (the API's 401)."""


def can(user: Any, action: str) -> bool:
    """The tests' own permission table (tests/expected_permissions.py), never ``roles.PERMISSIONS``: a permission
    granted wrongly in the application then shows as a status the matrix did not expect."""
    return expected_can(user, action)


def only_with(action: str, status: int = 200) -> Callable[[World, Any], int]:
    return lambda w, u: status if can(u, action) else 403


def scoped_thing(name: str, action: str, status: int = 200) -> Callable[[World, Any], int]:
    """A record page behind a permission: 403 without it, 404 for a foreign record, else ``status``."""

    def expect(w: World, u: Any) -> int:
        if not can(u, action):
            return 403
        return status if w.sees(u, name) else 404

    return expect


# --- the URL configuration --------------------------------------------------------------------------------
def url_names(
    resolver: URLResolver | None = None, namespace: str = "", prefix: str = ""
) -> Iterator[tuple[str, str]]:
    """(name, route) of every pattern, namespaced like ``reverse`` wants it; unnamed patterns come back as such."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_names(entry, ns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            yield (f"{namespace}{entry.name}" if entry.name else f"<unnamed {route}>", route)


def load_registries() -> tuple[dict[str, list[Case]], list[Callable[[World], None]]]:
    """Every ``tests/*/url_cases.py``: their CASES merged (a name twice is an error) and their world builders."""
    cases: dict[str, list[Case]] = {}
    builders: list[Callable[[World], None]] = []
    for path in sorted(TESTS_DIR.glob("*/url_cases.py")):
        spec = importlib.util.spec_from_file_location(f"url_cases_{path.parent.name}", path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for name, entries in module.CASES.items():
            if name in cases:
                raise AssertionError(f"{name} has url cases in two files")
            cases[name] = entries
        if hasattr(module, "build_world"):
            builders.append(module.build_world)
    return cases, builders


def body_text(response: Any) -> str:
    """What a person would read in the response: the text of HTML/JSON/CSV/DOCX/PDF, every cell of an XLSX."""
    content_type = response.get("Content-Type", "")
    raw = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    if "wordprocessingml" in content_type or content_type.startswith("application/pdf"):
        from jiuzhu.documents.extract import extract_text

        return extract_text(raw)
    if "spreadsheetml" in content_type:
        import io

        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True)
        return "\n".join(
            " ".join("" if v is None else str(v) for v in row)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    return raw.decode("utf-8", errors="replace")


# --- the check ------------------------------------------------------------------------------------------------
BACKEND = "django.contrib.auth.backends.ModelBackend"


#: What a refused attempt itself records (the attempt, not a write): left out of the trail's state.
REFUSALS = ("access.denied", "access.not_found", "action.refused")


def trail_state() -> tuple[int, int | None]:
    """The audit trail's writes, as length and last id: every write adds a record; a refusal adds none but the
    record of the attempt."""
    from jiuzhu.audit.models import AuditRecord

    writes = AuditRecord.objects.exclude(action__in=REFUSALS)
    return writes.count(), writes.order_by("-id").values_list("id", flat=True).first()


def row_of(name: str, *, subject: str = "") -> Callable[[World], Any]:
    """A ``Case.state``: the world record's stored row (None once deleted) and, for a reviewable ``subject``
    (``"allocation.plan"``, …), the number of review steps recorded for it (an approval that is one of two
    changes no field of the record)."""

    def state(w: World) -> Any:
        obj = w[name]
        row = type(obj)._default_manager.filter(pk=obj.pk).values().first()
        if not subject:
            return row
        from jiuzhu.approvals.models import Approval

        return row, Approval.objects.filter(subject=subject, object_id=obj.pk).count()

    return state


def count_of(model: str) -> Callable[[World], int]:
    """A ``Case.state`` for a write that creates a record (``"cards.Complaint"``): how many there are."""

    def state(w: World) -> int:
        from django.apps import apps

        return int(apps.get_model(model)._default_manager.count())

    return state


def _option_paths(select: str, offered: set[str]) -> dict[str, str] | None:
    """For a dropdown that lists records of an area: option value → the record's region path (read directly).
    A region dropdown's values are the regions' ids or, on the filter pages, their codes."""
    if select == "region":
        from jiuzhu.regions.models import Region

        by_code = dict(Region.objects.values_list("code", "path"))
        if offered and offered <= set(by_code):
            return by_code
        return {str(pk): path for pk, path in Region.objects.values_list("pk", "path")}
    if select == "batch":
        from jiuzhu.ledger.models import ImportBatch

        return {str(pk): path for pk, path in ImportBatch.objects.values_list("pk", "region__path")}
    return None


class _Selects(HTMLParser):
    """The option values of every <select name=…> of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.current: str | None = None
        self.options: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "select":
            self.current = values.get("name") or ""
            self.options.setdefault(self.current, [])
        elif tag == "option" and self.current is not None:
            self.options[self.current].append(values.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.current = None


def _select_failures(
    where: str, world: World, user: Any, text: str, levels: tuple[str, ...] = ()
) -> list[str]:
    parser = _Selects()
    parser.feed(text)
    failures = []
    for select, values in parser.options.items():
        offered = {v for v in values if v}
        paths = _option_paths(select, offered)
        if paths is None:
            continue
        foreign = sorted(v for v in offered if v not in paths or not world.in_area(user, paths[v]))
        if foreign:
            failures.append(f"{where}: dropdown {select} offers foreign records {foreign}")
        if select == "region":
            own = {v for v, path in paths.items() if world.in_area(user, path)}
            if levels:
                level = {r.path: r.level for r in world.regions}
                other = sorted(v for v in offered & own if level.get(paths[v]) not in levels)
                if other:
                    failures.append(f"{where}: dropdown region offers regions of another level {other}")
                own = {v for v in own if level.get(paths[v]) in levels}
                offered = offered - set(other)
            if offered - set(foreign) != own:
                failures.append(
                    f"{where}: dropdown region misses regions of the area {sorted(own - offered)}"
                )
    return failures


def _count_failures(where: str, world: World, user: Any, case: Case, text: str) -> list[str]:
    failures = []
    for count in case.counts:
        found = [int(x) for x in re.findall(count.pattern, text)]
        expected = count.expected(world, user)
        if found != ([expected] if expected else []):
            failures.append(f"{where}: shows {count.pattern} as {found}, expected {expected}")
    return failures


def _state_failures(
    where: str, world: World, user: Any, case: Case, expected: int, before: Any, after: Any
) -> list[str]:
    must_write = user is not None and expected == 302 and (case.writes is None or case.writes(world, user))
    trail_changed = before[0] != after[0]
    record_changed = before[1] != after[1]
    if must_write:
        failures = [] if trail_changed else [f"{where}: the write left no audit record"]
        if case.state is not None and not record_changed:
            failures.append(f"{where}: the write changed nothing")
        return failures
    if trail_changed or record_changed:
        what = "its record" if record_changed else "the audit trail"
        return [f"{where}: refused ({expected}) but changed {what}"]
    return []


def check_case(world: World, name: str, user: Any, case: Case, forbidden: set[str]) -> list[str]:
    """One request as one user: status, state before/after (POST), foreign text, counts and dropdowns."""
    client = Client()
    if user is not None:
        client.force_login(user, backend=BACKEND)
    anonymous = case.anonymous or (200 if case.public else 302)
    expected = anonymous if user is None else case.expect(world, user)
    url = reverse(name, kwargs=case.kwargs(world)) + case.query
    post = case.method == "post"
    with transaction.atomic():  # each request's writes are rolled back: the next case sees the same world
        before = (trail_state(), case.state(world) if case.state else None) if post else None
        response = getattr(client, case.method)(url, data=case.data(world))
        after = (trail_state(), case.state(world) if case.state else None) if post else None
        transaction.set_rollback(True)
    where = f"{case.method.upper()} {url} [{case.label}]"
    failures = []
    if response.status_code != expected:
        failures.append(f"{where}: {response.status_code}, expected {expected}")
    login = user is None and not case.public and response.status_code == 302
    if login and not response["Location"].startswith("/login/"):
        failures.append(f"{where}: anonymous sent to {response['Location']}, not to the login page")
    if post:
        failures += _state_failures(where, world, user, case, expected, before, after)
    text = body_text(response)
    leaked = sorted(m for m in forbidden if m and m in text)
    if leaked:
        failures.append(f"{where}: shows foreign {leaked}")
    if user is not None and response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
        failures += _count_failures(where, world, user, case, text)
        failures += _select_failures(where, world, user, text, case.region_levels)
    return failures


def check(world: World, name: str, username: str, cases: list[Case]) -> list[str]:
    """Every case of a URL name as one matrix user; the failures, described (empty: the user is served right).

    The test calls this for each name × user; tests that plant a fault call it directly and read the list."""
    user = None if username == "anonymous" else world.users[username]
    forbidden = world.forbidden_markers(user)
    failures: list[str] = []
    for case in cases:
        failures += check_case(world, name, user, case, forbidden)
    return failures
