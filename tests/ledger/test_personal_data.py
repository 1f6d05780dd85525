"""Personal data: who gets full 证件号码 in the payout export, the audit record of every export, and the kept
uploads (0600, purged after the retention period)."""

import datetime
import io
import stat

import pytest
from django.core.management import call_command
from django.utils import timezone
from ledger_helpers import SHORT_HEADER, approve_batch, csv_bytes, valid_id
from python_calamine import CalamineWorkbook

from jiuzhu.accounts.roles import MAKER_CHECKER_ACTIONS, PERMISSIONS, Role
from jiuzhu.approvals import review
from jiuzhu.audit.models import AuditRecord
from jiuzhu.domain.identity import mask
from jiuzhu.ledger import uploads
from jiuzhu.ledger.models import ImportBatch, ReviewStatus
from jiuzhu.ledger.services import do_import_file

ID = valid_id(serial=7)


def _import_payout(people, yumin, *, name="p.csv", approve=True, serial=7):
    data = csv_bytes(
        SHORT_HEADER,
        [["甲", "身份证号", valid_id(serial=serial), "到人", "600", "600", "5月", "D012022-V02CTD-08061"]],
    )
    outcome = do_import_file(
        actor=people["ymx_mz_jb"] if "ymx_mz_jb" in people else people["ymx_cz_jb"],
        kind="payouts",
        region=yumin,
        data=data,
        filename=name,
    )
    if approve:
        approve_batch(outcome.batch)
    return outcome.batch


def _cells(response):
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    return book.get_sheet_by_index(0).to_python()


@pytest.mark.parametrize(
    ("username", "full"),
    [
        ("ymx_cz_jb", True),  # 裕民县财政 经办: sends the file to the monitoring system
        ("ymx_cz_sh", False),  # a checker: masked
        ("dq_sj_ck", False),  # the audit bureau of the prefecture: masked (and not its own region's file)
        # a maker of the area above: full IDs, but of its own region only (no payouts there)
        ("dq_cz_jb", True),
        ("admin", False),
    ],
)
def test_export_full_ids_only_for_the_regions_makers_and_every_export_is_audited(
    client, people, voucher, yumin, username, full
):
    _import_payout(people, yumin)
    client.force_login(people[username])
    before = AuditRecord.objects.filter(action="export.payouts").count()
    response = client.get("/ledger/payouts/export.xlsx?month=2022-05")
    assert response.status_code == 200
    rows = _cells(response)
    ids = [r[6] for r in rows[2:]]
    if people[username].region.code == "654225":
        assert ids == [ID if full else mask(ID)]
    else:
        assert ids == []  # the export is of the user's own region only
    (rec,) = AuditRecord.objects.filter(action="export.payouts")[before:]
    assert rec.actor == username
    assert rec.after == {"rows": len(ids), "full_ids": full, "month": "2022-05"}
    assert rec.region_path == people[username].region.path


def test_the_audit_bureau_sees_the_export_in_its_trail(client, people, voucher, yumin):
    _import_payout(people, yumin)
    client.force_login(people["ymx_cz_jb"])
    client.get("/ledger/payouts/export.xlsx?month=2022-05")
    client.force_login(people["dq_sj_ck"])
    page = client.get("/audit/?action=export.payouts").content.decode()
    maker = people["ymx_cz_jb"]
    assert "导出到人到户发放明细" in page and (maker.display_name or maker.username) in page


def test_cli_export_as_a_checker_is_masked_and_the_file_is_private(people, voucher, yumin, tmp_path):
    _import_payout(people, yumin)
    target = tmp_path / "out.xlsx"
    out = io.StringIO()
    call_command(
        "export_payouts", "--region", "654225", "--month", "2022-05", "--out", str(target),
        "--user", "ymx_cz_sh", stdout=out,
    )  # fmt: skip
    assert "证件号码已脱敏" in out.getvalue()
    rows = CalamineWorkbook.from_path(str(target)).get_sheet_by_index(0).to_python()
    assert rows[2][6] == mask(ID)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    rec = AuditRecord.objects.filter(action="export.payouts").latest("id")
    assert (rec.actor, rec.after["full_ids"]) == ("ymx_cz_sh", False)


def test_no_administrator_holds_a_maker_or_checker_permission():
    assert "ledger.export_ids" in MAKER_CHECKER_ACTIONS and "allocation.approve" in MAKER_CHECKER_ACTIONS
    for action in MAKER_CHECKER_ACTIONS:
        assert all(role != Role.ADMIN for _, role in PERMISSIONS[action]), action


def test_uploads_are_kept_owner_only(people, voucher, yumin, settings):
    batch = _import_payout(people, yumin, approve=False)
    path = uploads.root() / batch.stored_path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE((uploads.root() / "imports").stat().st_mode) == 0o700


def _age(batch, days):
    """Move the batch's end (and its return) ``days`` into the past."""
    from jiuzhu.approvals.models import Approval

    then = timezone.now() - datetime.timedelta(days=days)
    ImportBatch.objects.filter(pk=batch.pk).update(finished_at=then, created_at=then)
    Approval.objects.filter(subject="ledger.import", object_id=batch.pk).update(created_at=then)


def test_purge_deletes_returned_files_after_the_period_only_and_is_audited(people, voucher, yumin):
    old = _import_payout(people, yumin, name="old.csv", approve=False, serial=8)
    review.return_(old, people["ymx_cz_sh"], reason="重报")
    recent = _import_payout(people, yumin, name="recent.csv", approve=False, serial=9)
    review.return_(recent, people["ymx_cz_sh"], reason="重报")
    kept = _import_payout(people, yumin, name="kept.csv", serial=10)
    _age(old, 100)
    _age(kept, 100)  # approved: kept whatever its age
    old.refresh_from_db()
    old_path, recent_path = uploads.root() / old.stored_path, uploads.root() / recent.stored_path
    out = io.StringIO()
    call_command("purge_uploads", stdout=out)  # default 90 days
    assert "已删除1个上传文件" in out.getvalue()
    assert not old_path.exists() and recent_path.exists()
    assert (uploads.root() / ImportBatch.objects.get(pk=kept.pk).stored_path).exists()
    old.refresh_from_db()
    assert old.stored_path == "" and old.review_status == ReviewStatus.RETURNED
    rec = AuditRecord.objects.filter(action="ledger.uploads_purged").latest("id")
    assert rec.after["files"] == 1 and rec.actor == "system:cli"


def test_purge_keeps_a_file_a_live_batch_shares(people, voucher, yumin):
    first = _import_payout(people, yumin, name="a.csv", approve=False, serial=11)
    review.return_(first, people["ymx_cz_sh"], reason="重报")
    # the same file, resubmitted
    again = _import_payout(people, yumin, name="a.csv", approve=False, serial=11)
    assert again.pk != first.pk and again.stored_path == first.stored_path
    _age(first, 200)
    purge = uploads.do_purge_uploads(actor=people["admin"], days=30)
    assert purge.files == 0 and (uploads.root() / first.stored_path).exists()


def test_purge_uploads_is_a_jiuzhu_command():
    from django.core.management import get_commands

    from jiuzhu.cli import resolve_argv

    assert resolve_argv(["jiuzhu", "purge-uploads", "--days", "30"], set(get_commands()))[1:] == [
        "purge_uploads",
        "--days",
        "30",
    ]
