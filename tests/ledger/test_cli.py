import io
import json

import pytest
from django.core.management import CommandError, call_command
from ledger_helpers import FIXTURES, approve_batch, csv_bytes, valid_id
from ledger_helpers import SHORT_HEADER as HEADER
from python_calamine import CalamineWorkbook

from jiuzhu.accounts.models import User
from jiuzhu.ledger.models import ImportBatch, Payout


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_payouts_refuses_the_sample_with_one_problem_per_line(voucher):
    with pytest.raises(CommandError, match="文件被拒绝") as exc:
        out, err = io.StringIO(), io.StringIO()
        call_command(
            "import_payouts",
            str(FIXTURES / "benefitPeopleByPerson.xls"),
            region="654225",
            no_progress=True,
            stdout=out,
            stderr=err,
        )
    lines = err.getvalue().splitlines()
    assert "第3行，“证件号码”列：身份证号码应为18位，实为17位" in lines[0]
    assert "第4行，“证件号码”列：身份证号码应为18位，实为17位" in "\n".join(lines)
    assert exc.value.returncode == 1
    assert not Payout.objects.exists()


def test_import_then_again_then_ledger_and_export(voucher, tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes(
        csv_bytes(
            HEADER,
            [["甲", "身份证号", valid_id(serial=1), "到人", "600", "600", "5月", "D012022-V02CTD-08061"]],
            "gb18030",
        )
    )
    out, _ = run("import_payouts", str(path), "--region", "裕民县", "--no-progress")
    assert "已导入1行，审核通过后计入台账" in out
    out, _ = run("import_payouts", str(path), "--region", "654225000", "--no-progress")
    assert "正在等待审核，本次未作任何改动" in out
    # The command line's system operator imported it: a checker of 裕民县 (either department) approves it.
    batch = ImportBatch.objects.get(kind="payouts")
    assert batch.created_by == "system:cli" and batch.awaiting_approval
    approve_batch(batch, checker=User.objects.get(username="ymx_cz_sh"))
    report = json.loads(run("ledger", "--region", "654225", "--json")[0])
    (yumin,) = report["regions"]
    dibao = next(x for x in yumin["appropriations"] if x["purpose"] == "dibao")
    assert (dibao["paid"], dibao["paid_out"], dibao["is_dir"]) == ("5000.00", "600.00", "01")
    text, _ = run("ledger")
    assert "裕民县" in text and "低保" in text
    target = tmp_path / "out.xlsx"
    out, _ = run("export_payouts", "--region", "654225", "--month", "2022-05", "--out", str(target))
    rows = CalamineWorkbook.from_path(str(target)).get_sheet_by_index(0).to_python()
    assert len(rows) == 3 and rows[2][6] == valid_id(serial=1)


def test_jiuzhu_two_word_names_resolve_to_the_commands():
    from django.core.management import get_commands

    from jiuzhu.cli import resolve_argv

    known = set(get_commands())
    assert resolve_argv(["jiuzhu", "import", "payments", "f"], known)[1] == "import_payments"
    assert resolve_argv(["jiuzhu", "import", "payouts", "f"], known)[1] == "import_payouts"
    assert resolve_argv(["jiuzhu", "export", "payouts"], known)[1] == "export_payouts"
    assert resolve_argv(["jiuzhu", "ledger", "--json"], known)[1] == "ledger"
