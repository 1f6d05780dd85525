from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiuzhu.core.errors import ActionRefused
from jiuzhu.domain.money import format_yuan
from jiuzhu.yearend.closing import close_preview, do_submit_close

from ._common import actor_for, region_for


class Command(BaseCommand):
    help = "年终结转：把该年度每个指标的结余结转到下一年度，提交审核（审核通过后该年度关账）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int, help="结转的年度，如 2022")
        parser.add_argument("--region", help="结转地区（默认：操作人的地区）")
        parser.add_argument("--user", help="以该用户身份提交（默认：命令行系统操作员）")
        parser.add_argument("--doc-no", default="", help="年终结转的文号")
        parser.add_argument("--preview", action="store_true", help="只列出结转明细，不提交")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = actor_for(options.get("user"))
        region = region_for(options.get("region"), actor)
        year = options["year"]
        preview = close_preview(year=year, region=region)
        for line in preview.lines:
            self.stdout.write(
                f"{line.region.mof_div_code} {line.region.short_name}  {line.fund.source_label}  "
                f"{line.get_purpose_display()}  {line.exp_func_code}  {line.cor_bgt_doc_no}  标识{line.direct_fund_tag}  "
                f"结转 {format_yuan(line.amount)}"
            )
        for problem in preview.problems:
            self.stdout.write(f"提示：{problem.message}")
        self.stdout.write(f"合计结转 {format_yuan(preview.total)} 元，{len(preview.lines)} 笔")
        if options["preview"]:
            return
        try:
            close = do_submit_close(actor=actor, year=year, region=region, doc_no=options["doc_no"])
        except ActionRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已提交审核：{close.doc_no}（审核通过后{year}年度关账）")
