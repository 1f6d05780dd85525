"""Status as an explicit state machine: the states (a ``TextChoices`` enum with Chinese labels), the badge CSS
class of each, and the table of allowed transitions, kept together beside the model that uses them.

Every change of such a status goes through ``Machine.move`` (one object) or ``Machine.move_rows`` (a queryset,
guarded in its WHERE clause); both refuse a transition the table does not allow. Templates read a state's label
and badge from ``Machine.show(value)`` instead of chains of ``if``.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import models

from .errors import ActionRefused

S = TypeVar("S", bound=models.TextChoices)


class IllegalTransition(ActionRefused):
    """A status change the machine's table does not allow."""


@dataclass(frozen=True)
class Shown:
    """A state as a page shows it: ``<span class="status {{ badge }}">{{ label }}</span>``."""

    value: str
    label: str
    badge: str

    def __str__(self) -> str:
        return self.label


class Machine(Generic[S]):
    """The states of one status field, their badges and the allowed transitions (source → targets)."""

    def __init__(
        self,
        states: type[S],
        *,
        transitions: Mapping[S, Iterable[S]],
        badges: Mapping[S, str],
        field: str = "status",
    ) -> None:
        self.states, self.field = states, field
        self.transitions = {source: frozenset(targets) for source, targets in transitions.items()}
        self.badges = dict(badges)
        unknown = {*self.transitions, *self.badges} - set(states)
        for targets in self.transitions.values():
            unknown |= set(targets) - set(states)
        if unknown:
            raise ValueError(f"states not in {states.__name__}: {sorted(unknown)}")

    def show(self, value: str) -> Shown:
        try:
            state = self.states(value)
        except ValueError:
            return Shown(value, value, "")
        return Shown(state.value, str(state.label), self.badges.get(state, ""))

    def allowed(self, source: str, target: str) -> bool:
        return self.states(target) in self.transitions.get(self.states(source), frozenset())

    def sources(self, target: str) -> list[S]:
        """The states from which ``target`` may be reached."""
        return [s for s, targets in self.transitions.items() if self.states(target) in targets]

    def _refuse(self, source: str, target: str) -> IllegalTransition:
        return IllegalTransition(f"状态不能由“{self.show(source).label}”变为“{self.show(target).label}”")

    def move(self, obj: Any, target: str) -> None:
        """Set ``obj``'s status to ``target`` (the caller saves), or refuse an illegal transition."""
        source = getattr(obj, self.field)
        if not self.allowed(source, target):
            raise self._refuse(source, target)
        setattr(obj, self.field, self.states(target))

    def move_rows(self, queryset: "models.QuerySet[Any]", target: str, **fields: Any) -> int:
        """Move every row of ``queryset`` to ``target`` (with ``fields``) in one UPDATE that only touches rows in
        an allowed source state; refuses when no row could move."""
        moved = queryset.filter(**{f"{self.field}__in": self.sources(target)}).update(
            **{self.field: self.states(target)}, **fields
        )
        if not moved:
            current = queryset.values_list(self.field, flat=True).first()
            raise self._refuse(current or "", target)
        return int(moved)
