"""Findings as an engine-neutral record, so that two engines' answers compare with ``==``.

A record is what a finding is made of: the rule, the region, the stable key (``engine.finding_key``), the
severity, year, month and purpose, the clerk's message, and every amount the rule names, in fen. Records are
deduplicated on (rule, key) as ``monitoring.services`` does.
"""

import json
import pathlib
from collections.abc import Iterable, Mapping
from typing import Any

from jiuzhu.monitoring.engine import Hit


def record(hit: Hit) -> dict[str, Any]:
    return {
        "rule": hit.rule.code,
        "region_id": hit.region_id,
        "key": hit.key,
        "fiscal_year": hit.fiscal_year,
        "severity": hit.severity.value,
        "month": hit.month,
        "purpose": hit.purpose,
        "fund_id": hit.fund_id,
        "amounts_fen": {
            k: int(v) for k, v in sorted(hit.data.items()) if k.endswith("_fen") and v is not None
        },
        "message": hit.message,
    }


def records(hits: Iterable[Hit]) -> list[dict[str, Any]]:
    unique = {(h.rule.code, h.key): record(h) for h in hits}
    return [unique[k] for k in sorted(unique)]


def summary(found: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, int]]:
    """Rule → how many findings and the sum of each amount."""
    out: dict[str, dict[str, int]] = {}
    for r in found:
        row = out.setdefault(r["rule"], {"findings": 0})
        row["findings"] += 1
        for name, fen in r["amounts_fen"].items():
            row[name] = row.get(name, 0) + fen
    return dict(sorted(out.items()))


def write(path: pathlib.Path, found: Iterable[Mapping[str, Any]]) -> None:
    with path.open("w") as f:
        for r in found:
            f.write(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n")


def read(path: pathlib.Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line]
