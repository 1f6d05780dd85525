"""Powers: shared reference data at the top level only, the trail of no region for the top-level audit bureau,
one reviewer rule for plans and ledger items, and a duplicate 文号 that gives nothing away."""

import datetime

import pytest
from django.db import transaction
from django.test import Client

from jiuzhu.accounts.models import User
from jiuzhu.accounts.scoping import is_top_level, top_path
from jiuzhu.allocation import services as plans
from jiuzhu.allocation.models import Plan
from jiuzhu.approvals import review
from jiuzhu.approvals.services import open_round, reviewer_refusal
from jiuzhu.audit.models import AuditRecord
from jiuzhu.core.errors import ActionRefused, InvalidInput
from jiuzhu.funds.models import ClassificationCode, Fund
from jiuzhu.funds.services import do_save_code
from jiuzhu.regions.models import Region

BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def county_admin(users):
    return User.objects.create(
        username="ymx_admin", region=Region.objects.get(code="654225"), department="finance", role="admin"
    )


def _client(user):
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def test_the_top_level_is_the_prefecture_in_the_demo(users, county_admin, settings):
    assert top_path() == users["admin"].region.path
    assert is_top_level(users["admin"]) and is_top_level(users["dq_sj_ck"])
    assert not is_top_level(county_admin)
    settings.TOP_REGION = "654225"  # named explicitly, it wins
    assert is_top_level(county_admin) and not is_top_level(users["admin"])


def test_a_county_administrator_cannot_rename_the_shared_codes(users, county_admin):
    code = ClassificationCode.objects.get(fiscal_year=2022, code="2082001")
    before = (code.name, AuditRecord.objects.count())
    with pytest.raises(ActionRefused, match="只能由最高一级的管理员修改"):
        do_save_code(actor=county_admin, fiscal_year=2022, code="2082001", kind=code.kind, name="被县里改名")
    code.refresh_from_db()
    assert (code.name, AuditRecord.objects.count()) == before
    # Through the page too: refused with the reason, nothing saved, and no edit form offered.
    response = _client(county_admin).post(
        "/reference/codes/save/",
        {"fiscal_year": "2022", "code": "2082001", "kind": code.kind, "name": "被县里改名"},
        follow=True,
    )
    assert "只能由最高一级的管理员修改" in response.content.decode()
    assert ClassificationCode.objects.get(pk=code.pk).name == before[0]
    assert 'action="/reference/codes/save/"' not in _client(county_admin).get("/reference/").content.decode()


def test_the_top_level_administrator_renames_and_the_top_audit_bureau_sees_it(users, county_admin):
    code = ClassificationCode.objects.get(fiscal_year=2022, code="2082001")
    do_save_code(
        actor=users["admin"], fiscal_year=2022, code="2082001", kind=code.kind, name="临时救助支出（改）"
    )
    rec = AuditRecord.objects.filter(action="reference.code").latest("id")
    assert rec.region_path == "/"
    top = _client(users["dq_sj_ck"])
    assert "临时救助支出（改）" in top.get(f"/audit/{rec.pk}/").content.decode()
    assert "2022/2082001" in top.get("/audit/?action=reference.code").content.decode()
    # A county's audit bureau does not see the records of no region.
    county_auditor = User.objects.create(
        username="ymx_sj_ck", region=Region.objects.get(code="654225"), department="audit", role="viewer"
    )
    assert _client(county_auditor).get(f"/audit/{rec.pk}/").status_code == 404
    assert "2022/2082001" not in _client(county_auditor).get("/audit/?action=reference.code").content.decode()


def test_failed_logins_of_unknown_usernames_reach_the_top_audit_bureau(users):
    Client().post("/login/", {"username": "nobody_here", "password": "x"}, REMOTE_ADDR="198.51.100.7")
    rec = AuditRecord.objects.filter(action="accounts.login_failed", entity="nobody_here").get()
    assert rec.region_path == "/"
    assert "nobody_here" in _client(users["dq_sj_ck"]).get("/audit/").content.decode()


def _county_plan(users, doc_no="裕财社〔2022〕90号"):
    """裕民县's own plan, submitted by its 经办 (the rows do not matter to who may review it)."""
    plan = plans.do_create_plan(
        actor=users["ymx_cz_jb"],
        fund=Fund.objects.get(fiscal_year=2022),
        kind=Plan.ALLOCATION,
        doc_no=doc_no,
        title="县级分配",
        doc_date=datetime.date(2022, 6, 1),
        issuer=users["ymx_cz_jb"].region,
    )
    with transaction.atomic():
        open_round(subject="allocation.plan", object_id=plan.pk, actor=users["ymx_cz_jb"], region=plan.issuer,
                   fund=plan.fund, amount=0)  # fmt: skip
        Plan.objects.filter(pk=plan.pk).update(status=Plan.SUBMITTED, submitted_by=users["ymx_cz_jb"])
    plan.refresh_from_db()
    return plan


def test_the_prefectures_checker_cannot_approve_a_countys_own_plan(users):
    plan = _county_plan(users)
    with pytest.raises(ActionRefused, match="只有裕民县本级的审核人员可以审核"):
        review.approve(plan, users["dq_cz_sh"])
    with pytest.raises(ActionRefused, match="只有裕民县本级的审核人员可以审核"):
        review.return_(plan, users["dq_cz_sh"], reason="越级")
    plan.refresh_from_db()
    assert plan.status == Plan.SUBMITTED
    page = _client(users["dq_cz_sh"]).get(f"/allocation/{plan.pk}/").content.decode()
    assert "审核通过" not in page
    state = review.approve(plan, users["ymx_cz_sh"])
    plan.refresh_from_db()
    assert state.complete and plan.status == Plan.APPROVED


def test_plans_and_ledger_items_share_one_reviewer_rule(users):
    county = Region.objects.get(code="654225")
    for action in ("allocation.approve", "ledger.approve"):
        assert reviewer_refusal(users["ymx_cz_sh"], county, "finance", action=action) == ""
        assert "本级" in reviewer_refusal(users["dq_cz_sh"], county, "finance", action=action)
        assert "同一部门" in reviewer_refusal(users["ymx_cz_sh"], county, "civil_affairs", action=action)
        assert reviewer_refusal(users["ymx_cz_jb"], county, "finance", action=action) == "您没有审核权限"


def test_a_duplicate_docno_of_another_regions_draft_is_not_revealed(users):
    _county_plan(users, doc_no="裕财社〔2022〕91号")  # 裕民县's draft-stage plan
    kwargs = {"fund": Fund.objects.get(fiscal_year=2022), "kind": Plan.ALLOCATION, "title": "探测",
              "doc_date": datetime.date(2022, 6, 2)}  # fmt: skip
    with pytest.raises(InvalidInput) as other:
        plans.do_create_plan(actor=users["ems_cz_jb"], doc_no="裕财社〔2022〕91号", issuer=users["ems_cz_jb"].region,
                             **kwargs)  # fmt: skip
    message = str(other.value.problems[0])
    assert "已存在" not in message and "裕民" not in message and "不能使用" in message
    # The area that holds it is told plainly.
    with pytest.raises(InvalidInput) as own:
        plans.do_create_plan(actor=users["ymx_cz_jb"], doc_no="裕财社〔2022〕91号", issuer=users["ymx_cz_jb"].region,
                             **kwargs)  # fmt: skip
    assert "已存在" in str(own.value.problems[0])
    assert Plan.objects.filter(doc_no="裕财社〔2022〕91号").count() == 1


def test_the_desk_lists_a_plan_only_for_the_checkers_the_reviewer_rule_admits(users):
    from jiuzhu.desk.waiting import waiting

    plan = _county_plan(users, doc_no="裕财社〔2022〕92号")
    civil = User.objects.create(
        username="ymx_mz_sh_x", region=plan.issuer, department="civil_affairs", role="checker"
    )

    def listed(user):
        return plan.doc_no in [x["title"] for x in waiting(user).to_check]

    assert listed(users["ymx_cz_sh"])
    assert not listed(users["dq_cz_sh"])  # the prefecture's checker: not 本级
    assert not listed(civil)  # not the maker's department
