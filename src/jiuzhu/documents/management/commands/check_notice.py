import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiuzhu.documents.checking import check_file
from jiuzhu.documents.extract import ExtractError
from jiuzhu.domain.problems import Severity, has_errors

LABELS = {Severity.ERROR: "错误", Severity.WARNING: "提示"}


class Command(BaseCommand):
    help = (
        "检查公文文本（纯文本、DOCX、带文字层的 PDF 或网页 HTML）："
        "空缺金额、表格运算、序号、地区名称、文号、日期、附件、科目编码"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="公文文件")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出检查结果")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            problems = check_file(path.read_bytes())
        except FileNotFoundError as exc:
            raise CommandError(f"文件不存在：{path}") from exc
        except ExtractError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps([p.as_dict() for p in problems], ensure_ascii=False, indent=2))
        else:
            for p in problems:
                self.stdout.write(f"{LABELS[p.severity]}  {p}")
            errors = sum(p.severity is Severity.ERROR for p in problems)
            warnings = len(problems) - errors
            summary = f"共 {len(problems)} 项：错误 {errors} 项，提示 {warnings} 项"
            self.stdout.write(summary if problems else "未发现问题")
        if has_errors(problems):
            raise SystemExit(1)
