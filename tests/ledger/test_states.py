"""Status as state machines (core.states): the tables refuse what they do not list, in memory and in SQL, and the
migration that split ImportBatch.status maps the old values."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.utils import timezone

from jiuzhu.allocation.models import PLAN_STATES, PlanStatus
from jiuzhu.approvals import review
from jiuzhu.core.states import IllegalTransition
from jiuzhu.ledger.models import (
    IMPORT_STATES,
    REGISTRATION_STATES,
    REVIEW_STATES,
    ImportBatch,
    ImportStatus,
    RegistrationStatus,
    ReviewStatus,
)

MACHINES = [PLAN_STATES, REGISTRATION_STATES, IMPORT_STATES, REVIEW_STATES]


@pytest.mark.parametrize("machine", MACHINES, ids=lambda m: m.states.__name__)
def test_every_pair_not_in_the_table_is_refused_and_leaves_the_state(machine):
    class Obj:
        pass

    for source in machine.states:
        for target in machine.states:
            obj = Obj()
            setattr(obj, machine.field, source)
            if target in machine.transitions.get(source, ()):
                machine.move(obj, target)
                assert getattr(obj, machine.field) == target
            else:
                with pytest.raises(IllegalTransition, match="状态不能由"):
                    machine.move(obj, target)
                assert getattr(obj, machine.field) == source


def test_labels_and_badges_come_from_the_tables():
    assert (IMPORT_STATES.show("done").label, IMPORT_STATES.show("done").badge) == ("已导入", "approved")
    assert (IMPORT_STATES.show("failed").label, IMPORT_STATES.show("failed").badge) == ("失败", "returned")
    assert REVIEW_STATES.show("returned").label == "已退回"
    assert REGISTRATION_STATES.show("submitted").badge == "submitted"
    assert PLAN_STATES.show(PlanStatus.SUBMITTED).label == "已提交待审核"
    # approved and returned are ends: nothing leaves them (a returned registration is submitted again)
    assert not REVIEW_STATES.transitions.get(ReviewStatus.APPROVED)
    assert not REVIEW_STATES.transitions.get(ReviewStatus.RETURNED)
    assert REGISTRATION_STATES.allowed(RegistrationStatus.RETURNED, RegistrationStatus.SUBMITTED)


@pytest.fixture
def region(db):
    from jiuzhu.regions.models import Region
    from jiuzhu.regions.services import do_load_seed_regions

    do_load_seed_regions()
    return Region.objects.get(code="654225")


def _batch(region, sha, **fields):
    return ImportBatch.objects.create(
        kind=ImportBatch.PAYMENTS,
        region=region,
        filename="x.csv",
        sha256=sha,
        size=1,
        stored_path="",
        **fields,
    )


def test_move_rows_updates_only_rows_in_an_allowed_state(region):
    queued = _batch(region, "a" * 64)
    done = _batch(region, "b" * 64, status=ImportStatus.DONE, review_status=ReviewStatus.APPROVED)
    assert (
        IMPORT_STATES.move_rows(ImportBatch.objects.filter(pk=queued.pk), ImportStatus.RUNNING, attempts=1)
        == 1
    )
    with pytest.raises(IllegalTransition, match="“已导入”变为“导入中”"):
        IMPORT_STATES.move_rows(ImportBatch.objects.filter(pk=done.pk), ImportStatus.RUNNING, attempts=7)
    with pytest.raises(IllegalTransition):  # an approved batch cannot be submitted (or returned) again
        REVIEW_STATES.move_rows(ImportBatch.objects.filter(pk=done.pk), ReviewStatus.SUBMITTED)
    queued.refresh_from_db()
    done.refresh_from_db()
    assert (queued.status, queued.attempts) == (ImportStatus.RUNNING, 1)
    assert (done.status, done.review_status, done.attempts) == ("done", "approved", 0)


def test_the_migration_splits_progress_from_review(region):
    migration = importlib.import_module("jiuzhu.ledger.migrations.0007_import_and_review_status")
    old = {
        "returned": _batch(region, "1" * 64, status="returned"),
        "approved": _batch(region, "2" * 64, status="done", approved_at=timezone.now()),
        "waiting": _batch(region, "3" * 64, status="done"),
        "failed": _batch(region, "4" * 64, status="failed"),
    }
    migration.split_status(django_apps, None)
    now = {name: ImportBatch.objects.get(pk=b.pk) for name, b in old.items()}
    assert {name: (b.status, b.review_status) for name, b in now.items()} == {
        "returned": ("done", "returned"),
        "approved": ("done", "approved"),
        "waiting": ("done", "submitted"),
        "failed": ("failed", ""),
    }
    migration.join_status(django_apps, None)
    assert ImportBatch.objects.get(pk=old["returned"].pk).status == "returned"


def test_each_subject_is_declared_once_and_found_by_its_model(db):
    from jiuzhu.allocation.models import Plan
    from jiuzhu.ledger.models import Registration

    assert {s.key for s in review.subjects()} >= {"allocation.plan", "ledger.registration", "ledger.import"}
    assert review.subject_of(Plan()).key == "allocation.plan"
    assert review.subject_of(Registration()).key == "ledger.registration"
    assert review.subject_of(ImportBatch()).key == "ledger.import"
    with pytest.raises(RuntimeError, match="declared twice"):

        class Again(review.Subject[Plan]):
            key, label, model = "allocation.plan", "又一个", Plan
