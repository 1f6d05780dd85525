"""`jiuzhu audit verify [--anchor FILE]`: check the whole hash chain, and that nothing before an anchor the audit
bureau kept was removed; name the first problem and exit non-zero."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiuzhu.audit.anchor import AnchorFileError, anchor_problem, parse
from jiuzhu.audit.services import find_break


class Command(BaseCommand):
    help = "校验审计日志哈希链；给出锚点文件时还校验锚点之前的记录未被删除；发现问题时指出并以非零状态退出"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            help="审计局保存的锚点文件（jiuzhu audit anchor 导出），可多次给出",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for path in options["anchor"]:
            try:
                anchor = parse(Path(path).read_text(encoding="utf-8"))
            except (OSError, AnchorFileError) as exc:
                raise CommandError(f"{path}：{exc}") from exc
            problem = anchor_problem(anchor)
            if problem:
                raise CommandError(f"审计链与锚点不符：{problem}（{path}）")
        broken, checked = find_break()
        if broken is not None:
            raise CommandError(f"审计链断裂：{broken}（此前 {checked} 条完好）")
        anchored = f"，与 {len(options['anchor'])} 个锚点相符" if options["anchor"] else ""
        self.stdout.write(f"审计链完整：共 {checked} 条记录{anchored}")
