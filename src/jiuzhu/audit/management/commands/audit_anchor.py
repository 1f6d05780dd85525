"""`jiuzhu audit anchor --out FILE`: the chain's head as a small JSON file for the audit bureau to keep (daily)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiuzhu.audit.anchor import head


class Command(BaseCommand):
    help = "导出审计链首锚点（最新记录的编号、哈希和记录数），由审计局每日保存，供 jiuzhu audit verify --anchor 校验"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="输出的锚点文件（JSON）；- 表示标准输出")

    def handle(self, *args: Any, **options: Any) -> None:
        anchor = head()
        if anchor is None:
            raise CommandError("审计日志为空，没有可导出的锚点")
        if options["out"] == "-":
            self.stdout.write(anchor.as_json(), ending="")
            return
        Path(options["out"]).write_text(anchor.as_json(), encoding="utf-8")
        self.stdout.write(f"已导出锚点：记录 {anchor.short()}，共 {anchor.count} 条，至 {options['out']}")
