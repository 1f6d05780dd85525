import json
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiuzhu.core.errors import ActionRefused, InvalidInput
from jiuzhu.domain.money import format_yuan
from jiuzhu.funds.models import Fund
from jiuzhu.yearend.proposals import do_propose_adjustment, proposal, rules_from_settings

from ._common import actor_for, date_arg, region_for


def fund_for(key: str, year: int) -> Fund:
    """By id, level (自治区, 中央) or name, in ``year``."""
    funds = Fund.objects.filter(fiscal_year=year)
    found = (
        funds.filter(pk=int(key))
        if key.isdigit()
        else funds.filter(source_label=key) or funds.filter(name=key)
    )
    if found.count() != 1:
        raise CommandError(f"{year}年度没有唯一的资金“{key}”（可写资金编号、来源层级如 自治区 或 中央）")
    return found.get()


class Command(BaseCommand):
    help = "调整方案建议：按截至某日的支出进度和年末预测，建议调减、调增；加 --user 则保存为调整方案草稿"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fund", required=True, help="资金：编号或来源层级（自治区、中央）")
        parser.add_argument("--as-of", required=True, help="测算截至日期 YYYY-MM-DD")
        parser.add_argument("--region", help="发文地区（默认：操作人的地区）")
        parser.add_argument("--user", help="以该经办人身份保存为调整方案草稿（不写则只列出建议）")
        parser.add_argument("--doc-no", help="调整方案的文号（保存时必填）")
        parser.add_argument("--margin", help="留用比例，如 0.02")
        parser.add_argument("--months", type=int, help="按最近几个月的月均支付测算")
        parser.add_argument("--unit", help="调整金额的取整单位（元），如 10000")
        parser.add_argument("--total", help="调增总额（元；默认为调减腾出的资金）")
        parser.add_argument(
            "--as-received",
            action="store_true",
            help="以截至日期已收到的额度为原额度测算（此后已有方案审核通过、额度已变时只列出，不能保存）",
        )
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = date_arg(options["as_of"])
        actor = actor_for(options.get("user"))
        region = region_for(options.get("region"), actor)
        fund = fund_for(options["fund"], as_of.year)
        money = {
            k: None if options.get(k) is None else Decimal(options[k]) for k in ("margin", "unit", "total")
        }
        rules = rules_from_settings(months=options.get("months"), **money)
        if options.get("user"):
            if not options.get("doc_no"):
                raise CommandError("保存为调整方案须用 --doc-no 写明文号")
            try:
                plan, found = do_propose_adjustment(
                    actor=actor,
                    fund=fund,
                    issuer=region,
                    as_of=as_of,
                    rules=rules,
                    doc_no=options["doc_no"],
                    as_received=options["as_received"],
                )
            except InvalidInput as exc:
                raise CommandError("；".join(p.message for p in exc.problems)) from exc
            except ActionRefused as exc:
                raise CommandError(str(exc)) from exc
        else:
            found = proposal(
                fund=fund, issuer=region, as_of=as_of, rules=rules, as_received=options["as_received"]
            )
            plan = None
        if options["json"]:
            data = found.as_json() | {
                "plan": None if plan is None else {"id": plan.pk, "doc_no": plan.doc_no}
            }
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        for x in found.lines:
            self.stdout.write(
                f"{x.county.name}  原额度 {format_yuan(x.county.base)}  调减 {format_yuan(x.decrease)}  "
                f"调增 {format_yuan(x.increase)}  —  {x.explanation}"
            )
        if plan is not None:
            self.stdout.write(f"已保存为调整方案草稿：{plan.doc_no}")
