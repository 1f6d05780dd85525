"""Production serving: check --deploy clean with the production environment, static files through whitenoise,
the TLS proxy's headers, the health page."""

import os
import subprocess
import sys

import pytest
from django.test import Client

PRODUCTION = {
    "JIUZHU_SECRET_KEY": "k" * 10 + "Zq8#uV2!pL0@wX5$rT9^yB3&nM7*cE1(fH6)jK4_sD",
    "JIUZHU_ALLOWED_HOSTS": "jiuzhu.example.gov.cn",
    "JIUZHU_TLS_PROXY": "1",
    "JIUZHU_CSRF_TRUSTED_ORIGINS": "https://jiuzhu.example.gov.cn",
}


def _check_deploy(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JIUZHU_", "DJANGO_"))}
    env.update(PRODUCTION, JIUZHU_VAR_DIR=str(tmp_path), **extra)
    env["JIUZHU_DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    return subprocess.run(
        [sys.executable, "-m", "jiuzhu.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_check_deploy_is_clean_in_production_settings(tmp_path):
    result = _check_deploy(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_complains_without_the_proxy_settings(tmp_path):
    result = _check_deploy(tmp_path, JIUZHU_TLS_PROXY="0")
    assert result.returncode != 0 and "security.W004" in result.stderr + result.stdout


def test_static_files_are_served_without_the_debug_server(db, settings):
    assert not settings.DEBUG
    response = Client().get("/static/jiuzhu.css")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"--red" in body


def test_the_health_page_needs_no_login():
    response = Client().get("/healthz")
    assert response.status_code == 200 and response.content == b"ok\n"


@pytest.fixture
def behind_proxy(settings):
    settings.TLS_PROXY = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_SSL_REDIRECT = True


def test_behind_the_proxy_https_gets_hsts_and_http_is_redirected(behind_proxy):
    secure = Client().get("/healthz", HTTP_X_FORWARDED_PROTO="https")
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")
    plain = Client().get("/healthz")
    assert plain.status_code == 301 and plain["Location"].startswith("https://")


def test_behind_the_proxy_the_trail_has_the_clients_address(users, behind_proxy):
    from jiuzhu.audit.models import AuditRecord

    Client().post(
        "/login/", {"username": "ymx_cz_jb", "password": "Jiuzhu@2022"}, REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.23", HTTP_X_FORWARDED_PROTO="https",
    )  # fmt: skip
    assert AuditRecord.objects.filter(action="accounts.login").latest("id").ip == "198.51.100.23"


def test_without_the_proxy_setting_a_forwarded_header_is_ignored(users):
    from jiuzhu.audit.models import AuditRecord

    Client().post(
        "/login/", {"username": "ymx_cz_jb", "password": "Jiuzhu@2022"}, REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.23",
    )  # fmt: skip
    assert AuditRecord.objects.filter(action="accounts.login").latest("id").ip == "10.0.0.1"
