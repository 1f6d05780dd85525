"""kill -9 during year-end closing, on PostgreSQL (issue 12, point 5): the clerk's submission of the close and
the checker's approval that closes the year are each killed at their last step; nothing of either remains, and
each succeeds when tried again."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection  # noqa: F401 - named in the skipif condition

from jiuzhu.approvals import review
from jiuzhu.approvals.models import Approval
from jiuzhu.audit.models import AuditRecord
from jiuzhu.demo.ledger_year import code_for
from jiuzhu.domain.ledger import RegistrationLine
from jiuzhu.domain.purposes import Purpose
from jiuzhu.funds.models import Fund
from jiuzhu.ledger.models import Movement
from jiuzhu.ledger.services import do_register_receipt
from jiuzhu.regions.models import Region
from jiuzhu.yearend.closing import do_submit_close
from jiuzhu.yearend.locks import closing_of
from jiuzhu.yearend.models import CarryoverLine, YearClose
from kill_helpers import approve_code, approve_until_one_is_left, kill_at_the_audit_record

pytestmark = [
    pytest.mark.skipif(
        "connection.vendor != 'postgresql'", reason="PostgreSQL only: a second process writes"
    ),
    pytest.mark.django_db(transaction=True),
]
DOC_NO = "塔地财社〔2023〕1号"


@pytest.fixture
def registered(users):
    """裕民县 registers its 8号 receipt of the seed fund (低保 only) and spends nothing: its balance is carried."""
    fund = Fund.objects.get(fiscal_year=2022, source_label="自治区")
    movement = Movement.objects.get(region__code="654225", fund=fund, kind="issue")
    registration, _ = do_register_receipt(
        actor=users["ymx_cz_jb"],
        movement=movement,
        cor_bgt_doc_no="裕财社〔2022〕8号",
        lines=[
            RegistrationLine(code_for("654225", Purpose.SUBSISTENCE), Purpose.SUBSISTENCE, movement.amount)
        ],
        registered_on=movement.received_on,
    )
    for checker in (users["ymx_cz_sh"], users["ymx_cz_sh2"]):
        if review.approve(registration, checker).complete:
            return movement.amount
    raise AssertionError("not enough checkers")


def _counts():
    return (YearClose.objects.count(), CarryoverLine.objects.count(), Approval.objects.count(),
            AuditRecord.objects.count())  # fmt: skip


def test_kill_9_while_submitting_the_close_leaves_no_close_and_the_close_can_be_made_again(users, registered):
    before = _counts()
    kill_at_the_audit_record(
        "from django.core.management import call_command;"
        f" call_command('close_year', '2022', '--user', 'dq_cz_jb', '--doc-no', '{DOC_NO}')"
    )
    assert _counts() == before  # no close, no line, no review round, no audit record
    call_command("close_year", "2022", "--user", "dq_cz_jb", "--doc-no", DOC_NO, stdout=io.StringIO())
    close = YearClose.objects.get(doc_no=DOC_NO)
    assert sum(x.amount for x in close.lines.filter(region__code="654225")) == registered


def test_kill_9_while_approving_the_close_leaves_the_year_open_and_the_approval_can_be_made_again(
    users, registered
):
    prefecture = Region.objects.get(code="654200")
    close = do_submit_close(actor=users["dq_cz_jb"], year=2022, region=prefecture, doc_no=DOC_NO)
    last = approve_until_one_is_left(close, [users["dq_cz_sh"], users["dq_cz_sh2"]])
    before = _counts()
    kill_at_the_audit_record(approve_code(close, last))
    close.refresh_from_db()
    assert close.status == "submitted" and close.approved_at is None
    assert closing_of(fiscal_year=2022, region=Region.objects.get(code="654225")) is None
    assert _counts() == before
    assert review.approve(close, users[last]).complete
    close.refresh_from_db()
    assert close.status == "approved" and close.approved_at.date() <= datetime.date.today()
    assert closing_of(fiscal_year=2022, region=Region.objects.get(code="654225")) == close
    assert sum((x.amount for x in close.lines.filter(region__code="654225")), Decimal(0)) == registered
