import datetime
import pathlib
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from jiuzhu.ledger.actors import SystemActor
from jiuzhu.regions.selectors import find_region
from jiuzhu.rollup.export import export_period
from jiuzhu.rollup.period import ALL_MONTHS, Period, as_of_for


def parse_months(text: str) -> tuple[str, ...]:
    """``01-06``, ``3,4,5`` or ``all``."""
    if text == "all":
        return ALL_MONTHS
    picked: set[int] = set()
    for part in text.split(","):
        low, _, high = part.partition("-")
        picked.update(range(int(low), int(high or low) + 1))
    if not picked or min(picked) < 1 or max(picked) > 12:
        raise CommandError(f"月份应为 01–12：{text}")
    return tuple(f"{m:02d}" for m in sorted(picked))


class Command(BaseCommand):
    help = "导出一个地区（含下级）某年度若干月份的支付和发放数据（Parquet 和清单），供汇总监控使用"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", help="输出目录")
        parser.add_argument("--year", type=int, required=True, help="预算年度")
        parser.add_argument("--region", help="地区（默认：本系统的最高一级）")
        parser.add_argument("--months", default="all", help="月份，如 01-06 或 3,4（默认全年）")
        parser.add_argument("--as-of", type=datetime.date.fromisoformat, help="检查日期（默认：今天或期末）")

    def handle(self, *args: Any, **options: Any) -> None:
        region = find_region(options["region"]) if options.get("region") else SystemActor().region
        if region is None:
            raise CommandError(f"未知的地区：{options['region']}")
        months = parse_months(options["months"])
        year = options["year"]
        as_of = options.get("as_of") or as_of_for(Period(region.path, year, months), timezone.localdate())
        manifest = export_period(region, year, months, pathlib.Path(options["directory"]), as_of=as_of)
        self.stdout.write(f"{year}年 {region.name}（{months[0]}–{months[-1]}月），检查日期 {as_of}：")
        for _table, entry in manifest["tables"].items():
            money = "".join(f"，{c} {fen} 分" for c, fen in entry["totals_fen"].items())
            self.stdout.write(f"  {entry['file']}：{entry['rows']} 行{money}")
