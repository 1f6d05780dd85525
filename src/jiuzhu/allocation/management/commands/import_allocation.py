from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiuzhu.accounts.models import User
from jiuzhu.allocation import services
from jiuzhu.allocation.imports import parse_table, read_rows
from jiuzhu.allocation.models import Plan
from jiuzhu.core.errors import ActionRefused, InvalidInput
from jiuzhu.domain.docno import DocNoError, normalise_docno
from jiuzhu.domain.problems import has_errors
from jiuzhu.regions.models import load_tree


class Command(BaseCommand):
    help = "从 XLSX/CSV 分配表（或本系统导出的 JSON）导入到草稿方案（全部校验通过才保存）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--doc", required=True, help="草稿方案的文号")
        parser.add_argument("--user", required=True, help="经办人用户名")
        parser.add_argument(
            "--unit", default="万元", choices=["万元", "元"], help="表中未注明单位时的金额单位"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            doc_no = normalise_docno(options["doc"])
        except DocNoError as exc:
            raise CommandError(str(exc)) from exc
        plan = Plan.objects.select_related("issuer", "fund").filter(doc_no=doc_no).first()
        if plan is None:
            raise CommandError(f"没有文号为{doc_no}的方案，请先在系统中新建")
        actor = User.objects.filter(username=options["user"], is_active=True).first()
        if actor is None:
            raise CommandError(f"用户{options['user']}不存在或已停用")
        try:
            sheet, rows = read_rows(Path(options["file"]).read_bytes())
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        tree = load_tree()
        table = parse_table(sheet, rows, tree, unit=options["unit"])
        problems = table.validate(tree, plan.issuer.code)
        try:
            if has_errors(problems):
                raise InvalidInput(problems)
            try:
                services.do_save_rows(actor=actor, plan=plan, lines=table.lines)
            except InvalidInput as exc:
                raise InvalidInput(table.at_file_rows(exc.problems)) from exc
        except InvalidInput as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"文件有{len(exc.problems)}处问题，未保存任何数据") from exc
        except ActionRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已导入{len(table.lines)}行至 {doc_no}")
