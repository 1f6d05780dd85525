"""The audit trail: written with every write, append-only, hash-chained, verifiable, exportable."""

import csv
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from helpers import logged_in
from jiuzhu.audit.models import AppendOnlyError, AuditRecord
from jiuzhu.audit.services import find_break, record, verify_chain
from jiuzhu.cli import resolve_argv

pytestmark = pytest.mark.django_db
BACKEND = "django.contrib.auth.backends.ModelBackend"
SQLITE_TRIGGER = """
CREATE TRIGGER audit_append_only BEFORE UPDATE ON audit_auditrecord
BEGIN SELECT RAISE(ABORT, 'audit records are append-only (UPDATE refused)'); END;
"""


def tamper(sql: str, params: list) -> None:
    """What someone with the database's owner rights could do: switch the guard off, change a row, switch it on."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditrecord DISABLE TRIGGER audit_append_only")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE audit_auditrecord ENABLE TRIGGER audit_append_only")
        else:
            cursor.execute("DROP TRIGGER audit_append_only")
            cursor.execute(sql, params)
            cursor.execute(SQLITE_TRIGGER)


def _three() -> list[AuditRecord]:
    with transaction.atomic():
        return [
            record(
                actor="tester",
                action="test.write",
                entity=f"对象{i}",
                region_path="/650000/654200/",
                before={"amount": f"{i}.00"},
                after={"amount": f"{i + 1}.00"},
                ip="10.1.1.1",
            )
            for i in range(3)
        ]


def test_records_link_to_their_predecessor():
    a, b, c = _three()
    assert b.prev_hash == a.hash and c.prev_hash == b.hash
    assert verify_chain() is None


@pytest.mark.django_db(transaction=True)
def test_record_refuses_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError):
        record(actor="x", action="test.write", entity="e")


def test_the_model_refuses_change_and_removal():
    rec = _three()[0]
    rec.entity = "改过"
    with pytest.raises(AppendOnlyError):
        rec.save()
    with pytest.raises(AppendOnlyError):
        rec.delete()
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.filter(pk=rec.pk).update(entity="改过")
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.all().delete()


def test_the_database_refuses_an_update_by_sql():
    rec = _three()[0]
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditrecord SET entity = 'x' WHERE id = %s", [rec.pk])
    assert AuditRecord.objects.get(pk=rec.pk).entity == "对象0"


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgresql_refuses_a_delete_by_sql():
    rec = _three()[0]
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditrecord WHERE id = %s", [rec.pk])


def test_changing_a_record_by_sql_makes_verify_fail_and_name_it():
    _a, b, _c = _three()
    call_command("audit_verify", stdout=io.StringIO())  # holds before
    tamper("UPDATE audit_auditrecord SET ip = '6.6.6.6' WHERE id = %s", [b.pk])
    broken, checked = find_break()
    assert broken is not None and broken.record.pk == b.pk and checked == 1
    with pytest.raises(CommandError, match=f"#{b.pk}") as exc:
        call_command("audit_verify")
    assert "记录内容与其哈希不符" in str(exc.value)


def test_changing_a_money_field_by_sql_is_caught():
    a, _b, _c = _three()
    changed = json.dumps({"amount": "999999.00"})
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    tamper(f'UPDATE audit_auditrecord SET "after" = %s{cast} WHERE id = %s', [changed, a.pk])
    assert verify_chain().pk == a.pk


def test_a_rewritten_record_with_a_recomputed_hash_breaks_the_next_link():
    from jiuzhu.audit.services import hashed_fields, record_hash

    _a, b, c = _three()
    b.ip = "6.6.6.6"
    forged = record_hash(b.prev_hash, hashed_fields(b))
    tamper("UPDATE audit_auditrecord SET ip = '6.6.6.6', hash = %s WHERE id = %s", [forged, b.pk])
    broken, _ = find_break()
    assert broken.record.pk == c.pk and f"#{b.pk}" in broken.reason


def test_a_removed_record_breaks_the_chain_at_its_successor():
    _a, b, c = _three()
    tamper("DELETE FROM audit_auditrecord WHERE id = %s", [b.pk])
    assert verify_chain().pk == c.pk


def test_verify_reports_a_whole_chain():
    _three()
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert "审计链完整" in out.getvalue() and "3" in out.getvalue()


def test_jiuzhu_audit_verify_is_the_command():
    assert resolve_argv(["jiuzhu", "audit", "verify"], {"audit_verify"}) == ["jiuzhu", "audit_verify"]


def test_every_allocation_write_records_money_before_after_and_ip(users, seed_adjustment):
    from jiuzhu.allocation import services
    from jiuzhu.allocation.models import Plan
    from jiuzhu.domain.allocation import AdjustmentLine
    from jiuzhu.funds.models import Fund
    from jiuzhu.regions.models import Region

    maker = users["ymx_cz_jb"]
    start = AuditRecord.objects.count()
    plan = services.do_create_plan(
        actor=maker,
        fund=Fund.objects.get(),
        kind=Plan.ALLOCATION,
        doc_no="裕财社〔2022〕5号",
        title="t",
        doc_date=seed_adjustment.doc_date,
        issuer=Region.objects.get(code="654225"),
        ip="192.0.2.7",
    )
    services.do_save_rows(
        actor=maker, plan=plan, lines=[AdjustmentLine("654225", increase=Decimal("100.50"))], ip="192.0.2.7"
    )
    services.do_save_rows(
        actor=maker, plan=plan, lines=[AdjustmentLine("654225", increase=Decimal("200.00"))], ip="192.0.2.8"
    )
    recs = list(AuditRecord.objects.order_by("id")[start:])
    assert [r.action for r in recs] == ["allocation.create", "allocation.save_rows", "allocation.save_rows"]
    last = recs[-1]
    assert (
        last.actor == "ymx_cz_jb" and last.ip == "192.0.2.8" and last.region_path == "/650000/654200/654225/"
    )
    assert last.before["rows"]["654225"] == ["0.00", "0.00", "100.50"]
    assert last.after["rows"]["654225"] == ["0.00", "0.00", "200.00"]
    assert verify_chain() is None


def test_a_failed_write_leaves_no_record(users, seed_adjustment):
    from jiuzhu.allocation import services
    from jiuzhu.core.errors import ActionRefused

    start = AuditRecord.objects.count()
    with pytest.raises(ActionRefused):  # approved plans are immutable
        services.do_save_rows(actor=users["dq_cz_jb"], plan=seed_adjustment, lines=[])
    assert AuditRecord.objects.count() == start


def test_the_audit_bureau_browses_and_filters_its_area(users, seed_adjustment):
    client = logged_in(users["dq_sj_ck"])
    page = client.get("/audit/", {"entity": "82号"}).content.decode()
    assert "塔地财社〔2022〕82号" in page and "审核通过" in page
    assert "塔地财社〔2022〕82号" not in client.get("/audit/", {"entity": "不存在"}).content.decode()
    rec = AuditRecord.objects.filter(action="allocation.save_rows", entity="塔地财社〔2022〕82号").first()
    detail = client.get(f"/audit/{rec.pk}/").content.decode()
    # (The page header carries hashes, whose hex digits can contain any number: look only below 变更内容.)
    changes = detail.split("变更内容", 1)[1]
    # in an auditor's words: the region by its name, the row's columns by theirs, money with separators
    assert "rows.654225" not in changes and "分配数 · 裕民县" in changes
    assert "原额度390,000.00，调减0.00，调增2,170,000.00" in changes


def test_exports_escape_formulas(users, demo):
    with transaction.atomic():
        record(
            actor="=cmd|' /C calc'!A0",
            action="test.write",
            entity='=HYPERLINK("http://x")',
            region_path="/650000/654200/",
            after={"note": "+1"},
        )
    client = logged_in(users["dq_sj_ck"])
    text = client.get("/audit/export.csv", {"action": "test.write"}).content.decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(text)))[1]
    assert row[2] == "'=cmd|' /C calc'!A0" and row[5] == '\'=HYPERLINK("http://x")'
    book = openpyxl.load_workbook(
        io.BytesIO(client.get("/audit/export.xlsx", {"action": "test.write"}).content)
    )
    cells = [c.value for c in book.active[2]]
    assert cells[2].startswith("'=") and cells[5].startswith("'=")
    assert book.active[2][5].data_type == "s"


def test_a_county_audit_viewer_sees_only_its_county(users, demo):
    from jiuzhu.accounts.models import User
    from jiuzhu.regions.models import Region

    viewer = User.objects.create(
        username="ymx_sj", region=Region.objects.get(code="654225"), department="audit", role="viewer"
    )
    with transaction.atomic():
        mine = record(
            actor="x", action="test.write", entity="裕民的记录", region_path="/650000/654200/654225/"
        )
        other = record(
            actor="x", action="test.write", entity="额敏的记录", region_path="/650000/654200/654221/"
        )
    client = logged_in(viewer)
    page = client.get("/audit/").content.decode()
    assert "裕民的记录" in page and "额敏的记录" not in page
    assert client.get(f"/audit/{mine.pk}/").status_code == 200
    assert client.get(f"/audit/{other.pk}/").status_code == 404


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain():
    import threading

    from django.db import connections

    errors = []

    def write(n: int) -> None:
        try:
            for i in range(10):
                with transaction.atomic():
                    record(actor=f"w{n}", action="test.write", entity=f"{n}-{i}", region_path="/")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert AuditRecord.objects.count() == 40
    assert verify_chain() is None
