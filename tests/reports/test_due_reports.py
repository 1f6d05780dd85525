"""A county's 工作台 shows the usage reports it has to file (issue 15): last month's and this month's until
submitted, an older one left overdue, each with its state and deadline; nobody else is shown them."""

import datetime

import pytest

from jiuzhu.desk.waiting import waiting
from jiuzhu.reports import services
from jiuzhu.reports.due import due_reports

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2022, 11, 3)


def _months(user, today=TODAY):
    return [(r.year, r.month, r.state) for r in due_reports(user, today)]


def test_last_and_this_months_report_are_due_until_submitted(users, settings):
    settings.JIUZHU_USAGE_REPORT_DUE_DAYS = 5
    clerk = users["ymx_cz_jb"]
    assert _months(clerk) == [(2022, 10, "未填报"), (2022, 11, "未填报")]
    october = due_reports(clerk, TODAY)[0]
    assert october.due == datetime.date(2022, 11, 5) and october.days == 2 and not october.late
    assert october.url.endswith("?month=2022-10")

    report = services.do_open_report(actor=clerk, region=clerk.region, year=2022, month=10)
    assert _months(clerk) == [(2022, 10, "草稿，未提交"), (2022, 11, "未填报")]
    assert due_reports(clerk, TODAY)[0].url == f"/reports/{report.pk}/"
    report.lines.all().update(reason="原因", measures="措施", measures_due="2022-12-31")
    services.do_submit_report(actor=clerk, report=report)
    assert _months(clerk) == [(2022, 11, "未填报")]


def test_an_older_draft_left_overdue_stays_on_the_desk(users, settings):
    settings.JIUZHU_USAGE_REPORT_DUE_DAYS = 5
    clerk = users["ymx_cz_jb"]
    services.do_open_report(actor=clerk, region=clerk.region, year=2022, month=8)
    due = due_reports(clerk, TODAY)
    assert [(r.year, r.month) for r in due] == [(2022, 8), (2022, 10), (2022, 11)]
    assert due[0].late and due[0].days_late == (TODAY - datetime.date(2022, 9, 5)).days


def test_only_the_countys_finance_clerk_is_shown_them(users):
    for name in ("ymx_cz_sh", "ems_cz_sh", "dq_mz_jb", "dq_sj_ck", "dq_cz_jb", "admin"):
        assert due_reports(users[name], TODAY) == [], name
    assert len(waiting(users["ymx_cz_jb"], TODAY).reports) == 2
