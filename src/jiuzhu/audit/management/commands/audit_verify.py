"""`jiuzhu audit verify`: check the whole hash chain; name the first broken record and exit non-zero."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jiuzhu.audit.services import find_break


class Command(BaseCommand):
    help = "校验审计日志哈希链；发现断裂时指出第一条问题记录并以非零状态退出"

    def handle(self, *args: Any, **options: Any) -> None:
        broken, checked = find_break()
        if broken is not None:
            raise CommandError(f"审计链断裂：{broken}（此前 {checked} 条完好）")
        self.stdout.write(f"审计链完整：共 {checked} 条记录")
