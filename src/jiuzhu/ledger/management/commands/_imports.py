"""The shared body of `jiuzhu import payments` and `jiuzhu import payouts`."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper
from django.db import DatabaseError
from tqdm import tqdm

from jiuzhu.accounts.models import User
from jiuzhu.core.errors import ActionRefused, InvalidInput
from jiuzhu.ledger.actors import SystemActor
from jiuzhu.ledger.services.batches import Progress
from jiuzhu.ledger.services.imports import do_import_file, do_queue_import
from jiuzhu.regions.selectors import find_region

DATABASE_LOST = (
    "导入中断：与数据库的连接断开（数据库可能正在重启），本次未写入任何数据。"
    "请待数据库恢复后在“支付发放”页面重试该批次，或重新执行本命令"
)


def actor_for(username: str | None) -> Any:
    if not username:
        return SystemActor()
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"用户{username}不存在或已停用")
    return user


class ImportCommand(BaseCommand):
    kind = ""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--region", required=True, help="导入地区：行政区划代码、财政区划代码或名称，如 654225"
        )
        parser.add_argument("--user", help="以该用户身份导入（默认：命令行系统操作员）")
        parser.add_argument(
            "--background", action="store_true", help="交给后台任务导入（由 jiuzhu db_worker 执行）"
        )
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args: Any, **options: Any) -> None:
        region = find_region(options["region"])
        if region is None:
            raise CommandError(f"未知的地区：{options['region']}")
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件：{exc}") from exc
        actor = actor_for(options.get("user"))
        try:
            if options["background"]:
                outcome = do_queue_import(
                    actor=actor, kind=self.kind, region=region, data=data, filename=path.name
                )
                if not outcome.already_imported:
                    self.stdout.write(f"已排队，导入批次 {outcome.batch.pk}；进度见“支付发放”页面")
                    return
            else:
                outcome = self._run(actor, region, data, path.name, quiet=options["no_progress"])
        except InvalidInput as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"文件被拒绝：共{len(exc.problems)}个问题，未导入任何数据") from exc
        except ActionRefused as exc:
            raise CommandError(str(exc)) from exc
        except DatabaseError as exc:  # the server went away (restarted, connection ended) mid-import
            raise CommandError(DATABASE_LOST) from exc
        self.stdout.write(f"{region.name}：{outcome.message}（sha256 {outcome.batch.sha256[:12]}…）")

    def _run(self, actor: Any, region: Any, data: bytes, name: str, *, quiet: bool) -> Any:
        with progress_bar(self.stderr, quiet=quiet) as progress:
            return do_import_file(
                actor=actor, kind=self.kind, region=region, data=data, filename=name, progress=progress
            )


@contextmanager
def progress_bar(stream: OutputWrapper, *, quiet: bool) -> Iterator[Progress]:
    """A terminal progress bar fed by an import's progress hook: one bar, reset at each phase."""
    bar = tqdm(total=0, unit="行", disable=quiet, leave=False, file=stream._out)
    state = {"phase": ""}

    def progress(phase: str, done: int, total: int) -> None:
        if phase != state["phase"]:
            state["phase"] = phase
            bar.set_description(phase)
            bar.reset(total=total)
        bar.n = done
        bar.refresh()

    try:
        yield progress
    finally:
        bar.close()
