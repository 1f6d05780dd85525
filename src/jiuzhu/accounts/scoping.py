"""Region scope in one place: every selector, count, export, dropdown and task goes through ``scoped``.

A user sees their region and its descendants. A record outside that scope does not exist for them (404).

How to scope a new model (ledger, documents, …):

* the model reaches a ``regions.Region`` through a foreign key chain: ``scoped(qs, user, via="unit__region")``;
* the model *is* a region: ``scoped(Region.objects.all(), user, via="")``;
* the model stores a region path string (like ``audit.AuditRecord.region_path``):
  ``scoped(qs, user, path_field="region_path")``;
* a rule with an OR (a county sees approved plans that send money to it): build it from ``scope_q`` so that the
  prefix test still comes from here (see ``allocation.selectors.visible_plans``).

Background tasks get the user's id, load the user, and call the same functions: there is no unscoped shortcut.
"""

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.http import Http404

M = TypeVar("M", bound=Model)

#: A path no region has: an inactive or region-less user sees nothing.
NOWHERE = "/nowhere/"


def scope_path(user: Any) -> str:
    """The path prefix of the user's area; an unscoped or inactive user sees nothing."""
    region = getattr(user, "region", None)
    if region is None or not getattr(user, "is_active", False):
        return NOWHERE
    return str(region.path)


def _lookup(via: str, path_field: str | None) -> str:
    if path_field is not None:
        return f"{path_field}__startswith"
    return f"{via}__path__startswith" if via else "path__startswith"


def scope_q(user: Any, *, via: str = "region", path_field: str | None = None) -> Q:
    """The filter "reached region lies within the user's area", to combine with other conditions."""
    return Q(**{_lookup(via, path_field): scope_path(user)})


def scoped(
    queryset: QuerySet[M], user: Any, *, via: str = "region", path_field: str | None = None
) -> QuerySet[M]:
    """Rows whose region (reached through ``via``, or stored as a path in ``path_field``) lies within the area."""
    return queryset.filter(scope_q(user, via=via, path_field=path_field))


def within(user: Any, region: Any) -> bool:
    """Whether one region lies in the user's area (for checks on an object already loaded)."""
    return region is not None and str(region.path).startswith(scope_path(user))


def path_within(user: Any, path: str) -> bool:
    return path.startswith(scope_path(user))


def get_scoped_or_404(
    queryset: QuerySet[M], user: Any, *, via: str = "region", path_field: str | None = None, **lookup: Any
) -> M:
    """One record of the user's area, or 404 — the same answer whether the record is foreign or missing."""
    try:
        return scoped(queryset, user, via=via, path_field=path_field).get(**lookup)
    except ObjectDoesNotExist as exc:
        raise Http404("记录不存在") from exc


def regions_for(user: Any) -> QuerySet[Any]:
    """The regions a user may pick in a dropdown: their area, in tree order."""
    from jiuzhu.regions.models import Region

    return scoped(Region.objects.all(), user, via="").order_by("path")


def top_path() -> str:
    """The path of the installation's top level: the region of ``JIUZHU_TOP_REGION`` (a code) when set, else the
    highest region any active user belongs to (塔城地区 in the demo; a province running one instance for all of
    its prefectures has its users at the province). Nobody can create a user above their own area, so an
    administrator of a county cannot make their county the top level. When several regions are highest (two
    prefectures and no province user), there is no top level until ``JIUZHU_TOP_REGION`` names one."""
    from django.conf import settings

    from jiuzhu.accounts.models import User
    from jiuzhu.regions.models import Region

    code = getattr(settings, "TOP_REGION", "")
    if code:
        region = Region.objects.filter(code=code[:6]).only("path").first()
        return str(region.path) if region else NOWHERE
    paths = set(
        User.objects.filter(is_active=True, region__isnull=False).values_list("region__path", flat=True)
    )
    depth = min((p.count("/") for p in paths), default=0)
    highest = [p for p in paths if p.count("/") == depth]
    # Two prefectures with no province user: no top level until JIUZHU_TOP_REGION names it.
    return highest[0] if len(highest) == 1 else NOWHERE


def is_top_level(user: Any) -> bool:
    """Whether the user belongs to the top level itself (not to an area below it)."""
    path = scope_path(user)
    return path != NOWHERE and path == top_path()


def trail_q(user: Any, *, path_field: str = "region_path") -> Q:
    """Records of the user's area; for the top level also the records of no region (path ``/``: logins of unknown
    usernames, shared reference data, the command line's purges)."""
    q = scope_q(user, path_field=path_field)
    if is_top_level(user):
        q |= Q(**{path_field: "/"})
    return q
