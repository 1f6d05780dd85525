"""kill -9 during a usage report's acceptance, on PostgreSQL (issue 12, point 5): the prefecture checker's
approval that accepts and freezes 额敏县's report is killed at its last step; the report stays submitted with
nothing frozen, and the acceptance succeeds when tried again."""

import datetime

import pytest
from django.db import connection  # noqa: F401 - named in the skipif condition

from jiuzhu.approvals import review
from jiuzhu.approvals.models import Approval
from jiuzhu.audit.models import AuditRecord
from jiuzhu.regions.models import Region
from jiuzhu.reports import services
from kill_helpers import approve_code, approve_until_one_is_left, kill_at_the_audit_record

pytestmark = [
    pytest.mark.skipif(
        "connection.vendor != 'postgresql'", reason="PostgreSQL only: a second process writes"
    ),
    pytest.mark.django_db(transaction=True),
]


def test_kill_9_while_accepting_a_report_leaves_it_submitted_and_it_can_be_accepted_again(users):
    emin = Region.objects.get(code="654221")
    report = services.do_open_report(actor=users["ems_cz_jb"], region=emin, year=2022, month=10)
    explanations = {
        x.pk: services.Explanation("项目实施进度滞后", "督促乡镇加快发放", datetime.date(2022, 11, 30))
        for x in report.lines.all()
    }
    services.do_save_explanations(actor=users["ems_cz_jb"], report=report, explanations=explanations)
    report = services.do_submit_report(actor=users["ems_cz_jb"], report=report)
    last = approve_until_one_is_left(report, [users["dq_cz_sh"], users["dq_cz_sh2"]])
    before = (Approval.objects.count(), AuditRecord.objects.count())
    kill_at_the_audit_record(approve_code(report, last))
    report.refresh_from_db()
    assert report.status == "submitted" and report.accepted_at is None and report.accepted_figures is None
    assert (Approval.objects.count(), AuditRecord.objects.count()) == before
    assert review.approve(report, users[last]).complete
    report.refresh_from_db()
    assert report.status == "approved" and report.accepted_figures is not None
