"""A manifest in a clerk's words, for both exchange commands."""

from collections.abc import Iterator
from typing import Any

from jiuzhu.exchange.archive import TABLE_NAMES


def describe(manifest: dict[str, Any]) -> Iterator[str]:
    yield (
        f"清单：财政区划 {manifest['mof_div_code']}，{manifest['fiscal_year']}年{int(manifest['month'])}月"
        f"（格式 {manifest['format']}）"
    )
    for entry in manifest["files"]:
        totals = "，".join(f"{column} 合计 {total} 元" for column, total in entry["totals"].items())
        label = TABLE_NAMES.get(entry["name"], "")
        yield f"  {entry['name']}（{label}）：{entry['rows']}行，{totals}，sha256 {entry['sha256'][:12]}…"
