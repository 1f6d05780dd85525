from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiuzhu.accounts.models import User
from jiuzhu.allocation import services
from jiuzhu.allocation.imports import parse_factor_table, read_rows
from jiuzhu.allocation.models import Plan
from jiuzhu.core.errors import ActionRefused, InvalidInput
from jiuzhu.domain.docno import DocNoError, normalise_docno
from jiuzhu.domain.money import MoneyError, format_wan, parse_amount
from jiuzhu.regions.models import load_tree


class Command(BaseCommand):
    help = "因素法：按因素表（地区、各因素；第二行为权重）把总额分配到草稿下达方案，余数按最大余额法处理"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="因素表 XLSX/CSV")
        parser.add_argument("--doc", required=True, help="草稿下达方案的文号")
        parser.add_argument("--user", required=True, help="经办人用户名")
        parser.add_argument("--total", required=True, help="分配总额，如 413万元")
        parser.add_argument("--unit", default="0.01", help="分配单位（元），默认 0.01 即到分；10000 即整万元")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            doc_no = normalise_docno(options["doc"])
            total, unit = parse_amount(options["total"]), parse_amount(options["unit"])
        except (DocNoError, MoneyError) as exc:
            raise CommandError(str(exc)) from exc
        plan = Plan.objects.filter(doc_no=doc_no).select_related("issuer").first()
        actor = User.objects.filter(username=options["user"], is_active=True).first()
        if plan is None or actor is None:
            raise CommandError("方案或用户不存在")
        try:
            sheet, rows = read_rows(Path(options["file"]).read_bytes())
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        table = parse_factor_table(sheet, rows, load_tree())
        try:
            if table.problems:
                raise InvalidInput(table.problems)
            parts = services.do_fill_by_factors(
                actor=actor,
                plan=plan,
                total=total,
                factors=table.factors,
                region_codes=table.region_codes,
                unit=unit,
            )
        except InvalidInput as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError("因素表有问题，未保存任何数据") from exc
        except ActionRefused as exc:
            raise CommandError(str(exc)) from exc
        tree = load_tree()
        for code, amount in parts.items():
            self.stdout.write(f"{tree.get(code).short_name}\t{format_wan(amount, places=6)}万元")
