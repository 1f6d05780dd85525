from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiuzhu.allocation.models import Plan
from jiuzhu.documents.render import NoticeUnavailable, render_notice
from jiuzhu.domain.docno import DocNoError, normalise_docno


class Command(BaseCommand):
    help = "按 GB/T 9704 版式生成公文（含附件1—3）：按文件后缀写出 .docx 或 .pdf"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--doc", required=True, help="文号，如 塔地财社〔2022〕82号")
        parser.add_argument("--out", required=True, help="输出文件：.docx / .pdf")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            doc_no = normalise_docno(options["doc"])
        except DocNoError as exc:
            raise CommandError(str(exc)) from exc
        plan = Plan.objects.select_related("fund", "issuer").filter(doc_no=doc_no).first()
        if plan is None:
            raise CommandError(f"没有文号为{doc_no}的分配方案")
        out = Path(options["out"])
        lines = [r.line() for r in plan.rows.select_related("region")]
        try:
            data = render_notice(plan, lines, out.suffix.lower())
        except NoticeUnavailable as exc:
            raise CommandError(str(exc)) from exc
        out.write_bytes(data)
        self.stdout.write(f"已生成 {doc_no} 公文至 {out}")
