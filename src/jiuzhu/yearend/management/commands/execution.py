import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from jiuzhu.domain.execution import month_end, time_elapsed_rate
from jiuzhu.domain.money import format_yuan
from jiuzhu.yearend.selectors import as_json, by_region, execution

from ._common import actor_for, date_arg, region_for


class Command(BaseCommand):
    help = (
        "支出进度：每个地区、资金、支出方向的可用（含上年结转）、支付、发放到人、支出进度与时序进度、年末预测"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, help="预算年度（默认：今年）")
        parser.add_argument("--region", help="只看该地区（及其下级）")
        parser.add_argument("--as-of", help="截至日期 YYYY-MM-DD（默认：今天，或该年度的12月31日）")
        parser.add_argument("--user", help="以该用户的范围查看（默认：命令行系统操作员，全部地区）")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出（金额为元，两位小数的字符串）")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = actor_for(options.get("user"))
        year = options.get("year") or timezone.localdate().year
        as_of = (
            date_arg(options["as_of"])
            if options.get("as_of")
            else min(timezone.localdate(), month_end(year, 12))
        )
        region = region_for(options.get("region"), actor) if options.get("region") else None
        rows = execution(actor, year=year, as_of=as_of, region=region)
        if options["json"]:
            self.stdout.write(json.dumps(as_json(rows, year=year, as_of=as_of), ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"{year}年度支出进度，截至{as_of.isoformat()}，时序进度 {time_elapsed_rate(as_of)}%"
        )
        for reg, total, lines in by_region(rows):
            rate = total.rate()
            self.stdout.write(
                f"{reg.mof_div_code} {reg.name}  可用 {format_yuan(total.available)}  其中上年结转 "
                f"{format_yuan(total.carried_in)}  支付 {format_yuan(total.paid)}  支出进度 "
                f"{'—' if rate is None else f'{rate}%'}"
            )
            for r in lines:
                rate = r.figures.rate()
                self.stdout.write(
                    f"    {r.fund}  {r.purpose_name}  可用 {format_yuan(r.figures.available)}  支付 "
                    f"{format_yuan(r.figures.paid)}  支出进度 {'—' if rate is None else f'{rate}%'}  "
                    f"预计全年支出 {format_yuan(r.projection.by_run_rate)}"
                )
