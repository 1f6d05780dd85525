"""Tokens: shown once and stored hashed, expiring, revocable, rate-limited; every call audited."""

import datetime
import json

from api_helpers import YUMIN, TokenClient, make_token
from django.utils import timezone

from jiuzhu.api.models import ApiToken
from jiuzhu.api.tokens import digest_of, do_revoke_token
from jiuzhu.audit.models import AuditRecord


def test_token_is_stored_only_as_its_hash(seed):
    token = make_token(YUMIN)
    stored = ApiToken.objects.get()
    assert stored.digest == digest_of(token)
    assert token not in json.dumps(list(ApiToken.objects.values()), default=str)
    assert not AuditRecord.objects.filter(after__icontains=token[10:]).exists()


def test_no_token_a_wrong_one_and_a_session_are_401(seed, client):
    assert client.get("/api/v1/regions").status_code == 401
    wrong = TokenClient("jz_" + "x" * 40).get("/api/v1/regions")
    assert wrong.status_code == 401
    assert wrong["Content-Type"] == "application/problem+json"
    body = wrong.json()
    assert body["status"] == 401 and body["title"] == "未提供有效的接口令牌"
    client.force_login(seed["ymx_cz_jb"])
    assert client.get("/api/v1/regions").status_code == 401


def test_expired_and_revoked_tokens_are_refused(seed):
    token = make_token(YUMIN)
    client = TokenClient(token)
    assert client.get("/api/v1/regions").status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get("/api/v1/regions").status_code == 401
    ApiToken.objects.update(expires_at=timezone.now() + datetime.timedelta(days=1))
    do_revoke_token(actor=seed["admin"], token=ApiToken.objects.get())
    assert client.get("/api/v1/regions").status_code == 401
    assert AuditRecord.objects.filter(action="api.token_revoke").count() == 1


def test_rate_limit(seed, settings):
    settings.JIUZHU_API_RATE_PER_MINUTE = 3
    client = TokenClient(make_token(YUMIN))
    assert [client.get("/api/v1/regions").status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get("/api/v1/regions")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert "每分钟最多调用3次" in refused.json()["detail"]


def test_every_call_is_audited_with_its_row_count(seed):
    client = TokenClient(make_token(YUMIN))
    before = AuditRecord.objects.filter(action="api.call").count()
    client.get("/api/v1/funds?limit=1")
    client.get("/api/v1/regions")
    calls = list(AuditRecord.objects.filter(action="api.call").order_by("id"))[before:]
    assert [(c.entity, c.after["rows"], c.after["status"]) for c in calls] == [
        ("api:funds", 1, 200),
        ("api:regions", 1, 200),
    ]
    assert calls[0].actor == f"sys_{YUMIN}_finance_maker"
    assert calls[0].region_path.endswith("/654225/")


def test_json_keeps_chinese_text_unescaped(seed):
    body = TokenClient(make_token(YUMIN)).get("/api/v1/regions").content.decode()
    assert "裕民县" in body and "\\u" not in body


def test_command_line_issues_a_token_once_and_revokes_it(seed):
    import io

    from django.core.management import call_command

    call_command(
        "api_token",
        "account",
        "--admin",
        "admin",
        "--username",
        "ytj_ymx",
        "--region",
        YUMIN,
        "--role",
        "maker",
        stdout=io.StringIO(),
    )
    out = io.StringIO()
    call_command(
        "api_token", "issue", "--admin", "admin", "--username", "ytj_ymx", "--system", "一体化", stdout=out
    )
    token = out.getvalue().split("：", 1)[1].split()[0]
    assert TokenClient(token).get("/api/v1/regions").status_code == 200
    call_command("api_token", "revoke", "--admin", "admin", "--prefix", token[:10], stdout=io.StringIO())
    assert TokenClient(token).get("/api/v1/regions").status_code == 401
