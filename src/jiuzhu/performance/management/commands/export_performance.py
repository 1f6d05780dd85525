"""`jiuzhu export performance --fund 自治区 --year 2022 --region 654200 --out FILE.xlsx [--part …]`."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jiuzhu.funds.models import Fund
from jiuzhu.performance import evaluation, exports, monitoring_report
from jiuzhu.performance.models import TargetTable


class Command(BaseCommand):
    help = "导出绩效目标表（附件2）、绩效运行监控表或绩效自评表（XLSX）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--fund", default="自治区", help="资金来源（自治区、中央）或资金名称")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--region", required=True, help="下达目标的地区代码，如 654200")
        parser.add_argument("--out", required=True)
        parser.add_argument("--part", choices=["targets", "monitoring", "evaluation"], default="targets")
        parser.add_argument("--month", type=int, default=0, help="绩效运行监控的截至月份（默认7）")

    def handle(self, *args: Any, **o: Any) -> None:
        funds = Fund.objects.filter(fiscal_year=o["year"])
        fund = funds.filter(source_label=o["fund"]).first() or funds.filter(name=o["fund"]).first()
        table = TargetTable.objects.filter(fund=fund, region__code=o["region"][:6]).first() if fund else None
        if table is None:
            raise CommandError(f"没有{o['year']}年{o['fund']}资金在地区{o['region']}的绩效目标表")
        out = Path(o["out"])
        if out.suffix.lower() != ".xlsx":
            raise CommandError("输出文件应为 .xlsx")
        if o["part"] == "targets":
            data = exports.targets_xlsx(table)
        elif o["part"] == "monitoring":
            data = exports.monitoring_xlsx(
                monitoring_report.consolidated(table, o["month"] or monitoring_report.default_month())
            )
        else:
            data = exports.evaluation_xlsx(table, evaluation.all_evaluations(table))
        out.write_bytes(data)
        self.stdout.write(f"已导出 {out}")
