"""The malformed corpus (``hostile_files``): every file refused in Chinese, with its row where it has one, and
nothing stored; the files that ask a parser for gigabytes read in a child process held to 1 GB and 60 s."""

import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile_files import corpus, nasty, nasty_names
from ledger_helpers import SHORT_HEADER, csv_bytes, valid_id

from jiuzhu.core.errors import InvalidInput
from jiuzhu.ledger.models import ImportBatch, Payout
from jiuzhu.ledger.services import do_import_file

CJK = re.compile(r"[\u4e00-\u9fff]")
FILES = corpus()
GB = 1024**3


def run(actor, data):
    return do_import_file(actor=actor, kind="payouts", region=actor.region, data=data, filename="p.csv")


def test_the_corpus_has_at_least_sixty_files():
    assert len(FILES) >= 60, len(FILES)
    assert len({name for name, *_ in FILES}) == len(FILES)


@pytest.mark.parametrize(("name", "data", "code", "has_row"), FILES, ids=[f[0] for f in FILES])
def test_every_malformed_file_is_refused_in_chinese_and_nothing_stored(
    people, voucher, name, data, code, has_row
):
    started = time.monotonic()
    with pytest.raises(InvalidInput) as exc:
        run(people["ymx_cz_jb"], data)
    problems = exc.value.problems
    assert code in {p.code for p in problems}, [(p.code, p.message) for p in problems]
    assert all(CJK.search(p.message) for p in problems)
    if has_row:
        assert any(p.where.row for p in problems if p.code == code)
    assert not Payout.objects.exists()
    assert not ImportBatch.objects.filter(kind="payouts", status=ImportBatch.DONE).exists()
    assert time.monotonic() - started < 60


CHILD = """
import json, sys
from jiuzhu.core.errors import InvalidInput
from jiuzhu.ledger.io.readers import read_payouts, read_table
data = open(sys.argv[1], "rb").read()
codes = []
for reader in (read_payouts, read_table):
    try:
        reader(data)
        codes.append("READ")
    except InvalidInput as exc:
        codes.append(exc.problems[0].code)
print(json.dumps(codes))
"""


def _limit():
    resource.setrlimit(resource.RLIMIT_AS, (GB, GB))


@pytest.mark.parametrize("name", nasty_names())
def test_files_that_ask_for_gigabytes_are_refused_within_1_gb_and_60_s(tmp_path, name):
    data, code = nasty(name)
    path = tmp_path / "upload"
    path.write_bytes(data)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "jiuzhu.settings"}
    started = time.monotonic()
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_limit,
        env=env,
        check=False,
    )
    assert child.returncode == 0, child.stderr[-2000:]
    assert json.loads(child.stdout) == [code, code]
    assert time.monotonic() - started < 60


def test_full_width_and_half_width_ids_are_one_person(people, voucher):
    full = valid_id(serial=7).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    row = ["张三", "身份证号", full, "到人", "100", "100", "6", "D012022-V02CTD-08061"]
    run(people["ymx_cz_jb"], csv_bytes(SHORT_HEADER, [row]))
    assert list(Payout.objects.values_list("iden_no", flat=True)) == [valid_id(serial=7)]
    with pytest.raises(InvalidInput) as exc:
        run(people["ymx_cz_jb"], csv_bytes(SHORT_HEADER, [[*row[:2], valid_id(serial=7), *row[3:]]]))
    assert [p.code for p in exc.value.problems] == ["DUPLICATE_STORED"]


def test_a_utf16_file_excel_unicode_text_is_imported(people, voucher):
    row = ["李四", "身份证号", valid_id(serial=8), "到人", "100", "100", "6", "D012022-V02CTD-08061"]
    text = "\r\n".join("\t".join(r) for r in (SHORT_HEADER, row)) + "\r\n"
    run(people["ymx_cz_jb"], b"\xff\xfe" + text.encode("utf-16-le"))
    assert list(Payout.objects.values_list("per_name", flat=True)) == ["李四"]


def test_the_visible_sheet_with_the_header_is_read_not_a_hidden_first(people, voucher):
    from hostile_files import good_row, sheet_xml, xlsx

    data = xlsx(
        [
            ("旧表", sheet_xml([SHORT_HEADER, good_row(1, name="旧")]), "hidden"),
            ("发放明细", sheet_xml([SHORT_HEADER, good_row(2, name="新")]), "visible"),
        ]
    )
    run(people["ymx_cz_jb"], data)
    assert list(Payout.objects.values_list("per_name", flat=True)) == ["新"]


assert Path(__file__).parent.joinpath("hostile_files.py").exists()
