"""`jiuzhu export performance --fund 自治区 --year 2022 --region 654200 --out FILE.xlsx|FILE.pdf [--part …]`."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jiuzhu.funds.models import Fund
from jiuzhu.performance import evaluation, exports, monitoring_report, overview, pdf
from jiuzhu.performance.models import TargetTable


class Command(BaseCommand):
    help = "导出绩效目标表（附件2）、绩效运行监控表或绩效自评表（XLSX 或 PDF）"

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
        if out.suffix.lower() not in (".xlsx", ".pdf"):
            raise CommandError("输出文件应为 .xlsx 或 .pdf")
        as_pdf = out.suffix.lower() == ".pdf"
        if o["part"] == "targets":
            data = (pdf.targets_pdf if as_pdf else exports.targets_xlsx)(table)
        elif o["part"] == "monitoring":
            summary = overview.overview(table, o["month"] or monitoring_report.default_month())
            data = (pdf.monitoring_pdf if as_pdf else exports.monitoring_xlsx)(summary)
        else:
            done = evaluation.all_evaluations(table)
            data = (pdf.evaluation_pdf if as_pdf else exports.evaluation_xlsx)(table, done)
        out.write_bytes(data)
        self.stdout.write(f"已导出 {out}")
