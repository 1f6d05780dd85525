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
    # Locked: even the right password is refused, from any address.
    again = Client().post(
        "/login/", {"username": "ymx_cz_jb", "password": PASSWORD}, REMOTE_ADDR="203.0.113.9"
    )
    assert again.status_code == 429 and "账号已锁定" in again.content.decode()
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
