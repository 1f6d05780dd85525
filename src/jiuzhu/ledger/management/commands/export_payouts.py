import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiuzhu.ledger.actors import SystemActor
from jiuzhu.ledger.io.exports import write_payouts_xlsx
from jiuzhu.ledger.selectors import payouts_for_export
from jiuzhu.regions.selectors import find_region


class Command(BaseCommand):
    help = "按监控系统“到人到户资金发放明细表”模板（13列）导出某地区某月的发放明细"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", required=True)
        parser.add_argument(
            "--month", required=True, help="YYYY-MM，如 2022-05；YYYY-全年 导出按年发放的明细"
        )
        parser.add_argument("--out", required=True, help="输出 .xlsx 文件")

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
        rows = payouts_for_export(SystemActor(), region=region, fiscal_year=int(match[1]), month=month)
        count = rows.count()
        out.write_bytes(write_payouts_xlsx(rows.values().iterator()))
        self.stdout.write(
            f"已导出{region.name}{match[1]}年{month}{'' if month == '全年' else '月'}发放明细{count}行至 {out}"
        )
