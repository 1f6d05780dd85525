"""`jiuzhu trace attest --region CODE --fund 自治区 --year 2022 --out FILE.pdf|.json`."""

import json
import pathlib
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from jiuzhu.funds.models import Fund
from jiuzhu.ledger.actors import SystemActor
from jiuzhu.regions.models import Region
from jiuzhu.trace.attest import attestation, attestation_pdf


class Command(BaseCommand):
    help = "资金溯源证明：某地区某资金某年度逐级核对（PDF 或 JSON）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", required=True, help="财政区划代码（6位或9位）")
        parser.add_argument("--fund", required=True, help="资金：来源层级（自治区、中央）、名称或编号")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--out", required=True, help="FILE.pdf 或 FILE.json")

    def handle(self, *args: Any, **options: Any) -> None:
        out = pathlib.Path(options["out"])
        if out.suffix.lower() not in (".pdf", ".json"):
            raise CommandError("--out 须为 .pdf 或 .json 文件")
        code = options["region"]
        region = Region.objects.filter(Q(code=code) | Q(mof_div_code=code)).first()
        if region is None:
            raise CommandError(f"未找到财政区划 {code}")
        fund = _fund(options["fund"], options["year"])
        report = attestation(SystemActor(), region=region, fund=fund, fiscal_year=options["year"])
        if out.suffix.lower() == ".json":
            out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
        else:
            out.write_bytes(attestation_pdf(report))
        verdict = "逐级相符" if report["balanced"] else f"发现{len(report['breaks'])}处断点"
        self.stdout.write(f"{region.name} {fund.source_label} {options['year']}年：{verdict}，已写入 {out}")


def _fund(text: str, year: int) -> Fund:
    funds = Fund.objects.filter(fiscal_year=year).select_related("direct_fund_tag")
    query = Q(source_label=text) | Q(name=text)
    if text.isdigit():
        query |= Q(pk=int(text))
    found = list(funds.filter(query))
    if len(found) != 1:
        names = "、".join(f"{f.pk}:{f.source_label}{f.name}" for f in funds)
        raise CommandError(f"资金“{text}”{'不唯一' if found else '不存在'}；可选：{names}")
    return found[0]
