"""The monitoring rules on Apache Spark (PySpark) over an exported period.

Each Parquet file becomes a temporary view named like its table; each rule's PostgreSQL text is transpiled by
sqlglot (``rollup.sql``) and run with ``spark.sql``; its rows become hits through the monitoring engine's own
normalisation. Locally ``master`` is ``local[2]``; on a cluster it is the cluster's URL and the directory a
path every executor reads (HDFS, S3, a shared disk) — nothing else changes.

Before any rule runs, the files are checked against the manifest: sha256 (when the directory is local) and,
on Spark itself, each table's row count and money totals in fen.
"""

import pathlib
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from jiuzhu.monitoring.engine import Hit, hits
from jiuzhu.monitoring.queries import shared_for

from .export import sha256
from .sql import spark_shared_sql, spark_sql

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


class ManifestMismatch(Exception):
    """The files are not what the manifest says (changed, truncated, or another export's)."""


#: a test's session: short jobs over little data start and finish sooner with the JVM's quick compiler only
#: (C1; half the time of a default JVM on a loaded two-core machine) and two shuffle partitions
SMALL = {
    "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
    "spark.sql.shuffle.partitions": "2",
}


def session(
    master: str, *, app: str = "jiuzhu-rollup", conf: Mapping[str, str] | None = None
) -> "SparkSession":
    """The UI and progress bars off, UTC; ``conf`` overrides (on a cluster: executors, partitions)."""
    from pyspark.sql import SparkSession

    builder = (
        SparkSession.builder.master(master)
        .appName(app)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
    )
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def check_files(directory: pathlib.Path, manifest: Mapping[str, Any]) -> None:
    for table, entry in manifest["tables"].items():
        if sha256(directory / entry["file"]) != entry["sha256"]:
            raise ManifestMismatch(f"{entry['file']}（{table}）的校验值与清单不符")


def register(spark: "SparkSession", location: str, manifest: Mapping[str, Any]) -> None:
    for table, entry in manifest["tables"].items():
        spark.read.parquet(f"{location.rstrip('/')}/{entry['file']}").createOrReplaceTempView(table)


def totals(spark: "SparkSession", manifest: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Table → rows and fen totals as Spark counts them."""
    out: dict[str, dict[str, Any]] = {}
    for table, entry in manifest["tables"].items():
        sums = "".join(f", COALESCE(SUM({c}), 0) AS {c}" for c in entry["totals_fen"])
        row = spark.sql(f"SELECT COUNT(*) AS n{sums} FROM {table}").collect()[0]  # noqa: S608 (our names)
        out[table] = {"rows": int(row["n"]), "totals_fen": {c: int(row[c]) for c in entry["totals_fen"]}}
    return out


def check_totals(found: Mapping[str, Mapping[str, Any]], manifest: Mapping[str, Any]) -> None:
    for table, entry in manifest["tables"].items():
        if found[table] != {"rows": entry["rows"], "totals_fen": entry["totals_fen"]}:
            raise ManifestMismatch(
                f"{table}：Spark 读到 {found[table]}，清单为 {entry['rows']} 行 {entry['totals_fen']}"
            )


def run_rules(
    spark: "SparkSession", rules: list[str], params: Mapping[str, Any], *, parallel: int = 4
) -> tuple[list[Hit], dict[str, dict[str, int]]]:
    """Every rule's hits and, per rule, rows found and milliseconds (wall time, rules run ``parallel`` at once:
    each is a small job whose planning would otherwise leave the executors idle)."""
    for name in shared_for(rules):  # the tables several rules read, made once as the database makes them
        spark.sql(spark_shared_sql(name, params)).cache().createOrReplaceTempView(name)
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        answers = dict(zip(rules, pool.map(lambda code: _rule(spark, code, params), rules), strict=True))
    found = [h for code in rules for h in hits(code, answers[code][0])]
    return found, {code: {"rows": len(rows), "ms": ms} for code, (rows, ms) in answers.items()}


def _rule(spark: "SparkSession", code: str, params: Mapping[str, Any]) -> tuple[list[dict[str, Any]], int]:
    started = time.perf_counter()
    rows = [r.asDict() for r in spark.sql(spark_sql(code, params)).collect()]
    return rows, int((time.perf_counter() - started) * 1000)
