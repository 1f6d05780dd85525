"""``Subject`` leaves three hooks abstract (on approval, on return, the page): every declared subject implements
them, and a subject declared without them is refused before it is registered."""

import pytest

from jiuzhu.allocation.models import Plan
from jiuzhu.approvals import review
from jiuzhu.approvals.subjects import SUBJECTS

HOOKS = {"on_approve", "on_return", "page"}


def test_the_three_hooks_are_abstract():
    assert review.Subject.__abstractmethods__ == HOOKS


def test_every_declared_subject_implements_them():
    declared = {subject.key: type(subject) for subject in review.subjects()}
    assert set(declared) >= {
        "allocation.plan",
        "ledger.registration",
        "ledger.import",
        "ledger.year_end",
        "yearend.recovery",
        "monitoring.false_positive",
    }
    assert {key: cls.__abstractmethods__ for key, cls in declared.items() if cls.__abstractmethods__} == {}


def test_every_declared_subject_can_be_chosen_for_an_approval_rule():
    """The rule's field takes its choices from ``SUBJECTS`` when the models load, before the review modules run."""
    from jiuzhu.approvals.models import ApprovalRule

    choices = dict(ApprovalRule._meta.get_field("subject").choices)
    assert {s.key for s in review.subjects()} - set(choices) == set()
    assert choices["yearend.recovery"] == "收回"


def test_a_subject_without_its_hooks_is_refused_and_not_registered():
    with pytest.raises(TypeError, match=r"'tests\.half' does not implement on_approve, on_return, page$"):

        class Half(review.Subject[Plan]):
            key, label, model = "tests.half", "半个方案", Plan

    assert review.subject_named("tests.half") is None
    assert "tests.half" not in SUBJECTS


def test_a_subject_missing_one_hook_names_it():
    with pytest.raises(TypeError, match=r"does not implement page$"):

        class NoPage(review.Subject[Plan]):
            key, label, model = "tests.no_page", "无页面", Plan

            def on_approve(self, obj, actor):
                return None

            def on_return(self, obj, actor, reason):
                return {}

    assert review.subject_named("tests.no_page") is None
