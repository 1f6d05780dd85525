"""The access matrix's machinery: a world of users and records in several areas, and per-URL cases.

Every URL name in the URL configuration must have an entry in some ``tests/<app>/url_cases.py`` (a dict
``CASES: {url name: [Case, …]}``); a page without one fails ``tests/accounts/test_url_matrix.py``. An app whose
pages need records adds them in ``build_world(world)`` in the same file, registering each with the region it
belongs to and the strings that must never appear on a page of someone who may not see it.

Expectations are written here from first principles (paths and the permission table), not by calling the
selectors under test, so a selector that forgets its scope makes the matrix fail.
"""

from __future__ import annotations

import importlib.util
import pathlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

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
    anonymous: int | None = None
    """Status for an anonymous request when it is neither the login redirect nor ``public`` (the API's 401)."""


def can(user: Any, action: str) -> bool:
    """The permission table as the matrix reads it (a user's department and role)."""
    from jiuzhu.accounts.roles import PERMISSIONS

    return user.is_active and (user.department, user.role) in PERMISSIONS[action]


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
