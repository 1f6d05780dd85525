import json
import pathlib
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiuzhu.monitoring.queries import BUILDERS
from jiuzhu.rollup import findings
from jiuzhu.rollup.export import read_manifest, rule_params


class Command(BaseCommand):
    help = "在 Spark 或本系统数据库上对导出的数据运行全部监控规则，输出发现的问题（JSON Lines）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", help="rollup export 的输出目录（集群上可为 hdfs:// 等地址）")
        parser.add_argument("--engine", choices=["spark", "postgres"], default="spark")
        parser.add_argument("--master", default="local[2]", help="Spark 的 master（集群地址或 local[N]）")
        parser.add_argument("--manifest", help="清单文件（目录不在本机时）")
        parser.add_argument("--out", help="问题清单文件（默认：目录下 findings-引擎.jsonl）")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出汇总")

    def handle(self, *args: Any, **options: Any) -> None:
        location = options["directory"]
        local = pathlib.Path(location) if "://" not in location else None
        manifest_dir = pathlib.Path(options["manifest"]).parent if options.get("manifest") else local
        if manifest_dir is None:
            raise CommandError("目录不在本机时请用 --manifest 指明清单文件")
        try:
            manifest = read_manifest(manifest_dir)
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        rules = [c for c in manifest["rules"] if c in BUILDERS]
        params = rule_params(manifest)
        if options["engine"] == "spark":
            hits, per_rule, counted = _on_spark(location, local, options["master"], manifest, rules, params)
        else:
            from jiuzhu.rollup.database import run_period

            hits, per_rule, counted = run_period(manifest, rules, params)
            _check(counted, manifest)
        found = findings.records(hits)
        out = options.get("out") or (local and local / f"findings-{options['engine']}.jsonl")
        if out:
            findings.write(pathlib.Path(out), found)
        report = {
            "engine": options["engine"],
            "tables": counted,
            "per_rule": per_rule,
            "summary": findings.summary(found),
            "findings": len(found),
            "out": str(out or ""),
        }
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{options['engine']}：{len(rules)} 条规则，发现 {len(found)} 个问题，已写入 {out}")
        for code, row in report["summary"].items():
            self.stdout.write(f"  {code}：{row['findings']} 个（用时 {per_rule[code]['ms']} 毫秒）")


def _on_spark(
    location: str, local: pathlib.Path | None, master: str, manifest: Any, rules: list[str], params: Any
) -> Any:
    from jiuzhu.rollup import spark

    if local is not None:
        spark.check_files(local, manifest)
    session = spark.session(master)
    try:
        spark.register(session, str(local.resolve()) if local else location, manifest)
        counted = spark.totals(session, manifest)
        _check(counted, manifest)
        hits, per_rule = spark.run_rules(session, rules, params)
    finally:
        session.stop()
    return hits, per_rule, counted


def _check(counted: Any, manifest: Any) -> None:
    from jiuzhu.rollup.spark import ManifestMismatch, check_totals

    try:
        check_totals(counted, manifest)
    except ManifestMismatch as exc:
        raise CommandError(str(exc)) from exc
