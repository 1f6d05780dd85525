"""监控预警 findings: severities, the rectification state machine, deadlines in working days. Plain Python.

A finding goes 待复核 → 确认 (a problem) or 误报 (a false positive, with the reason) → 整改中 (a measure and a
promised date) → 已整改 when a re-run of its rule no longer finds it, or 已销号 when a checker closes it. A 红
finding closed as 误报 waits for a checker (误报待审核) before it is 误报. A closed finding that a re-run finds
again reopens (待复核, with a reopen count).
"""

import datetime
from collections.abc import Iterable
from enum import StrEnum


class Severity(StrEnum):
    RED = "red"
    YELLOW = "yellow"
    HINT = "hint"

    @property
    def label(self) -> str:
        return SEVERITY_LABELS[self]

    @property
    def badge(self) -> str:
        return SEVERITY_BADGES[self]


SEVERITY_LABELS = {Severity.RED: "红灯", Severity.YELLOW: "黄灯", Severity.HINT: "提示"}
SEVERITY_BADGES = {Severity.RED: "badge-red", Severity.YELLOW: "badge-yellow", Severity.HINT: "badge-grey"}
SEVERITY_ORDER = {Severity.RED: 0, Severity.YELLOW: 1, Severity.HINT: 2}


class State(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    FALSE_POSITIVE_REVIEW = "fp_review"
    FALSE_POSITIVE = "false_positive"
    RECTIFYING = "rectifying"
    RECTIFIED = "rectified"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]

    @property
    def badge(self) -> str:
        return STATE_BADGES[self]

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATES


STATE_LABELS = {
    State.PENDING: "待复核",
    State.CONFIRMED: "已确认",
    State.FALSE_POSITIVE_REVIEW: "误报待审核",
    State.FALSE_POSITIVE: "误报",
    State.RECTIFYING: "整改中",
    State.RECTIFIED: "已整改",
    State.CLOSED: "已销号",
}
STATE_BADGES = {
    State.PENDING: "badge-red",
    State.CONFIRMED: "badge-yellow",
    State.FALSE_POSITIVE_REVIEW: "badge-yellow",
    State.FALSE_POSITIVE: "badge-grey",
    State.RECTIFYING: "badge-blue",
    State.RECTIFIED: "badge-green",
    State.CLOSED: "badge-green",
}
#: States in which the problem still waits for someone (counted as open, with a deadline).
OPEN_STATES = frozenset({State.PENDING, State.CONFIRMED, State.FALSE_POSITIVE_REVIEW, State.RECTIFYING})
#: States a re-run that no longer finds the rows moves to RECTIFIED.
AUTO_RESOLVED_FROM = frozenset({State.PENDING, State.CONFIRMED, State.RECTIFYING})
#: Closed states a re-run that finds the rows again reopens (误报 stays: someone judged it).
REOPENED_FROM = frozenset({State.RECTIFIED, State.CLOSED})


class Transition(StrEnum):
    CONFIRM = "confirm"
    FALSE_POSITIVE = "false_positive"
    FP_APPROVE = "fp_approve"
    FP_RETURN = "fp_return"
    RECTIFY = "rectify"
    CLOSE = "close"
    RESOLVE = "resolve"
    REOPEN = "reopen"

    @property
    def label(self) -> str:
        return TRANSITION_LABELS[self]


TRANSITION_LABELS = {
    Transition.CONFIRM: "确认问题",
    Transition.FALSE_POSITIVE: "认定误报",
    Transition.FP_APPROVE: "误报审核通过",
    Transition.FP_RETURN: "误报退回",
    Transition.RECTIFY: "登记整改措施",
    Transition.CLOSE: "销号",
    Transition.RESOLVE: "复查已消除",
    Transition.REOPEN: "重新出现",
}

#: (transition, from state) → to state. FALSE_POSITIVE's target depends on the severity (``target``).
TRANSITIONS: dict[tuple[Transition, State], State] = {
    (Transition.CONFIRM, State.PENDING): State.CONFIRMED,
    (Transition.FALSE_POSITIVE, State.PENDING): State.FALSE_POSITIVE,
    (Transition.FALSE_POSITIVE, State.CONFIRMED): State.FALSE_POSITIVE,
    (Transition.FP_APPROVE, State.FALSE_POSITIVE_REVIEW): State.FALSE_POSITIVE,
    (Transition.FP_RETURN, State.FALSE_POSITIVE_REVIEW): State.PENDING,
    (Transition.RECTIFY, State.CONFIRMED): State.RECTIFYING,
    (Transition.RECTIFY, State.RECTIFYING): State.RECTIFYING,
    (Transition.CLOSE, State.CONFIRMED): State.CLOSED,
    (Transition.CLOSE, State.RECTIFYING): State.CLOSED,
    **{(Transition.RESOLVE, s): State.RECTIFIED for s in AUTO_RESOLVED_FROM},
    **{(Transition.REOPEN, s): State.PENDING for s in REOPENED_FROM},
}
#: Transitions a clerk takes on the finding's page (the others are a checker's or the rule run's).
CLERK_TRANSITIONS = (Transition.CONFIRM, Transition.FALSE_POSITIVE, Transition.RECTIFY)
CHECKER_TRANSITIONS = (Transition.CLOSE, Transition.FP_APPROVE, Transition.FP_RETURN)


class TransitionRefused(Exception):
    """The transition is not allowed from the finding's state; the message is Chinese."""


def target(transition: Transition, state: State, severity: Severity) -> State:
    """Where ``transition`` takes a finding in ``state``; a 红 false positive first waits for a checker."""
    to = TRANSITIONS.get((transition, state))
    if to is None:
        raise TransitionRefused(f"状态为“{state.label}”的预警不能{transition.label}")
    if transition is Transition.FALSE_POSITIVE and severity is Severity.RED:
        return State.FALSE_POSITIVE_REVIEW
    return to


def allowed(state: State) -> list[Transition]:
    return [t for (t, s) in TRANSITIONS if s is state]


# --- deadlines ------------------------------------------------------------------------------------------

#: Working days to rectify, by severity (settings ``JIUZHU_MONITORING["deadline_days"]`` override them).
DEADLINE_DAYS = {Severity.RED: 3, Severity.YELLOW: 10, Severity.HINT: 20}


def add_working_days(
    start: datetime.date, days: int, holidays: Iterable[datetime.date] = ()
) -> datetime.date:
    """The date ``days`` working days after ``start`` (Monday to Friday, minus ``holidays``)."""
    off = set(holidays)
    day, left = start, days
    while left > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5 and day not in off:
            left -= 1
    return day


def is_overdue(state: State, due_on: datetime.date | None, today: datetime.date) -> bool:
    return state.is_open and due_on is not None and today > due_on
