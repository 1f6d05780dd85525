import json
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiuzhu.domain.money import format_yuan
from jiuzhu.ledger.actors import SystemActor
from jiuzhu.ledger.selectors import ledger_report
from jiuzhu.regions.selectors import find_region


class Command(BaseCommand):
    help = "指标台账：每个指标的收到、登记、支付、发放到人、余额、直达资金标识和支出方向"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", help="只看该地区（及其下级）")
        parser.add_argument("--year", type=int, help="预算年度")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出（金额为元，两位小数的字符串）")

    def handle(self, *args: Any, **options: Any) -> None:
        region = None
        if options.get("region"):
            region = find_region(options["region"])
            if region is None:
                raise CommandError(f"未知的地区：{options['region']}")
        report = ledger_report(SystemActor(), region=region, fiscal_year=options.get("year"))
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        for reg in report["regions"]:
            self.stdout.write(
                f"{reg['mof_div_code']} {reg['mof_div_name']}  收到 {_y(reg['received'])}  登记 {_y(reg['registered'])}"
                f"  未登记 {_y(reg['unregistered'])}  支付 {_y(reg['paid'])}  发放到人 {_y(reg['paid_out'])}"
                f"  余额 {_y(reg['balance'])}"
                + (f"  逾期登记 {reg['late_registrations']} 笔" if reg["late_registrations"] else "")
            )
            for line in reg["appropriations"]:
                self.stdout.write(
                    f"    {line['bgt_id']}  {line['fund']}  {line['purpose_name']}  {line['exp_func_code']}"
                    f"  标识{line['is_dir']}"
                    f"  登记 {_y(line['registered'])}  支付 {_y(line['paid'])}  发放到人 {_y(line['paid_out'])}"
                    f"  余额 {_y(line['balance'])}"
                )


def _y(text: str) -> str:
    return format_yuan(Decimal(text))
