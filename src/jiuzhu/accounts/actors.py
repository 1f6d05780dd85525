"""Who does a write: a logged-in ``User``, or the command line's operator (``ledger.actors.SystemActor``).

Services that either may call take an ``Actor``; services that store their actor as a user (a plan's maker, an
approval) or read a user's department take a ``User``.
"""

from typing import Protocol

from jiuzhu.regions.models import Region


class Actor(Protocol):
    """What services read of whoever acts: the name for the audit trail, the region, the permission check."""

    @property
    def username(self) -> str: ...

    @property
    def is_active(self) -> bool: ...

    @property
    def region(self) -> Region | None: ...

    @property
    def region_id(self) -> int | None: ...

    def can(self, action: str) -> bool: ...
