import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiuzhu.ledger.actors import SystemActor
from jiuzhu.regions.models import BudgetUnit, Region
from jiuzhu.reports.exports import export


class Command(BaseCommand):
    help = "导出跟踪反馈表（附件3）：县市的本月表，或以地区代码导出汇总表；按后缀写出 .xlsx 或 .pdf"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--region",
            required=True,
            help="行政区划或财政区划代码，如 654225 或 654200；或预算单位代码，如 654200101",
        )
        parser.add_argument("--month", required=True, help="月份，如 2022-10")
        parser.add_argument("--out", required=True, help="输出文件：.xlsx / .pdf")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["region"].strip()
        region = Region.objects.filter(code=code).first() or Region.objects.filter(mof_div_code=code).first()
        unit = None if region else BudgetUnit.objects.select_related("region").filter(code=code).first()
        if unit is not None:
            region = unit.region
        if region is None:
            raise CommandError(f"没有代码为{code}的地区或预算单位")
        m = re.fullmatch(r"(\d{4})-(\d{1,2})", options["month"].strip())
        if not m or not 1 <= int(m[2]) <= 12:
            raise CommandError("月份格式应为 YYYY-MM，如 2022-10")
        out = Path(options["out"])
        try:
            data = export(region, int(m[1]), int(m[2]), out.suffix.lower(), SystemActor(), unit=unit)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        out.write_bytes(data)
        name = f"{region.name}{unit.name}" if unit else region.name
        self.stdout.write(f"已导出 {name} {m[1]}年{int(m[2])}月跟踪反馈表至 {out}")
