"""Login, lockout, sessions, CSRF, security headers, password change."""

import datetime
import os
import pathlib
import re

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.utils import timezone

from jiuzhu.audit.models import AuditRecord

PASSWORD = "Jiuzhu@2022"
BACKEND = "django.contrib.auth.backends.ModelBackend"
TEMPLATES = pathlib.Path(settings.PACKAGE_DIR) / "templates"


def _login(client: Client, username: str, password: str = PASSWORD):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR="198.51.100.4")


def test_passwords_are_hashed_with_argon2(users):
    """The suite hashes with MD5 for speed (conftest); here the real settings' hashers are back."""
    import jiuzhu.settings as real
    from jiuzhu.accounts.services import do_create_user
    from jiuzhu.regions.models import Region

    with override_settings(PASSWORD_HASHERS=real.PASSWORD_HASHERS):
        user = do_create_user(
            actor=users["admin"],
            username="argon_check",
            display_name="",
            department="finance",
            role="maker",
            password="Argon#Check1",
            region=Region.objects.get(code="654225"),
        )
        assert user.password.startswith("argon2$")
        assert _login(Client(), "argon_check", "Argon#Check1").status_code == 302


def test_a_demo_user_logs_in_and_it_is_audited(users):
    client = Client()
    response = _login(client, "ymx_cz_jb")
    assert response.status_code == 302 and response["Location"] == "/"
    rec = AuditRecord.objects.filter(action="accounts.login").last()
    assert rec.actor == "ymx_cz_jb" and rec.ip == "198.51.100.4" and rec.region_path.endswith("/654225/")


def test_ten_wrong_passwords_lock_the_account_and_say_so_in_chinese(users):
    client = Client()
    for attempt in range(1, 10):
        response = _login(client, "ymx_cz_jb", "wrong-password")
        assert response.status_code == 200, attempt
        assert "用户名或密码不正确" in response.content.decode()
    tenth = _login(client, "ymx_cz_jb", "wrong-password")
    assert tenth.status_code == 429
    page = tenth.content.decode()
    assert "账号已锁定" in page and "连续 10 次密码错误" in page and "30 分钟" in page
    # Locked from that address: even the right password is refused there ...
    assert _login(Client(), "ymx_cz_jb").status_code == 429
    # ... but the owner at their own desk (another address) still logs in: an attacker cannot lock them out.
    again = Client().post(
        "/login/", {"username": "ymx_cz_jb", "password": PASSWORD}, REMOTE_ADDR="203.0.113.9"
    )
    assert again.status_code == 302
    assert AuditRecord.objects.filter(action="accounts.login_failed", entity="ymx_cz_jb").count() >= 10
    assert AuditRecord.objects.filter(action="accounts.locked_out", entity="ymx_cz_jb").exists()
    # Someone else is not affected.
    assert _login(Client(), "ems_cz_jb").status_code == 302


def test_nine_wrong_passwords_then_the_right_one_logs_in_and_clears_the_count(users):
    client = Client()
    for _ in range(9):
        _login(client, "tlx_cz_jb", "nope")
    assert _login(client, "tlx_cz_jb").status_code == 302
    for _ in range(9):
        _login(Client(), "tlx_cz_jb", "nope")
    assert _login(Client(), "tlx_cz_jb").status_code == 302


def test_an_administrator_unlocks_a_locked_account(users):
    for _ in range(10):
        _login(Client(), "hfx_cz_jb", "wrong")
    assert _login(Client(), "hfx_cz_jb").status_code == 429
    admin = Client()
    admin.force_login(users["admin"], backend=BACKEND)
    target = users["hfx_cz_jb"]
    assert "已锁定" in admin.get("/accounts/users/").content.decode()
    assert "解除锁定" in admin.get(f"/accounts/users/{target.pk}/").content.decode()
    admin.post(f"/accounts/users/{target.pk}/unlock/")
    assert _login(Client(), "hfx_cz_jb").status_code == 302
    assert AuditRecord.objects.filter(
        action="accounts.user_unlock", entity="hfx_cz_jb", actor="admin"
    ).exists()


def test_sessions_expire_after_thirty_idle_minutes(users):
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    client = Client()
    _login(client, "dq_cz_sh")
    assert client.get("/").status_code == 200
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    expiry = Session.objects.get(session_key=key).expire_date
    assert expiry - timezone.now() > datetime.timedelta(minutes=29)
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_session_cookie_is_guarded(users):
    client = Client()
    response = _login(client, "dq_cz_sh")
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert bool(cookie["secure"]) == settings.SESSION_COOKIE_SECURE
    if not settings.DEBUG and os.environ.get("JIUZHU_HTTP", "") != "1":
        assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE


def test_a_post_without_the_csrf_token_is_refused_in_chinese(users, seed_adjustment):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["dq_cz_sh"], backend=BACKEND)
    response = client.post(f"/approvals/review/allocation.plan/{seed_adjustment.pk}/return/", {"reason": "x"})
    assert response.status_code == 403 and "CSRF" in response.content.decode()
    login = Client(enforce_csrf_checks=True).post("/login/", {"username": "admin", "password": PASSWORD})
    assert login.status_code == 403


def test_every_post_form_carries_the_csrf_token():
    missing = []
    for path in TEMPLATES.rglob("*.html"):
        for form in re.findall(r"<form\b[^>]*>.*?</form>", path.read_text(), flags=re.S | re.I):
            if re.search(r'method="post"', form, re.I) and "{% csrf_token %}" not in form:
                missing.append(f"{path.relative_to(TEMPLATES)}: {form[:80]}")
    assert not missing


#: Rendered to PDF on the server (WeasyPrint), never sent to a browser, so the CSP does not apply.
SERVER_SIDE_ONLY = {"notice_print.html", "attest_print.html"}  # rendered to PDF by WeasyPrint, never served


def test_templates_have_no_inline_script_or_style():
    """The CSP allows scripts and styles from our static files only, so nothing inline may rely on them."""
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        if path.name in SERVER_SIDE_ONLY:
            continue
        text = path.read_text()
        offenders += [
            f"{path.name}: inline <script>"
            for tag in re.findall(r"<script\b[^>]*>", text, re.I)
            if "src=" not in tag
        ]
        offenders += [
            f"{path.name}: {m}" for m in re.findall(r"\son[a-z]+\s*=|\sstyle\s*=|<style\b", text, re.I)
        ]
    assert not offenders


def test_security_headers(users):
    client = Client()
    client.force_login(users["dq_cz_sh"], backend=BACKEND)
    for url in ("/", "/login/", "/allocation/"):
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in client.get("/").headers["Cache-Control"]


def test_the_password_change_page(users):
    client = Client()
    _login(client, "ymx_cz_jb")
    page = client.get("/accounts/password/").content.decode()
    assert "修改密码" in page and "csrfmiddlewaretoken" in page
    wrong = client.post(
        "/accounts/password/",
        {"old_password": "nope", "new_password1": "Yumin#2023x", "new_password2": "Yumin#2023x"},
    )
    assert wrong.status_code == 200 and "原密码" in wrong.content.decode()
    weak = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert weak.status_code == 200
    ok = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Yumin#2023x", "new_password2": "Yumin#2023x"},
    )
    assert ok.status_code == 302
    assert client.get("/").status_code == 200  # still logged in on this session
    assert _login(Client(), "ymx_cz_jb").status_code == 200  # the old password no longer works
    assert _login(Client(), "ymx_cz_jb", "Yumin#2023x").status_code == 302
    assert AuditRecord.objects.filter(action="accounts.password_change", actor="ymx_cz_jb").exists()


def test_the_login_page_is_in_chinese_and_public(demo):
    page = Client().get("/login/").content.decode()
    assert "登录" in page and "用户名" in page and "密码" in page


@pytest.mark.parametrize("url", ["/", "/allocation/", "/audit/", "/accounts/users/"])
def test_anonymous_visitors_are_sent_to_login(demo, url):
    response = Client().get(url)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_an_address_trying_many_usernames_is_throttled(users, settings):
    settings.LOGIN_MAX_USERNAMES_PER_ADDRESS = 3
    for name in ("ymx_cz_jb", "ems_cz_jb", "tlx_cz_jb"):
        assert _login(Client(), name, "guess-1").status_code == 200
    refused = _login(Client(), "hfx_cz_jb")  # the right password, but from the throttled address
    assert refused.status_code == 200 and "本地址登录失败的账号过多" in refused.content.decode()
    assert "_auth_user_id" not in refused.wsgi_request.session
    assert AuditRecord.objects.filter(action="accounts.address_throttled", ip="198.51.100.4").exists()
    # Another address is not affected.
    ok = Client().post("/login/", {"username": "hfx_cz_jb", "password": PASSWORD}, REMOTE_ADDR="203.0.113.9")
    assert ok.status_code == 302


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("ymx_cz_jb", "密码不能与用户名相同"),
        ("YMX_CZ_JB", "密码不能与用户名相同"),
        (PASSWORD, "不能使用演示密码"),
    ],
)
def test_the_policy_refuses_the_username_and_the_demo_password(users, password, message):
    from jiuzhu.accounts.services import do_reset_password
    from jiuzhu.core.errors import InvalidInput

    user = users["ymx_cz_jb"]
    before = user.password
    with pytest.raises(InvalidInput) as exc:
        do_reset_password(actor=users["admin"], user=user, password=password)
    assert message in str(exc.value.problems[0])
    user.refresh_from_db()
    assert user.password == before and not user.must_change_password


def test_the_policy_refuses_the_current_password(users):
    from jiuzhu.accounts.services import do_change_own_password
    from jiuzhu.core.errors import InvalidInput

    user = users["ymx_cz_jb"]
    user.set_password("Mine#2023abc")
    user.save()
    with pytest.raises(InvalidInput) as exc:
        do_change_own_password(actor=user, new_password="Mine#2023abc")
    assert "新密码不能与当前密码相同" in str(exc.value.problems[0])


def test_a_reset_password_must_be_changed_at_the_next_login_and_the_user_is_told(users):
    from jiuzhu.accounts.services import do_reset_password

    target = users["tlx_cz_jb"]
    do_reset_password(actor=users["admin"], user=target, password="Reset#By@Admin9")
    rec = AuditRecord.objects.filter(action="accounts.password_reset", entity="tlx_cz_jb").latest("id")
    assert rec.after == {"must_change_password": True}
    client = Client()
    assert _login(client, "tlx_cz_jb", "Reset#By@Admin9").status_code == 302
    for path in ("/", "/ledger/", "/allocation/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == "/accounts/password/", path
    page = client.get("/accounts/password/").content.decode()
    assert "您的密码是管理员设置的" in page
    changed = client.post(
        "/accounts/password/",
        {
            "old_password": "Reset#By@Admin9",
            "new_password1": "Only#Mine@2023",
            "new_password2": "Only#Mine@2023",
        },
    )
    assert changed.status_code == 302
    assert client.get("/").status_code == 200
    target.refresh_from_db()
    assert not target.must_change_password


def test_demo_users_keep_the_demo_password(users):
    """The demo sets the published password directly (not through the policy), so `make run`'s logins work."""
    assert _login(Client(), "dq_cz_jb").status_code == 302
    assert Client().get("/").status_code == 302
