"""The login form: refuses a throttled address before any password is checked."""

from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db import transaction

from jiuzhu.audit.actions import AuditAction
from jiuzhu.audit.services import record

from .throttle import address_throttled


class LoginForm(AuthenticationForm):
    address_throttled = False

    def clean(self) -> dict[str, Any]:
        if address_throttled(self.request):
            self.address_throttled = True
            minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
            with transaction.atomic():
                record(
                    actor=str(self.data.get("username", ""))[:150] or "（空）",
                    action=AuditAction.ACCOUNTS_ADDRESS_THROTTLED,
                    entity=str(self.request.META.get("REMOTE_ADDR", "")) if self.request else "",
                    ip=str(self.request.META.get("REMOTE_ADDR", "")) if self.request else "",
                )
            raise ValidationError(
                f"本地址登录失败的账号过多，已暂停从本地址登录，请{minutes}分钟后再试或联系管理员",
                code="address_throttled",
            )
        return super().clean()
