"""System accounts and their tokens: every write one transaction and one audit record.

A token is ``jz_`` and 40 random URL-safe characters; only its sha256 is stored (the token has 240 random bits,
so a plain hash is as good as a slow one and lets every call look it up by index). It is shown once, when
issued, and lives until its expiry or until it is revoked.
"""

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from jiuzhu.accounts.actions import require, require_within
from jiuzhu.accounts.actors import Actor
from jiuzhu.accounts.models import User
from jiuzhu.accounts.roles import Department, Role
from jiuzhu.audit.actions import AuditAction
from jiuzhu.audit.services import record
from jiuzhu.core.errors import ActionRefused
from jiuzhu.regions.models import Region

from .models import ApiAccount, ApiToken

PREFIX = "jz_"
#: How long a token lives unless told otherwise.
DEFAULT_LIFETIME = datetime.timedelta(days=90)
MAX_LIFETIME = datetime.timedelta(days=366)


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Issued:
    """A token just issued: ``token`` is the only time the secret is seen."""

    token: str
    record: ApiToken


@transaction.atomic
def do_create_account(
    *, actor: Actor, username: str, system_name: str, region: Region, department: str, role: str
) -> ApiAccount:
    """A system account: a user who cannot log in, of one region, department and role."""
    require(actor, "accounts.admin")
    require_within(actor, region)
    Department(department), Role(role)  # refuse an unknown one
    if role == Role.ADMIN:
        raise ActionRefused("接口账号不能是管理员")
    if User.objects.filter(username=username).exists():
        raise ActionRefused(f"用户名“{username}”已存在")
    user = User(username=username, region=region, department=department, role=role, display_name=system_name)
    user.set_unusable_password()
    user.save()
    account = ApiAccount.objects.create(user=user, system_name=system_name)
    record(
        actor=actor,
        action=AuditAction.API_ACCOUNT_CREATE,
        entity=f"api_account:{username}",
        region_path=region.path,
        after={"system_name": system_name, "department": department, "role": role, "region": region.code},
    )
    return account


@transaction.atomic
def do_issue_token(
    *,
    actor: Actor,
    account: ApiAccount,
    name: str,
    lifetime: datetime.timedelta = DEFAULT_LIFETIME,
) -> Issued:
    require(actor, "accounts.admin")
    require_within(actor, account.user.region)
    if not datetime.timedelta(0) < lifetime <= MAX_LIFETIME:
        raise ActionRefused("令牌有效期须在1天至366天之间")
    token = PREFIX + secrets.token_urlsafe(30)
    issued = ApiToken.objects.create(
        account=account,
        name=name[:128],
        prefix=token[:10],
        digest=digest_of(token),
        created_by=actor.username,
        expires_at=timezone.now() + lifetime,
    )
    record(
        actor=actor,
        action=AuditAction.API_TOKEN_ISSUE,
        entity=f"api_token:{issued.prefix}",
        region_path=_path(account),
        after={"account": account.user.username, "name": issued.name, "expires_at": issued.expires_at},
    )
    return Issued(token, issued)


@transaction.atomic
def do_revoke_token(*, actor: Actor, token: ApiToken) -> None:
    require(actor, "accounts.admin")
    require_within(actor, token.account.user.region)
    if token.revoked_at is not None:
        raise ActionRefused("该令牌已吊销")
    token.revoked_at, token.revoked_by = timezone.now(), actor.username
    token.save(update_fields=["revoked_at", "revoked_by"])
    record(
        actor=actor,
        action=AuditAction.API_TOKEN_REVOKE,
        entity=f"api_token:{token.prefix}",
        region_path=_path(token.account),
        after={"account": token.account.user.username},
    )


def _path(account: ApiAccount) -> str:
    region = account.user.region
    return region.path if region is not None else "/"


def live_token(raw: str) -> ApiToken | None:
    """The token of this secret if it is neither revoked nor expired and its account is active."""
    if not raw.startswith(PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("account__user__region")
        .filter(digest=digest_of(raw), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.account.user.is_active:
        return None
    return token
