import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiuzhu.core.errors import InvalidInput
from jiuzhu.domain.findings import SEVERITY_LABELS, Severity
from jiuzhu.ledger.actors import SystemActor
from jiuzhu.monitoring.models import Finding
from jiuzhu.monitoring.services import do_run, open_findings_q
from jiuzhu.regions.selectors import find_region

FAIL_ON = {"red": [Severity.RED], "yellow": [Severity.RED, Severity.YELLOW]}


class Command(BaseCommand):
    help = "运行监控规则，输出各规则发现的问题（--fail-on red 时有红灯则退出码为 1）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, help="预算年度（默认：有数据的每个年度）")
        parser.add_argument("--region", help="只检查该地区（及其下级）")
        parser.add_argument("--rule", action="append", help="只运行该规则（可重复）")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")
        parser.add_argument(
            "--fail-on", choices=sorted(FAIL_ON), help="有该等级及以上的未关闭预警时退出码为 1"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = SystemActor()
        region = actor.region
        if options.get("region"):
            found = find_region(options["region"])
            if found is None:
                raise CommandError(f"未知的地区：{options['region']}")
            region = found
        try:
            runs = do_run(
                actor=actor, fiscal_year=options.get("year"), region=region, rules=options.get("rule")
            )
        except InvalidInput as exc:
            raise CommandError("；".join(p.message for p in exc.args[0])) from exc
        report = _report(runs)
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        else:
            for run in report["runs"]:
                self.stdout.write(
                    f"{run['fiscal_year']}年 {run['region']}：{run['rules']} 条规则，用时 {run['ms']} 毫秒，"
                    f"发现 {run['found']} 个问题（新增 {run['created']}，重新出现 {run['reopened']}，"
                    f"已消除 {run['resolved']}）"
                )
            for code, items in report["findings"].items():
                for item in items:
                    self.stdout.write(
                        f"  [{item['severity_label']}] {code} {item['region']}：{item['message']}"
                    )
        fail_on = options.get("fail_on")
        if fail_on and any(
            i["severity"] in FAIL_ON[fail_on] for items in report["findings"].values() for i in items
        ):
            raise SystemExit(1)


def _report(runs: list[Any]) -> dict[str, Any]:
    findings: dict[str, list[dict[str, Any]]] = {}
    for run in runs:
        rows = (
            Finding.objects.filter(last_run=run)
            .filter(open_findings_q())
            .select_related("region")
            .order_by("rule", "region__path", "id")
        )
        for f in rows:
            findings.setdefault(f.rule, []).append(
                {
                    "id": f.pk,
                    "fiscal_year": f.fiscal_year,
                    "region": f.region.name,
                    "mof_div_code": f.region.mof_div_code,
                    "severity": f.severity,
                    "severity_label": SEVERITY_LABELS[Severity(f.severity)],
                    "state": f.state,
                    "message": f.message,
                    "due_on": f.due_on.isoformat() if f.due_on else None,
                }
            )
    return {
        "runs": [
            {
                "id": r.pk,
                "fiscal_year": r.fiscal_year,
                "region": r.region.name,
                "rules": len(r.rules),
                "ms": r.duration_ms,
                "per_rule": r.per_rule,
                "found": r.found,
                "created": r.created,
                "reopened": r.reopened,
                "resolved": r.resolved,
            }
            for r in runs
        ],
        "findings": dict(sorted(findings.items())),
    }
