"""The chain's tail: an anchor the audit bureau kept proves that nothing before it was removed or changed."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client
from test_trail import tamper

from jiuzhu.audit.anchor import head
from jiuzhu.audit.models import AuditRecord
from jiuzhu.audit.services import find_break, record
from jiuzhu.cli import resolve_argv

pytestmark = pytest.mark.django_db


def _records(n: int, start: int = 0) -> list[AuditRecord]:
    with transaction.atomic():
        return [
            record(actor="tester", action="test.write", entity=f"对象{i}", region_path="/650000/654200/")
            for i in range(start, start + n)
        ]


def _anchor(tmp_path, name="anchor.json"):
    path = tmp_path / name
    out = io.StringIO()
    call_command("audit_anchor", "--out", str(path), stdout=out)
    return path, json.loads(path.read_text(encoding="utf-8")), out.getvalue()


def _verify(path):
    out = io.StringIO()
    call_command("audit_verify", "--anchor", str(path), stdout=out)
    return out.getvalue()


def test_the_anchor_names_the_head(tmp_path):
    recs = _records(5)
    path, data, out = _anchor(tmp_path)
    assert (data["seq"], data["hash"], data["count"]) == (recs[-1].pk, recs[-1].hash, 5)
    assert f"#{recs[-1].pk}" in out
    _records(3, start=5)  # records after the anchor are fine
    assert "与 1 个锚点相符" in _verify(path) and "共 8 条" in _verify(path)


def test_deleting_the_newest_records_up_to_the_anchor_is_caught_and_named(tmp_path):
    recs = _records(6)
    path, data, _ = _anchor(tmp_path)
    # Someone with the database owner's rights removes the newest records (the anchor's and the one before it).
    for rec in recs[-2:]:
        tamper("DELETE FROM audit_auditrecord WHERE id = %s", [rec.pk])
    assert find_break() == (None, 4)  # the shortened chain still holds on its own ...
    with pytest.raises(CommandError) as exc:
        _verify(path)
    message = str(exc.value)
    assert f"锚点记录 #{data['seq']}" in message and "已不存在" in message and "anchor.json" in message


def test_deleting_then_appending_again_is_caught_by_the_anchor_hash(tmp_path):
    recs = _records(4)
    path, data, _ = _anchor(tmp_path)
    tamper("DELETE FROM audit_auditrecord WHERE id = %s", [recs[-1].pk])
    with transaction.atomic():  # a forged record in its place: a new hash (and, on SQLite, maybe the same id)
        forged = record(actor="tester", action="test.write", entity="伪造", region_path="/650000/654200/")
    if forged.pk == data["seq"]:
        tamper("UPDATE audit_auditrecord SET id = %s WHERE id = %s", [data["seq"], forged.pk])
    with pytest.raises(CommandError, match=f"锚点记录 #{data['seq']}"):
        _verify(path)


def test_a_record_removed_below_the_anchor_is_caught(tmp_path):
    recs = _records(5)
    path, _, _ = _anchor(tmp_path)
    tamper("DELETE FROM audit_auditrecord WHERE id = %s", [recs[1].pk])
    with pytest.raises(CommandError, match="有记录被删除或插入"):
        _verify(path)


def test_a_file_that_is_not_an_anchor_is_refused(tmp_path):
    _records(1)
    bad = tmp_path / "x.json"
    bad.write_text('{"seq": 1}', encoding="utf-8")
    with pytest.raises(CommandError, match="不是审计链锚点文件"):
        _verify(bad)


def test_the_head_is_on_the_audit_page_and_downloadable(users):
    client = Client()
    client.force_login(users["dq_sj_ck"], backend="django.contrib.auth.backends.ModelBackend")
    now = head()
    page = client.get("/audit/").content.decode()
    assert now is not None and now.hash in page and f"#{now.seq}" in page
    data = json.loads(client.get("/audit/anchor.json").content)
    assert data["kind"] == "jiuzhu-audit-anchor" and data["count"] == AuditRecord.objects.count()


def test_jiuzhu_audit_anchor_is_the_command():
    assert resolve_argv(["jiuzhu", "audit", "anchor"], {"audit_anchor"}) == ["jiuzhu", "audit_anchor"]


def test_a_county_auditor_sees_no_chain_head_of_the_whole_system(users):
    from jiuzhu.accounts.models import User
    from jiuzhu.regions.models import Region

    auditor = User.objects.create(
        username="ems_sj_ck", region=Region.objects.get(code="654221"), department="audit", role="viewer"
    )
    client = Client()
    client.force_login(auditor, backend="django.contrib.auth.backends.ModelBackend")
    now = head()
    before = AuditRecord.objects.exclude(action__in=("access.denied",)).count()
    assert now is not None and now.hash not in client.get("/audit/").content.decode()
    assert client.get("/audit/anchor.json").status_code == 403
    assert AuditRecord.objects.exclude(action__in=("access.denied",)).count() == before
