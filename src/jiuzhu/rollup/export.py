"""Writing a province-period as Parquet: one file per table (the period's view), and ``manifest.json`` with
each file's rows, money totals in fen and sha256, the scope and the rules' parameters of the run.

Rows are read in keyset pages (``id > last``), so a province-year never sits in memory at once; money stays
integer fen (int64), dates are dates.
"""

import datetime
import hashlib
import json
import pathlib
from collections.abc import Iterator, Mapping
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from django.db import connection
from django.utils import timezone

from jiuzhu.monitoring.engine import Params
from jiuzhu.monitoring.queries import BUILDERS
from jiuzhu.regions.models import Region

from .period import FEN_COLUMNS, TABLES, Period, columns, model_schema, period_views

FORMAT = "jiuzhu-rollup/1"
PAGE = 50_000
ARROW = {
    "CharField": pa.string(),
    "TextField": pa.string(),
    "JSONField": pa.string(),
    "DateField": pa.date32(),
    "DateTimeField": pa.timestamp("us", tz="UTC"),
    "BooleanField": pa.bool_(),
}


def arrow_type(internal: str) -> pa.DataType:
    """Keys, counts, years and fen are int64; the rest by ``ARROW``."""
    return ARROW.get(internal, pa.int64())


def _pages(table: str, cols: list[str]) -> Iterator[list[tuple[Any, ...]]]:
    last = 0
    position = cols.index("id")
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {', '.join(cols)} FROM {table} WHERE id > {last} ORDER BY id LIMIT {PAGE}"  # noqa: S608
            )
            rows = cursor.fetchall()
        if not rows:
            return
        yield rows
        last = int(rows[-1][position])


def _column(values: list[Any], kind: pa.DataType) -> pa.Array:
    if kind == pa.date32():  # SQLite answers text
        values = [datetime.date.fromisoformat(v) if isinstance(v, str) else v for v in values]
    elif kind == pa.string():
        values = [v if v is None or isinstance(v, str) else json.dumps(v, ensure_ascii=False) for v in values]
    elif pa.types.is_timestamp(kind):
        values = [_aware(v) for v in values]
    return pa.array(values, type=kind)


def _aware(value: Any) -> datetime.datetime | None:
    if value is None:
        return None
    moment = datetime.datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def _write_table(
    directory: pathlib.Path, table: str, cols: list[str], types: Mapping[str, str]
) -> dict[str, Any]:
    schema = pa.schema([(c, arrow_type(types[c])) for c in cols])
    path = directory / f"{table}.parquet"
    rows = 0
    totals = dict.fromkeys(FEN_COLUMNS.get(table, ()), 0)
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for page in _pages(table, cols):
            arrays = [_column([r[i] for r in page], schema.field(i).type) for i in range(len(cols))]
            writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
            rows += len(page)
            for name in totals:
                totals[name] += sum(int(r[cols.index(name)] or 0) for r in page)
    return {
        "file": path.name,
        "rows": rows,
        "totals_fen": totals,
        "sha256": sha256(path),
        "columns": {c: str(schema.field(c).type) for c in cols},
    }


def sha256(path: pathlib.Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def export_period(
    region: Region,
    fiscal_year: int,
    months: tuple[str, ...],
    directory: pathlib.Path,
    *,
    as_of: datetime.date,
) -> dict[str, Any]:
    """Write the period's tables and manifest into ``directory`` (created); the manifest is returned."""
    directory.mkdir(parents=True, exist_ok=True)
    period = Period(region.path, fiscal_year, months)
    params = Params(year=fiscal_year, as_of=as_of, path=region.path).sql()
    rules = sorted(BUILDERS)
    carried = columns(rules, params)
    types = model_schema()
    with period_views(period, carried):
        tables = {t: _write_table(directory, t, carried[t], types[t]) for t in TABLES}
    manifest = {
        "format": FORMAT,
        "scope": {"mof_div_code": region.mof_div_code, "name": region.name, "path": region.path},
        "fiscal_year": fiscal_year,
        "months": list(months),
        "as_of": as_of.isoformat(),
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "database": connection.vendor,
        "rules": rules,
        "params": {k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in params.items()},
        "tables": tables,
    }
    (directory / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    return manifest


def read_manifest(directory: pathlib.Path) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads((directory / "manifest.json").read_text())
    if manifest.get("format") != FORMAT:
        raise ValueError(f"不是汇总导出目录（{directory}）")
    return manifest


def rule_params(manifest: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters the export was made with (dates back to dates)."""
    dates = {"as_of", "voucher_cutoff", "idle_cutoff"}
    return {k: datetime.date.fromisoformat(v) if k in dates else v for k, v in manifest["params"].items()}
