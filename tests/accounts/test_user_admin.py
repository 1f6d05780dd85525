"""The administrator creates, disables and re-scopes users — within their own area only."""

import pytest
from django.test import Client

from helpers import logged_in
from jiuzhu.accounts import services
from jiuzhu.accounts.models import User
from jiuzhu.audit.models import AuditRecord
from jiuzhu.core.errors import ActionRefused, InvalidInput
from jiuzhu.regions.models import Region

PASSWORD = "Jiuzhu@2022"


def _region(code: str) -> Region:
    return Region.objects.get(code=code)


def test_the_administrator_creates_a_county_checker_who_then_works_in_that_county(users, seed_adjustment):
    admin = logged_in(users["admin"])
    assert "新建用户" in admin.get("/accounts/users/").content.decode()
    response = admin.post(
        "/accounts/users/new/",
        {
            "username": "ymx_cz_sh3",
            "display_name": "裕民县财政局审核（三）",
            "region": _region("654225").pk,
            "department": "finance",
            "role": "checker",
            "password": "Yumin#Check1",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="ymx_cz_sh3")
    assert (user.region.code, user.department, user.role, user.is_active) == (
        "654225",
        "finance",
        "checker",
        True,
    )
    rec = AuditRecord.objects.get(action="accounts.user_create", entity="ymx_cz_sh3")
    assert rec.actor == "admin" and rec.after["role"] == "checker" and "Yumin" not in str(rec.after)
    login = Client().post("/login/", {"username": "ymx_cz_sh3", "password": "Yumin#Check1"})
    assert login.status_code == 302


def test_a_weak_password_or_a_taken_username_is_refused_with_every_problem(users):
    with pytest.raises(InvalidInput) as exc:
        services.do_create_user(
            actor=users["admin"],
            username="dq_cz_jb",
            display_name="",
            department="finance",
            role="bogus",
            password="123",
            region=_region("654200"),
        )
    codes = {p.code for p in exc.value.problems}
    assert {"DUPLICATE_USERNAME", "BAD_ROLE", "WEAK_PASSWORD"} <= codes


def test_a_county_administrator_manages_only_their_county(users):
    county_admin = User.objects.create(
        username="ymx_admin", region=_region("654225"), department="finance", role="admin"
    )
    client = logged_in(county_admin)
    page = client.get("/accounts/users/").content.decode()
    assert "ymx_cz_jb" in page and "ems_cz_jb" not in page and "dq_cz_jb" not in page
    form = client.get("/accounts/users/new/").content.decode()
    assert "裕民县" in form and "额敏县" not in form and "塔城地区" not in form
    assert client.get(f"/accounts/users/{users['ems_cz_jb'].pk}/").status_code == 404
    response = client.post(
        "/accounts/users/new/",
        {
            "username": "sneaky",
            "region": _region("654221").pk,
            "department": "finance",
            "role": "checker",
            "password": "Sneaky#Pass1",
        },
        follow=True,
    )
    assert "请选择您管辖范围内的地区" in response.content.decode()
    assert not User.objects.filter(username="sneaky").exists()
    with pytest.raises(ActionRefused):
        services.do_update_user(
            actor=county_admin,
            user=users["ymx_cz_jb"],
            display_name="",
            department="finance",
            role="maker",
            is_active=True,
            region=_region("654221"),
        )


def test_re_scoping_a_user_changes_what_they_see(users, seed_adjustment):
    clerk = users["tcs_cz_jb"]
    before = logged_in(clerk).get(f"/allocation/{seed_adjustment.pk}/").content.decode()
    assert "塔城市" in before and "裕民县" not in before
    logged_in(users["admin"]).post(
        f"/accounts/users/{clerk.pk}/",
        {
            "display_name": "调到裕民县",
            "region": _region("654225").pk,
            "department": "finance",
            "role": "maker",
            "is_active": "on",
        },
    )
    clerk.refresh_from_db()
    assert clerk.region.code == "654225"
    after = logged_in(clerk).get(f"/allocation/{seed_adjustment.pk}/").content.decode()
    assert "裕民县" in after and "塔城市" not in after
    rec = AuditRecord.objects.get(action="accounts.user_update", entity="tcs_cz_jb")
    assert rec.before["region"] == "654201" and rec.after["region"] == "654225"


def test_disabling_a_user_ends_their_session_and_login(users):
    clerk = users["wss_cz_jb"]
    session = Client()
    assert session.post("/login/", {"username": "wss_cz_jb", "password": PASSWORD}).status_code == 302
    assert session.get("/").status_code == 200
    logged_in(users["admin"]).post(
        f"/accounts/users/{clerk.pk}/",
        {
            "display_name": clerk.display_name,
            "region": clerk.region.pk,
            "department": "finance",
            "role": "maker",
        },
    )
    clerk.refresh_from_db()
    assert not clerk.is_active
    assert session.get("/").status_code == 302  # the open session no longer counts
    assert Client().post("/login/", {"username": "wss_cz_jb", "password": PASSWORD}).status_code == 200


def test_an_administrator_cannot_lock_themselves_out(users):
    admin = users["admin"]
    with pytest.raises(ActionRefused):
        services.do_update_user(
            actor=admin,
            user=admin,
            display_name="x",
            region=admin.region,
            department="finance",
            role="admin",
            is_active=False,
        )
    with pytest.raises(ActionRefused):
        services.do_update_user(
            actor=admin,
            user=admin,
            display_name="x",
            region=admin.region,
            department="finance",
            role="checker",
            is_active=True,
        )


def test_an_administrator_resets_a_password(users):
    clerk = users["sws_cz_jb"]
    logged_in(users["admin"]).post(f"/accounts/users/{clerk.pk}/password/", {"password": "Shawan#New1"})
    assert Client().post("/login/", {"username": "sws_cz_jb", "password": "Shawan#New1"}).status_code == 302
    rec = AuditRecord.objects.get(action="accounts.password_reset", entity="sws_cz_jb")
    assert "Shawan" not in str(rec.before) + str(rec.after)


@pytest.mark.parametrize("name", ["dq_cz_jb", "dq_cz_sh", "dq_sj_ck", "ymx_cz_jb"])
def test_others_have_no_user_pages_and_no_menu_entry(users, name):
    client = logged_in(users[name])
    assert client.get("/accounts/users/").status_code == 403
    assert client.get("/accounts/admin/").status_code == 403
    assert "系统管理" not in client.get("/").content.decode()


def test_the_menu_shows_administration_to_the_administrator_and_the_trail_to_the_audit_bureau(users):
    assert "系统管理" in logged_in(users["admin"]).get("/").content.decode()
    audit_home = logged_in(users["dq_sj_ck"]).get("/").content.decode()
    assert "审计日志" in audit_home and "系统管理" not in audit_home
    assert "审计日志" not in logged_in(users["dq_cz_jb"]).get("/").content.decode()
