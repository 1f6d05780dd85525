import os
import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiuzhu.accounts.models import User
from jiuzhu.core.errors import ActionRefused
from jiuzhu.ledger.actors import SystemActor
from jiuzhu.ledger.payout_export import do_export_payouts
from jiuzhu.regions.selectors import find_region


def write_private(path: Path, content: bytes) -> None:
    """The file holds personal data: readable by its owner only (0600), whatever the umask."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(content)


class Command(BaseCommand):
    help = "按监控系统“到人到户资金发放明细表”模板（13列）导出某地区某月的发放明细"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", required=True)
        parser.add_argument(
            "--month", required=True, help="YYYY-MM，如 2022-05；YYYY-全年 导出按年发放的明细"
        )
        parser.add_argument("--out", required=True, help="输出 .xlsx 文件")
        parser.add_argument(
            "--user", default="", help="以该用户身份导出（按其角色决定是否含完整证件号码）；默认为系统操作员"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        region = find_region(options["region"])
        if region is None:
            raise CommandError(f"未知的地区：{options['region']}")
        match = re.fullmatch(r"(\d{4})-(\d{1,2}|全年)", options["month"].strip())
        if not match:
            raise CommandError("--month 应为 YYYY-MM，如 2022-05")
        month = match[2] if match[2] == "全年" else match[2].zfill(2)
        out = Path(options["out"])
        if out.suffix.lower() != ".xlsx":
            raise CommandError("只支持导出 .xlsx")
        actor: Any = SystemActor()
        if options["user"]:
            actor = User.objects.filter(username=options["user"], is_active=True).first()
            if actor is None:
                raise CommandError(f"未知或已停用的用户：{options['user']}")
        try:
            export = do_export_payouts(actor=actor, region=region, fiscal_year=int(match[1]), month=month)
        except ActionRefused as exc:
            raise CommandError(str(exc)) from exc
        count = export.rows
        write_private(out, export.content)
        masked = "" if export.full_ids else "（证件号码已脱敏）"
        self.stdout.write(
            f"{masked}已导出{region.name}{match[1]}年{month}{'' if month == '全年' else '月'}发放明细{count}行至 {out}"
        )
