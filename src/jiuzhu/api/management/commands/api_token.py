"""``jiuzhu api_token account|issue|revoke``: system accounts and their tokens, as an administrator."""

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiuzhu.accounts.models import User
from jiuzhu.api.models import ApiAccount, ApiToken
from jiuzhu.api.tokens import do_create_account, do_issue_token, do_revoke_token
from jiuzhu.core.errors import ActionRefused
from jiuzhu.regions.models import Region


class Command(BaseCommand):
    help = "接口账号和令牌：新建账号、签发令牌（仅显示一次）、吊销令牌"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["account", "issue", "revoke"])
        parser.add_argument("--admin", required=True, help="签发人（管理员用户名）")
        parser.add_argument("--username", help="接口账号的用户名")
        parser.add_argument("--system", default="", help="系统名称")
        parser.add_argument("--region", help="行政区划代码，如 654225")
        parser.add_argument("--department", default="finance")
        parser.add_argument("--role", default="viewer")
        parser.add_argument("--days", type=int, default=90, help="令牌有效天数")
        parser.add_argument("--prefix", help="要吊销的令牌前缀")

    def handle(self, *args: Any, **o: Any) -> None:
        admin = User.objects.get(username=o["admin"])
        try:
            if o["what"] == "account":
                region = Region.objects.get(code=o["region"])
                do_create_account(
                    actor=admin,
                    username=o["username"],
                    system_name=o["system"] or o["username"],
                    region=region,
                    department=o["department"],
                    role=o["role"],
                )
                self.stdout.write(f"已新建接口账号 {o['username']}")
            elif o["what"] == "issue":
                account = ApiAccount.objects.get(user__username=o["username"])
                issued = do_issue_token(
                    actor=admin,
                    account=account,
                    name=o["system"],
                    lifetime=datetime.timedelta(days=o["days"]),
                )
                self.stdout.write(f"令牌（仅显示这一次，请妥善保存）：{issued.token}")
                self.stdout.write(f"有效期至 {issued.record.expires_at:%Y-%m-%d %H:%M}")
            else:
                token = ApiToken.objects.get(prefix=o["prefix"], revoked_at__isnull=True)
                do_revoke_token(actor=admin, token=token)
                self.stdout.write(f"已吊销令牌 {token.prefix}…")
        except (ActionRefused, ApiAccount.DoesNotExist, ApiToken.DoesNotExist, Region.DoesNotExist) as exc:
            raise CommandError(str(exc)) from exc
