"""An upload identical to another county's file is refused without saying whose it is."""

import pytest
from ledger_helpers import PAYMENT_HEADER, csv_bytes

from jiuzhu.core.errors import ActionRefused
from jiuzhu.ledger.models import ImportBatch
from jiuzhu.ledger.services import do_import_file
from jiuzhu.regions.models import Region

ROWS = [
    ["D012022-V02CTD-08061", "裕财社〔2022〕3号", "2081902", "5000", "5000", "2022-05-10", "裕民县民政局"]
]


def test_the_same_file_from_another_county_is_refused_without_naming_the_importer(voucher, people):
    data = csv_bytes(PAYMENT_HEADER, ROWS)  # exactly the bytes 裕民县 imported (the voucher fixture)
    batches = ImportBatch.objects.count()
    with pytest.raises(ActionRefused) as exc:
        do_import_file(
            actor=people["ems_cz_jb"], kind="payments", region=Region.objects.get(code="654221"), data=data,
            filename="pay.csv",
        )  # fmt: skip
    message = str(exc.value)
    assert "内容完全相同" in message
    for secret in ("裕民", "ymx", "行", ":", "2022"):
        assert secret not in message, secret
    assert ImportBatch.objects.count() == batches


def test_the_same_file_in_the_own_area_still_says_when_it_was_imported(voucher, people, yumin):
    again = do_import_file(
        actor=people["ymx_cz_jb"], kind="payments", region=yumin, data=csv_bytes(PAYMENT_HEADER, ROWS),
        filename="pay.csv",
    )  # fmt: skip
    assert again.already_imported and "本次未作任何改动" in again.message
