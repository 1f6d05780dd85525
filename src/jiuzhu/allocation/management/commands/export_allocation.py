from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiuzhu.allocation.exports import build_table, render
from jiuzhu.allocation.models import Plan
from jiuzhu.domain.docno import DocNoError, normalise_docno
from jiuzhu.regions.models import load_tree


class Command(BaseCommand):
    help = "导出分配表（附件1）：按文件后缀写出 .xlsx（正式版式）、.csv（UTF-8 BOM）或 .json（元）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--doc", required=True, help="文号，如 塔地财社〔2022〕82号")
        parser.add_argument("--out", required=True, help="输出文件：.xlsx / .csv / .json")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            doc_no = normalise_docno(options["doc"])
        except DocNoError as exc:
            raise CommandError(str(exc)) from exc
        plan = Plan.objects.select_related("fund").filter(doc_no=doc_no).first()
        if plan is None:
            raise CommandError(f"没有文号为{doc_no}的分配方案")
        out = Path(options["out"])
        lines = [r.line() for r in plan.rows.select_related("region")]
        try:
            data = render(build_table(plan, lines, load_tree()), plan, out.suffix.lower())
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        out.write_bytes(data)
        self.stdout.write(f"已导出 {doc_no} 至 {out}")
