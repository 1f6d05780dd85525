"""``jiuzhu exchange import``: an exchange archive booked through the same code as every other import.

The manifest is checked against the files (sha256, row counts, totals) before anything is stored and shown;
then the registrations and both files are booked in one transaction, and everything waits for its checker.
"""

from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiuzhu.core.errors import ActionRefused, InvalidInput
from jiuzhu.exchange.archive import DETAIL, VOUCHERS, check_archive, import_checked
from jiuzhu.ledger.management.commands._imports import actor_for, progress_bar

from ._summary import describe


class Command(BaseCommand):
    help = "导入交换文件（zip）：先按清单核对每个文件的sha256、行数和合计，无误后整体导入，有问题时全部拒绝"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="交换文件（.zip）")
        parser.add_argument("--user", required=True, help="以该用户身份导入（交换文件所属地区的经办人）")
        parser.add_argument("--check-only", action="store_true", help="只核对清单，不导入")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件：{exc}") from exc
        actor = actor_for(options["user"])
        try:
            manifest, files = check_archive(data)
        except InvalidInput as exc:
            self._refuse(exc, "清单核对未通过")
        for line in describe(manifest):
            self.stdout.write(line)
        self.stdout.write("清单与文件核对一致。")
        if options["check_only"]:
            self.stdout.write("仅核对，未导入任何数据。")
            return
        try:
            with progress_bar(self.stderr, quiet=options["no_progress"]) as progress:
                done = import_checked(actor=actor, manifest=manifest, files=files, progress=progress)
        except InvalidInput as exc:
            self._refuse(exc, "导入未通过")
        except ActionRefused as exc:
            raise CommandError(f"{exc}；未导入任何数据") from exc
        batches = done["batches"]
        self.stdout.write(
            f"已导入：指标登记{len(done['registrations'])}笔，"
            f"支付凭证批次 {batches.get(VOUCHERS, '无')}，发放明细批次 {batches.get(DETAIL, '无')}；"
            "均待审核人审核后生效。"
        )

    def _refuse(self, exc: InvalidInput, what: str) -> NoReturn:
        for problem in exc.problems:
            self.stderr.write(str(problem))
        raise CommandError(f"交换文件被拒绝（{what}）：共{len(exc.problems)}个问题，未导入任何数据") from exc
