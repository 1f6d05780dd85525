"""`jiuzhu exchange export` and `jiuzhu exchange import`: the archive's own functions behind a command line, the
manifest checked and shown before anything is stored, Chinese messages, a progress bar, nothing stored on refusal."""

import io
import stat
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from api_helpers import YUMIN, ledger_rows
from django.core.management import CommandError, call_command
from django.db import transaction

pytestmark = pytest.mark.django_db  # all in one ordering group: the module's archive is built once


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def archive(django_db_setup, django_db_blocker, tmp_path_factory):
    """裕民县's 2022-10 exported by the command from its year of the seed fund; then the year is rolled back."""
    from jiuzhu.approvals.services import do_load_default_rules
    from jiuzhu.demo.ledger_year import load_region_year
    from jiuzhu.demo.seed import load_seed

    path = tmp_path_factory.mktemp("exchange") / "裕民县-2022-10.zip"
    with django_db_blocker.unblock(), transaction.atomic():
        load_seed()
        do_load_default_rules()
        load_region_year(YUMIN)
        out, err = run(
            "exchange_export",
            "--region",
            "裕民县",
            "--month",
            "2022-10",
            "--user",
            "dq_mz_jb",
            "--out",
            str(path),
        )
        transaction.set_rollback(True)
    return {"path": path, "out": out, "err": err}


def test_export_writes_the_archive_for_its_owner_only_and_says_what_is_in_it(archive):
    path = archive["path"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # whole 证件号码
    names = set(zipfile.ZipFile(path).namelist())
    assert names == {"BA_BGT_INFO.csv", "PAY_VOUCHER_BILL.csv", "PAY_DETAIL.csv", "manifest.json"}
    out = archive["out"]
    assert "清单：财政区划 654225000，2022年10月" in out
    assert "PAY_DETAIL.csv（到人到户发放明细）：" in out and "xpay_amt 合计" in out
    assert f"已导出至 {path}" in out
    assert "正在导出裕民县2022年10月的交换文件" in archive["err"]


def test_import_checks_the_manifest_first_then_books_everything_waiting_for_a_checker(archive, reference):
    from jiuzhu.ledger.models import ImportBatch, Registration

    out, err = run("exchange_import", str(archive["path"]), "--user", "ymx_cz_jb")
    lines = out.splitlines()
    checked = lines.index("清单与文件核对一致。")
    assert (
        lines[0].startswith("清单：财政区划 654225000") and checked == 4
    )  # the manifest, before the booking
    assert lines[-1].startswith("已导入：指标登记1笔，支付凭证批次 ")
    assert lines[-1].endswith("均待审核人审核后生效。")
    assert Registration.objects.filter(status="submitted").count() == 1
    batches = ImportBatch.objects.all()
    assert {b.kind for b in batches} == {"payments", "payouts"} and all(
        b.approved_at is None for b in batches
    )
    assert "PAY_DETAIL.csv" in err  # the progress bar names the file it is importing


def test_check_only_stores_nothing(archive, reference):
    out, _ = run("exchange_import", str(archive["path"]), "--user", "ymx_cz_jb", "--check-only")
    assert "清单与文件核对一致。" in out and "仅核对，未导入任何数据。" in out
    assert ledger_rows() == (0, 0, 0, 0)


def _tampered(path: Path, tmp_path: Path) -> Path:
    source = zipfile.ZipFile(path)
    target = tmp_path / "tampered.zip"
    with zipfile.ZipFile(target, "w") as out:
        for name in source.namelist():
            data = source.read(name)
            if name == "PAY_DETAIL.csv":  # one payout's 实发 raised by 100 元, the manifest left alone
                head, first, rest = data.decode("utf-8-sig").split("\r\n", 2)
                cells = first.split(",")
                cells[12] = str(Decimal(cells[12]) + 100)
                data = ("\ufeff" + "\r\n".join([head, ",".join(cells), rest])).encode()
            out.writestr(name, data)
    return target


def test_an_archive_that_disagrees_with_its_manifest_is_refused_with_nothing_stored(
    archive, reference, tmp_path
):
    err = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command(
            "exchange_import", str(_tampered(archive["path"], tmp_path)), "--user", "ymx_cz_jb", stderr=err
        )
    assert str(refused.value) == "交换文件被拒绝（清单核对未通过）：共1个问题，未导入任何数据"
    assert "PAY_DETAIL.csv：文件的sha256与清单不符" in err.getvalue()
    assert ledger_rows() == (0, 0, 0, 0)


def test_another_countys_maker_is_refused_with_nothing_stored(archive, reference):
    with pytest.raises(CommandError) as refused:
        run("exchange_import", str(archive["path"]), "--user", "ems_cz_jb", "--no-progress")
    assert "该地区不在您的管辖范围内" in str(refused.value) and "未导入任何数据" in str(refused.value)
    assert ledger_rows() == (0, 0, 0, 0)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--region", "裕民县", "--month", "2022-13"], "--month 应为 YYYY-MM，如 2022-10"),
        (["--region", "不存在县", "--month", "2022-10"], "未知的地区：不存在县"),
        (["--region", "裕民县", "--month", "2022-10", "--user", "nobody"], "用户nobody不存在或已停用"),
    ],
)
def test_export_refuses_bad_arguments_in_chinese(reference, tmp_path, args, message):
    full = ["--user", "dq_mz_jb", *args] if "--user" not in args else args
    with pytest.raises(CommandError) as refused:
        run("exchange_export", *full, "--out", str(tmp_path / "x.zip"))
    assert str(refused.value) == message
    assert not (tmp_path / "x.zip").exists()


def test_a_role_that_may_not_see_whole_ids_cannot_export(reference, tmp_path):
    with pytest.raises(CommandError):
        run(
            "exchange_export",
            "--region",
            "654225",
            "--month",
            "2022-10",
            "--user",
            "ymx_cz_sh",
            "--out",
            str(tmp_path / "x.zip"),
        )
    assert not (tmp_path / "x.zip").exists()
