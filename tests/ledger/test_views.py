import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from ledger_helpers import FIXTURES, YUMIN, csv_bytes, movements, valid_id
from ledger_helpers import SHORT_HEADER as HEADER

from jiuzhu.domain.identity import mask
from jiuzhu.ledger.models import ImportBatch, Payout, Registration


@pytest.fixture
def county(client, people):
    client.force_login(people["ymx_cz_jb"])
    return client


def test_register_through_the_page(county, people):
    issue = movements(YUMIN)[0]
    page = county.get(reverse("ledger:home"))
    assert reverse("ledger:register", args=[issue.pk]) in page.content.decode()
    response = county.post(
        reverse("ledger:register", args=[issue.pk]),
        {
            "cor_bgt_doc_no": "裕财社[2022]3号",
            "code_0": "2081902",
            "purpose_0": "dibao",
            "amount_0": "300,000",
            "code_1": "2082001",
            "purpose_1": "linshi",
            "amount_1": "80000",
        },
    )
    assert "登记合计380,000.00元，与收到的390,000.00元不等" in response.content.decode()
    response = county.post(
        reverse("ledger:register", args=[issue.pk]),
        {
            "cor_bgt_doc_no": "裕财社[2022]3号",
            "code_0": "2081902",
            "purpose_0": "dibao",
            "amount_0": "300,000",
            "code_1": "2082001",
            "purpose_1": "linshi",
            "amount_1": "90000",
        },
    )
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.cor_bgt_doc_no == "裕财社〔2022〕3号"


def test_another_county_cannot_open_the_registration(client, people):
    client.force_login(people["tcs_cz_jb"])
    issue = movements(YUMIN)[0]
    assert client.get(reverse("ledger:register", args=[issue.pk])).status_code == 404


def test_upload_shows_problems_and_masked_ids(county, voucher, people):
    response = county.post(
        reverse("ledger:payouts"),
        {
            "kind": "payouts",
            "file": SimpleUploadedFile(
                "benefitPeopleByPerson.xls", (FIXTURES / "benefitPeopleByPerson.xls").read_bytes()
            ),
        },
    )
    batch = ImportBatch.objects.get(kind="payouts")
    assert response.url == reverse("ledger:batch", args=[batch.pk])
    page = county.get(response.url).content.decode()
    assert "身份证号码应为18位，实为17位" in page and "证件号码" in page
    good = csv_bytes(
        HEADER, [["甲", "身份证号", valid_id(serial=5), "到人", "600", "600", "5", "D012022-V02CTD-08061"]]
    )
    response = county.post(
        reverse("ledger:payouts"), {"kind": "payouts", "file": SimpleUploadedFile("a.csv", good)}
    )
    assert Payout.objects.count() == 1
    batch = ImportBatch.objects.get(kind="payouts", status="done")
    page = county.get(reverse("ledger:payouts")).content.decode()
    assert "待审核的导入（1）" in page and valid_id(serial=5)[-4:] not in page  # listed, not yet shown
    assert (
        reverse("approvals:approve", args=["ledger.import", batch.pk]) not in page
    )  # the maker has no approve button
    checker = Client()
    checker.force_login(people["ymx_cz_sh"])
    page = checker.get(reverse("ledger:batch", args=[batch.pk])).content.decode()
    assert reverse("approvals:approve", args=["ledger.import", batch.pk]) in page
    listing = checker.get(reverse("ledger:payouts")).content.decode()  # the pending list has both forms too
    for action in ("approvals:approve", "approvals:return"):
        assert f'action="{reverse(action, args=["ledger.import", batch.pk])}"' in listing
    assert checker.post(reverse("approvals:approve", args=["ledger.import", batch.pk])).status_code == 302
    page = county.get(reverse("ledger:payouts")).content.decode()
    assert mask(valid_id(serial=5)) in page and valid_id(serial=5) not in page
    export = county.get(reverse("ledger:export"), {"month": "2022-05"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_batches_of_other_regions_are_not_visible(client, people, voucher):
    county = people["ymx_cz_jb"]
    from jiuzhu.ledger.services import do_import_file

    good = csv_bytes(
        HEADER, [["甲", "身份证号", valid_id(serial=5), "到人", "600", "600", "5", "D012022-V02CTD-08061"]]
    )
    batch = do_import_file(
        actor=county, kind="payouts", region=county.region, data=good, filename="a.csv"
    ).batch
    client.force_login(people["tcs_cz_jb"])
    assert client.get(reverse("ledger:batch", args=[batch.pk])).status_code == 404
    assert "a.csv" not in client.get(reverse("ledger:payouts")).content.decode()
    client.force_login(people["dq_sj_ck"])  # the prefecture's auditor sees it
    assert client.get(reverse("ledger:batch", args=[batch.pk])).status_code == 200


def test_the_payouts_page_lists_one_approved_batch_at_a_time(county, voucher, people):
    from ledger_helpers import approve_batch

    from jiuzhu.ledger.services import do_import_file

    actor = people["ymx_cz_jb"]
    batches = []
    for serial, month in ((5, "5"), (6, "6")):
        data = csv_bytes(
            HEADER,
            [
                [
                    "甲",
                    "身份证号",
                    valid_id(serial=serial),
                    "到人",
                    "600",
                    "600",
                    month,
                    "D012022-V02CTD-08061",
                ]
            ],
        )
        batch = do_import_file(
            actor=actor, kind="payouts", region=actor.region, data=data, filename=f"{month}月.csv"
        ).batch
        approve_batch(batch)
        batches.append(batch)
    page = county.get(reverse("ledger:payouts")).content.decode()  # the newest approved batch by default
    assert mask(valid_id(serial=6)) in page and mask(valid_id(serial=5)) not in page
    page = county.get(reverse("ledger:payouts"), {"batch": batches[0].pk}).content.decode()
    assert mask(valid_id(serial=5)) in page and mask(valid_id(serial=6)) not in page
    other = Client()
    other.force_login(people["tcs_cz_jb"])  # another county: neither the batch nor its rows
    page = other.get(reverse("ledger:payouts"), {"batch": batches[0].pk}).content.decode()
    assert mask(valid_id(serial=5)) not in page and "5月.csv" not in page


def test_checkers_see_approve_and_return_forms_for_what_waits(people):
    from ledger_helpers import register_yumin

    from jiuzhu.ledger.models import Registration

    register_yumin(people, approve=False)
    waiting = Registration.objects.filter(status=Registration.SUBMITTED).first()
    checker = Client()
    checker.force_login(people["ymx_cz_sh"])
    page = checker.get(reverse("ledger:home")).content.decode()
    for action in ("approvals:approve", "approvals:return"):
        assert f'action="{reverse(action, args=["ledger.registration", waiting.pk])}"' in page
    assert 'name="reason" placeholder="退回原因" required' in page
