"""The one table of audited actions: codes unique, each with a Chinese name, stored as plain codes."""

import re

import pytest

from jiuzhu.audit.actions import BY_CODE, AuditAction, action_label, action_of

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_action_has_a_unique_code_and_a_chinese_label():
    codes = [a.value for a in AuditAction]
    assert len(codes) == len(set(codes)) == len(BY_CODE)
    for action in AuditAction:
        assert re.fullmatch(r"[a-z]+\.[a-z_]+", action.value), action
        assert CJK.search(action.label), action


def test_a_member_is_its_code():
    assert AuditAction.LEDGER_REGISTER == "ledger.register"
    assert f"{AuditAction.ALLOCATION_APPROVE}" == "allocation.approve"
    assert action_label("allocation.approve") == "审核通过"
    assert action_of("ledger.import_failed") is AuditAction.LEDGER_IMPORT_FAILED


def test_an_unknown_code():
    assert action_label("gone.action") == "gone.action"
    with pytest.raises(KeyError):
        action_of("ledger.import_running")


def test_a_record_stores_the_plain_code(db):
    from django.db import transaction

    from jiuzhu.audit.models import AuditRecord
    from jiuzhu.audit.services import record, verify_chain

    with transaction.atomic():
        record(actor="system", action=AuditAction.REFERENCE_CODE, entity="2022/2081901")
    stored = AuditRecord.objects.get()
    assert type(stored.action) is str and stored.action == "reference.code"
    assert verify_chain() is None
