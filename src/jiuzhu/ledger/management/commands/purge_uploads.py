from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jiuzhu.ledger.actors import SystemActor
from jiuzhu.ledger.uploads import do_purge_uploads, retention_days


class Command(BaseCommand):
    help = "删除已拒绝、已退回超过保留期的上传文件（记入审计日志）；可由 cron 每日运行"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"保留天数，默认取 JIUZHU_UPLOAD_RETENTION_DAYS（当前 {retention_days()} 天）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        purge = do_purge_uploads(actor=SystemActor(), days=options["days"])
        self.stdout.write(
            f"已删除{purge.files}个上传文件（涉及{purge.batches}个批次），截止 {purge.cutoff:%Y-%m-%d}"
        )
