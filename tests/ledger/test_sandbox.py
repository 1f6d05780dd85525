"""The background worker parses a workbook in a child process with a memory and time limit: a parse that runs
out of either is a Chinese refusal stating the limits, the batch is rejected with nothing stored, and the
worker lives on."""

import time

import pytest
from hostile_files import good_row, one_sheet
from test_background import run_queued_tasks

from jiuzhu.core.errors import InvalidInput
from jiuzhu.core.limits import Limits
from jiuzhu.core.sandbox import parse_bounded
from jiuzhu.domain.problems import Problem
from jiuzhu.ledger.models import ImportBatch, Payout
from jiuzhu.ledger.services import do_queue_import


def _greedy() -> None:
    hoard = [bytearray(16 << 20) for _ in range(64)]  # 1 GB
    assert hoard


def _spinning() -> None:
    end = time.monotonic() + 30
    while time.monotonic() < end:
        pass


def _refusing() -> None:
    raise InvalidInput([Problem("X", "第3行“姓名”列为空")])


def _queued_and_run(people, capture) -> ImportBatch:
    """A two-row payout workbook queued and run by the worker."""
    actor = people["ymx_cz_jb"]
    data = one_sheet([good_row(1), good_row(2, name="李四")])
    with capture(execute=True):
        outcome = do_queue_import(
            actor=actor, kind="payouts", region=actor.region, data=data, filename="q.xlsx"
        )
    run_queued_tasks()
    return ImportBatch.objects.get(pk=outcome.batch.pk)


def test_a_parse_past_the_memory_limit_is_refused_stating_it():
    with pytest.raises(InvalidInput) as refused:
        parse_bounded(_greedy, limits=Limits(parse_memory_bytes=64 << 20))
    assert "内存64MB" in str(refused.value.problems[0]) and "未导入任何数据" in str(refused.value.problems[0])


def test_a_parse_past_the_time_limit_is_refused_stating_it():
    started = time.monotonic()
    with pytest.raises(InvalidInput) as refused:
        parse_bounded(_spinning, limits=Limits(parse_seconds=1))
    assert "计算时间1秒" in str(refused.value.problems[0])
    assert time.monotonic() - started < 10


def test_the_parsers_own_refusal_comes_back_and_a_good_parse_passes():
    with pytest.raises(InvalidInput) as refused:
        parse_bounded(_refusing)
    assert refused.value.problems[0].message == "第3行“姓名”列为空"
    assert parse_bounded(len, b"abc") is None


@pytest.mark.django_db
def test_a_queued_workbook_beyond_the_parse_limit_is_rejected_and_nothing_stored(
    people, voucher, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """The worker's trial parse needs more than its limit (here a parser that wants 1 GB, under 64 MB: the
    child's limit is its inherited address space plus the limit, and a test process has much freed heap)."""
    from jiuzhu.ledger.services import runner

    settings.JIUZHU_UPLOAD_LIMITS = {"parse_memory_bytes": 64 << 20}
    monkeypatch.setattr(runner, "_trial_parse", lambda kind, data: _greedy())
    batch = _queued_and_run(people, django_capture_on_commit_callbacks)
    assert batch.status == ImportBatch.REJECTED
    assert batch.problems[0]["code"] == "PARSE_LIMIT" and "内存64MB" in batch.problems[0]["message"]
    assert not Payout.objects.exists()


@pytest.mark.django_db
def test_a_queued_workbook_within_the_limits_is_imported(people, voucher, django_capture_on_commit_callbacks):
    batch = _queued_and_run(people, django_capture_on_commit_callbacks)
    assert batch.status == ImportBatch.DONE and Payout.objects.filter(batch=batch).count() == 2


@pytest.mark.django_db
def test_a_small_workbook_uploaded_on_the_page_is_parsed_in_the_limited_child_too(
    client, people, voucher, settings, monkeypatch
):
    """A file small enough to import within the request is still parsed first in the child process: a parse
    beyond the limit is a refusal on the batch's page, and the serving process goes on."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from jiuzhu.ledger.services import runner

    settings.JIUZHU_UPLOAD_LIMITS = {"parse_memory_bytes": 64 << 20}
    monkeypatch.setattr(runner, "_trial_parse", lambda kind, data: _greedy())
    client.force_login(people["ymx_cz_jb"])
    data = one_sheet([good_row(1), good_row(2, name="李四")])
    response = client.post(
        reverse("ledger:payouts"), {"kind": "payouts", "file": SimpleUploadedFile("small.xlsx", data)}
    )
    batch = ImportBatch.objects.get(filename="small.xlsx")
    assert response.status_code == 302 and response["Location"] == reverse("ledger:batch", args=[batch.pk])
    assert batch.status == ImportBatch.REJECTED and batch.problems[0]["code"] == "PARSE_LIMIT"
    assert not Payout.objects.exists()
    # the same page's upload within the limits imports at once
    monkeypatch.undo()
    settings.JIUZHU_UPLOAD_LIMITS = {}
    again = one_sheet([good_row(1), good_row(2, name="王五")])
    client.post(reverse("ledger:payouts"), {"kind": "payouts", "file": SimpleUploadedFile("ok.xlsx", again)})
    assert Payout.objects.filter(batch__filename="ok.xlsx").count() == 2
