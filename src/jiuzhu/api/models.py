"""System accounts, their tokens, the idempotency keys of writes, and the rate windows."""

from django.conf import settings
from django.db import models


class ApiAccount(models.Model):
    """A system (预算管理一体化, 直达资金监控 …) that calls the API: a ``User`` of one region, department and role,
    with no usable password, so it acts exactly as far as a person of that role may."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_account"
    )
    system_name = models.CharField("系统名称", max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "接口账号"

    def __str__(self) -> str:
        return self.system_name


class ApiToken(models.Model):
    """A bearer token: only its sha256 is kept; the token itself is shown once, when issued."""

    account = models.ForeignKey(ApiAccount, on_delete=models.PROTECT, related_name="tokens")
    name = models.CharField("用途说明", max_length=128)
    prefix = models.CharField(
        "令牌前缀", max_length=12, help_text="the first characters, to tell tokens apart"
    )
    digest = models.CharField(max_length=64, unique=True, help_text="sha256 of the whole token")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField("签发人", max_length=150)
    expires_at = models.DateTimeField("有效期至")
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    revoked_by = models.CharField("吊销人", max_length=150, blank=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌"

    def __str__(self) -> str:
        return f"{self.prefix}…"


class IdempotentWrite(models.Model):
    """A write made with an ``Idempotency-Key``: the same key again returns the same answer; with another body
    it is refused."""

    account = models.ForeignKey(ApiAccount, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=128)
    route = models.CharField(max_length=64)
    body_sha256 = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "key"], name="api_idempotency_key_once")]

    def __str__(self) -> str:
        return f"{self.route} {self.key}"


class RateWindow(models.Model):
    """Calls of one token in one minute (a fixed window, counted in the database so that every worker sees it)."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    minute = models.BigIntegerField(help_text="Unix time // 60")
    calls = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token", "minute"], name="api_rate_window_once")]

    def __str__(self) -> str:
        return f"{self.token_id}@{self.minute}: {self.calls}"
