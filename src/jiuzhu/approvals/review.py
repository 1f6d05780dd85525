"""One review flow for everything a checker approves or returns (see the module docstring of ``approvals``).

``approve(obj, actor)`` and ``return_(obj, actor, reason=…)`` do, in one transaction: the permission, the lock,
the reviewer check, the round's step (``services.add_approval`` / ``add_return``: makers refused, thresholds from
``ApprovalRule``), the subject's move on (once the round is complete, after checking that it still fits) and
the one audit record. ``panel(obj, user)`` is what the buttons' include ``approvals/_review.html`` shows.
"""

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from django.db import models, transaction
from django.urls import reverse

from jiuzhu.accounts.actions import require
from jiuzhu.accounts.scoping import scoped, within
from jiuzhu.audit.actions import action_of
from jiuzhu.audit.services import record
from jiuzhu.core.errors import ActionRefused
from jiuzhu.core.states import Machine

from .services import RoundState, add_approval, add_return, round_state, submitters
from .subjects import SUBJECTS

M = TypeVar("M", bound=models.Model)


class Reviewable(Protocol[M]):
    """What the review flow asks of a subject. ``Subject`` gives every answer a default but three: what happens
    on approval, on return, and the object's page."""

    key: str
    label: str
    model: type[M]
    permission: str
    audit: str

    def visible(self, actor: Any) -> "models.QuerySet[M]": ...
    def lock(self, obj: M) -> M: ...
    def waiting(self, obj: M) -> bool: ...
    def region(self, obj: M) -> Any: ...
    def refusal(self, actor: Any, obj: M) -> str: ...
    def makers(self, obj: M) -> set[int]: ...
    def fits(self, obj: M) -> None: ...
    def on_approve(self, obj: M, actor: Any) -> None: ...
    def after_approve(self, obj: M, actor: Any) -> None: ...
    def on_return(self, obj: M, actor: Any, reason: str) -> dict[str, Any]: ...
    def entity(self, obj: M) -> str: ...
    def facts(self, obj: M) -> dict[str, Any]: ...
    def page(self, obj: M) -> str: ...


#: key → the declared subject; filled by declaring a ``Subject`` subclass.
REGISTRY: dict[str, "Subject[Any]"] = {}


class Subject(ABC, Generic[M]):
    """A subject of review. Subclassing it with a ``key`` declares and registers the subject; the subclass (or a
    base of it) must implement ``on_approve``, ``on_return`` and ``page``.

    Defaults: the object waits while its ``states`` allow it to become ``approved`` (without ``states``: while
    its ``status`` is ``"submitted"``), it has a region reached through
    ``region_via``; its checker holds ``permission`` within that region; its makers are everyone who submitted it.
    """

    key: ClassVar[str] = ""
    label: ClassVar[str] = ""
    model: Any = None
    permission: ClassVar[str] = ""
    #: audit action prefix: ``{audit}approve``, ``{audit}approve_partial``, ``{audit}return``
    audit: ClassVar[str] = ""
    region_via: ClassVar[str] = "region"
    related: ClassVar[tuple[str, ...]] = ()
    #: the status's state machine (``core.states``): the object waits while it may move to ``approved``
    states: ClassVar[Machine[Any] | None] = None
    status_field: ClassVar[str] = "status"
    not_waiting: ClassVar[str] = "只有待审核的{label}可以{verb}"
    approved_message: ClassVar[str] = "已审核通过"
    returned_message: ClassVar[str] = "已退回经办人"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.key:
            return
        if cls.key in REGISTRY and type(REGISTRY[cls.key]).__qualname__ != cls.__qualname__:
            raise RuntimeError(f"review subject {cls.key!r} is declared twice")
        # ABCMeta marks the class abstract only after __init_subclass__, so cls() here would not refuse it.
        hooks = {name for base in cls.__mro__[1:] for name in getattr(base, "__abstractmethods__", ())}
        missing = sorted(n for n in hooks if getattr(getattr(cls, n), "__isabstractmethod__", False))
        if missing:
            raise TypeError(f"review subject {cls.key!r} does not implement {', '.join(missing)}")
        REGISTRY[cls.key] = cls()
        SUBJECTS.setdefault(cls.key, cls.label)

    def visible(self, actor: Any) -> "models.QuerySet[M]":
        return scoped(self.model._default_manager.all(), actor, via=self.region_via)

    def lock(self, obj: M) -> M:
        manager = self.model._default_manager
        return manager.select_for_update().select_related(*self.related).get(pk=obj.pk)  # type: ignore[no-any-return]

    def waiting(self, obj: M) -> bool:
        if self.states is not None:
            return self.states.allowed(getattr(obj, self.states.field), "approved")
        return bool(getattr(obj, self.status_field) == "submitted")

    def region(self, obj: M) -> Any:
        value: Any = obj
        for part in self.region_via.split("__"):
            value = getattr(value, part)
        return value

    def refusal(self, actor: Any, obj: M) -> str:
        if not actor.can(self.permission):
            return "您没有执行此操作的权限"
        if not within(actor, self.region(obj)):
            return "该地区不在您的管辖范围内"
        return ""

    def makers(self, obj: M) -> set[int]:
        return submitters(self.key, obj.pk)

    def fits(self, obj: M) -> None:
        return None

    @abstractmethod
    def on_approve(self, obj: M, actor: Any) -> None:
        """Move the object on once the round is complete (after ``fits``)."""

    def after_approve(self, obj: M, actor: Any) -> None:
        return None

    @abstractmethod
    def on_return(self, obj: M, actor: Any, reason: str) -> dict[str, Any]:
        """Send the object back with ``reason``; what it did besides goes into the audit record."""

    def entity(self, obj: M) -> str:
        return f"{self.key}#{obj.pk}"

    def facts(self, obj: M) -> dict[str, Any]:
        return {"status": getattr(obj, self.states.field if self.states else self.status_field)}

    @abstractmethod
    def page(self, obj: M) -> str:
        """The URL of the object's page."""


def subject_named(key: str) -> Subject[Any] | None:
    return REGISTRY.get(key)


def subject_of(obj: Any, key: str = "") -> Subject[Any]:
    """The declared subject of ``obj`` (by ``key``, else the one declared for its model)."""
    if key:
        return REGISTRY[key]
    found = [s for s in REGISTRY.values() if isinstance(obj, s.model)]
    if len(found) != 1:
        raise LookupError(f"{type(obj).__name__} is the model of {len(found)} review subjects: pass key=")
    return found[0]


def subjects() -> Iterator[Subject[Any]]:
    return iter(REGISTRY.values())


def _locked_for_review(subject: Subject[Any], obj: Any, actor: Any, verb: str) -> Any:
    require(actor, subject.permission)
    obj = subject.lock(obj)
    refusal = subject.refusal(actor, obj)
    if refusal:
        raise ActionRefused(refusal)
    if not subject.waiting(obj):
        raise ActionRefused(subject.not_waiting.format(label=subject.label, verb=verb))
    return obj


@transaction.atomic
def approve(obj: Any, actor: Any, *, ip: str = "", key: str = "") -> RoundState:
    """A checker approves; once the round is complete the subject moves on. Returns the round's state."""
    subject = subject_of(obj, key)
    obj = _locked_for_review(subject, obj, actor, "审核")
    state = add_approval(subject=subject.key, object_id=obj.pk, actor=actor, makers=subject.makers(obj))
    if state.complete:
        subject.fits(obj)
        subject.on_approve(obj, actor)
    record(
        actor=actor,
        action=action_of(subject.audit + ("approve" if state.complete else "approve_partial")),
        entity=subject.entity(obj),
        region_path=subject.region(obj).path,
        ip=ip,
        after={**subject.facts(obj), "approvals": state.approvers, "required": state.required},
    )
    if state.complete:
        subject.after_approve(obj, actor)
    return state


@dataclass(frozen=True)
class Returned:
    reason: str
    facts: dict[str, Any] = field(default_factory=dict)
    """What the subject's return did besides (for example ``rows_removed``)."""


@transaction.atomic
def return_(obj: Any, actor: Any, *, reason: str, ip: str = "", key: str = "") -> Returned:
    """A checker sends the submission back to its maker with the reason (required)."""
    subject = subject_of(obj, key)
    obj = _locked_for_review(subject, obj, actor, "退回")
    before = subject.facts(obj)
    step = add_return(
        subject=subject.key, object_id=obj.pk, actor=actor, reason=reason, makers=subject.makers(obj)
    )
    extra = subject.on_return(obj, actor, step.reason)
    record(
        actor=actor,
        action=action_of(subject.audit + "return"),
        entity=subject.entity(obj),
        region_path=subject.region(obj).path,
        ip=ip,
        before=before,
        after={**subject.facts(obj), "reason": step.reason, **extra},
    )
    return Returned(step.reason, extra)


@dataclass(frozen=True)
class Panel:
    """The review state of one object for one user: the round, and which of the two buttons they get."""

    key: str
    pk: int
    round: RoundState
    waiting: bool
    can_approve: bool
    can_return: bool

    @property
    def approve_url(self) -> str:
        return reverse("approvals:approve", kwargs={"subject": self.key, "pk": self.pk})

    @property
    def return_url(self) -> str:
        return reverse("approvals:return", kwargs={"subject": self.key, "pk": self.pk})


def panel(obj: Any, user: Any, *, key: str = "") -> Panel:
    """Which buttons to show; ``approve`` and ``return_`` refuse the same things whatever the page shows."""
    subject = subject_of(obj, key)
    state = round_state(subject.key, obj.pk)
    waiting = subject.waiting(obj)
    may = waiting and not subject.refusal(user, obj)
    if may:
        submitter = state.submitted.actor_id if state.submitted else None
        may = user.pk not in subject.makers(obj) | {submitter}
    return Panel(subject.key, obj.pk, state, waiting, may and not state.approved_by(user), may)
