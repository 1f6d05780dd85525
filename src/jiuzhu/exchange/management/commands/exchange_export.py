"""``jiuzhu exchange export``: one region's month as an exchange archive, as the API's systems receive it."""

import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiuzhu.core.errors import ActionRefused
from jiuzhu.exchange.archive import export_month, read_manifest
from jiuzhu.ledger.management.commands._imports import actor_for
from jiuzhu.ledger.management.commands.export_payouts import write_private
from jiuzhu.regions.selectors import find_region

from ._summary import describe


class Command(BaseCommand):
    help = "导出某地区某月的交换文件（zip：指标、支付凭证、发放明细三个CSV和清单manifest.json，仅含已审核的数据）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--region", required=True, help="地区：行政区划代码、财政区划代码或名称，如 654225"
        )
        parser.add_argument("--month", required=True, help="YYYY-MM，如 2022-10")
        parser.add_argument("--out", required=True, help="输出的 .zip 文件")
        parser.add_argument(
            "--user", required=True, help="以该用户身份导出（文件含完整证件号码，须有查看完整证件号码的权限）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        region = find_region(options["region"])
        if region is None:
            raise CommandError(f"未知的地区：{options['region']}")
        match = re.fullmatch(r"(\d{4})-(\d{1,2})", options["month"].strip())
        if not match or not 1 <= int(match[2]) <= 12:
            raise CommandError("--month 应为 YYYY-MM，如 2022-10")
        out = Path(options["out"])
        if out.suffix.lower() != ".zip":
            raise CommandError("交换文件须为 .zip")
        actor = actor_for(options["user"])
        year, month = int(match[1]), int(match[2])
        self.stderr.write(f"正在导出{region.name}{year}年{month}月的交换文件…")
        try:
            data = export_month(actor=actor, region=region, year=year, month=month)
        except ActionRefused as exc:
            raise CommandError(str(exc)) from exc
        try:
            write_private(out, data)  # whole 证件号码: readable by its owner only
        except OSError as exc:
            raise CommandError(f"无法写入文件：{exc}") from exc
        for line in describe(read_manifest(data)):
            self.stdout.write(line)
        self.stdout.write(f"已导出至 {out}（{len(data):,} 字节；含完整证件号码，请妥善保管）")
