"""Payout import benchmark: N rows as CSV and XLSX, whole import (parse, validate, store, link) on PostgreSQL and
SQLite, against two floors measured in the same run: a raw PostgreSQL COPY of the same CSV into an unindexed
table, and python-calamine's bare read of the XLSX. Medians of --repeat runs, with the median of each phase.

    python -m bench [--rows 1000000] [--repeat 3] [--pg postgres://postgres@127.0.0.1:5432/jiuzhu_bench]
                    [--only postgresql|sqlite] [--formats csv,xlsx] [--out bench/out] [--refused] [--stored]

The generated files are kept in --out (git-ignored) and reused: a million-row XLSX takes a minute to write.
"""

import argparse
import csv
import io
import itertools
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HEADER = ["姓名", "证件类型", "证件号码", "按户或按人补助", "应发金额", "实发金额", "发放月份", "支付凭证号"]
MONTHS = 12
#: The import's progress phases, in order (see ledger.services.payout_import.import_payouts, staging.PayoutImport).
PHASES = ("读取", "暂存", "校验", "写入", "完成")
PHASE_NAMES = {
    "begin": "sha256‖read+keep",  # a payout file is read while a helper thread hashes it
    "读取": "lock+vouchers",
    "暂存": "frame",
    "校验": "check",
    "写入": "store+commit",
}


#: 实发 of each payout: small, so that the 2,820,000 rows of a 200 MB file fit 裕民县's registered appropriation
PER_ROW = "0.10"


def people(rows: int) -> int:
    return -(-rows // MONTHS)


def payout_rows(rows: int, prefix: str = "654225") -> list[list[str]]:
    from jiuzhu.domain.identity import with_check_digit

    per_month = people(rows)
    ids = [
        with_check_digit(f"{prefix}{1940 + i % 70}{1 + i // 70 % 12:02d}{1 + i % 28:02d}{i % 997:03d}")
        for i in range(per_month)
    ]
    out = []
    for n in range(rows):
        month, person = divmod(n, per_month)
        out.append(
            [
                f"人{person}",
                "身份证号",
                ids[person],
                "到人",
                PER_ROW,
                PER_ROW,
                f"{month + 1:02d}",
                f"BENCH-{month + 1:02d}",
            ]
        )
    return out


def files(rows: int, folder: Path, formats: list[str]) -> tuple[Path, Path]:
    """The CSV and XLSX (of those in ``formats``) of ``rows`` payouts, generated once and kept in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    csv_path, xlsx_path = folder / f"payouts-{rows}.csv", folder / f"payouts-{rows}.xlsx"
    wanted = [p for p in (csv_path, xlsx_path) if p.suffix[1:] in formats]
    if all(p.exists() for p in wanted):
        return csv_path, xlsx_path
    started = time.perf_counter()
    data = payout_rows(rows)
    with csv_path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(data)
    if xlsx_path not in wanted:
        print(f"generated {rows:,} rows in {time.perf_counter() - started:.1f} s", flush=True)
        return csv_path, xlsx_path
    import xlsxwriter

    book = xlsxwriter.Workbook(str(xlsx_path), {"constant_memory": True})
    sheet = book.add_worksheet("到人到户资金发放明细表模板")
    sheet.write_row(0, 0, HEADER)
    for r, row in enumerate(data, start=1):
        sheet.write_row(r, 0, row)
    book.close()
    print(f"generated {rows:,} rows in {time.perf_counter() - started:.1f} s", flush=True)
    return csv_path, xlsx_path


def prior_csv(rows: int, folder: Path) -> Path:
    """As many payouts of other people (another county's prefix), for --stored."""
    path = folder / f"payouts-{rows}-prior.csv"
    if not path.exists():
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(HEADER)
            writer.writerows(payout_rows(rows, prefix="654226"))
    return path


def worker(
    url: str, paths: list[str], rows: int, repeat: int, *, refused: bool, prior: str | None = None
) -> dict[str, object]:
    """In a child process with JIUZHU_DATABASE_URL set: prepare the seed, then time each file's import."""
    os.environ["JIUZHU_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuzhu.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("flush", interactive=False, verbosity=0) if _migrated() else None
    call_command("migrate", verbosity=0)
    from jiuzhu.demo.seed import load_seed

    load_seed()
    _vouchers(rows, twice=prior is not None)
    from jiuzhu.accounts.models import User
    from jiuzhu.ledger.services import do_import_file
    from jiuzhu.regions.models import Region

    region = Region.objects.get(code="654225")
    actor = User.objects.get(username="ymx_cz_jb")
    keep = None
    if prior is not None:  # stored once and kept: every timed import checks its duplicates against it
        _reset()
        data = Path(prior).read_bytes()
        keep = do_import_file(actor=actor, kind="payouts", region=region, data=data, filename=prior).batch.pk
    results: dict[str, object] = {}
    for path in paths:
        data = Path(path).read_bytes()
        times, phases, peaks = [], [], []
        for _ in range(repeat):
            _reset(keep)
            marks: list[tuple[str, float]] = []

            def progress(phase: str, done: int, total: int, marks: list[tuple[str, float]] = marks) -> None:
                if not marks or marks[-1][0] != phase:
                    marks.append((phase, time.perf_counter()))

            reset_peak_memory()
            started = time.perf_counter()
            outcome = do_import_file(
                actor=actor, kind="payouts", region=region, data=data, filename=path, progress=progress
            )
            ended = time.perf_counter()
            assert outcome.batch.rows_stored == rows, outcome.batch.rows_stored
            times.append(ended - started)
            peaks.append(peak_memory_mb())
            points = [("begin", started), *marks]
            phases.append({a: t2 - t1 for (a, t1), (_, t2) in itertools.pairwise(points)})
        results[Path(path).suffix] = {
            "median": statistics.median(times),
            "runs": times,
            "phases": {k: statistics.median(p.get(k, 0.0) for p in phases) for k in PHASE_NAMES},
            "peak_mb": max(peaks),
            "file_mb": len(data) / 1e6,
        }
    if refused:
        results["refused"] = _refused(Path(paths[0]).read_bytes(), actor, region, repeat)
    if connection.vendor == "postgresql":
        results["copy"] = _raw_copy(paths[0], repeat)
    _reset()
    return results


def reset_peak_memory() -> None:
    """Linux: set this process's peak resident size (VmHWM) back to its current size (proc(5), clear_refs 5), so
    that the next reading is the import's own peak — the file's bytes, which the import is handed, included."""
    Path("/proc/self/clear_refs").write_text("5")


def peak_memory_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("VmHWM is not in /proc/self/status")


def _refused(data: bytes, actor: object, region: object, repeat: int) -> dict[str, object]:
    """The same CSV with every row's 按户或按人补助 wrong: how long the refusal (and its capped list) takes."""
    from jiuzhu.core.errors import InvalidInput
    from jiuzhu.ledger.services import do_import_file

    bad = data.replace("到人".encode(), "到人了".encode())
    times, listed = [], 0
    for _ in range(repeat):
        _reset()
        started = time.perf_counter()
        try:
            do_import_file(actor=actor, kind="payouts", region=region, data=bad, filename="bad.csv")
        except InvalidInput as exc:
            listed = len(exc.problems)
        times.append(time.perf_counter() - started)
    return {"median": statistics.median(times), "problems": listed}


def _reset(keep: int | None = None) -> None:
    """No payouts (but those of batch ``keep``), no dead rows, no pending checkpoint: every run starts from the
    same state."""
    from django.db import connection

    from jiuzhu.ledger.models import ImportBatch

    with connection.cursor() as cursor:
        if keep is not None:
            cursor.execute("DELETE FROM ledger_payout WHERE batch_id <> %s", [keep])
            if connection.vendor == "postgresql":
                cursor.execute("VACUUM ANALYZE ledger_payout")
                cursor.execute("CHECKPOINT")
        elif connection.vendor == "postgresql":
            cursor.execute("TRUNCATE ledger_payout")
            cursor.execute("VACUUM ANALYZE ledger_payout")
            cursor.execute("CHECKPOINT")
        else:
            cursor.execute("DELETE FROM ledger_payout")
    ImportBatch.objects.filter(kind="payouts").exclude(pk=keep).delete()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM")  # no free pages left from the last run


def _migrated() -> bool:
    from django.db import connection

    return "ledger_payout" in connection.introspection.table_names()


def _vouchers(rows: int, *, twice: bool = False) -> None:
    import datetime
    from decimal import Decimal

    from jiuzhu.accounts.models import User
    from jiuzhu.domain.ledger import RegistrationLine
    from jiuzhu.domain.purposes import Purpose
    from jiuzhu.ledger.models import Movement
    from jiuzhu.ledger.services import do_import_file, do_register_receipt

    actor = User.objects.get(username="ymx_cz_jb")
    for n, movement in enumerate(Movement.objects.filter(region__code="654225").order_by("id"), start=1):
        do_register_receipt(
            actor=actor,
            movement=movement,
            cor_bgt_doc_no=f"裕财社〔2022〕{n}号",
            lines=[RegistrationLine("2081902", Purpose.SUBSISTENCE, movement.amount)],
            registered_on=datetime.date(2022, 11, 20),
        )
    amount = Decimal(PER_ROW) * people(rows) * (2 if twice else 1)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["pay_cert_no", "cor_bgt_doc_no", "exp_func_code", "pay_amt", "xpay_amt", "xpay_date", "payee"]
    )
    for month in range(1, MONTHS + 1):
        writer.writerow(
            [
                f"BENCH-{month:02d}",
                "裕财社〔2022〕1号",
                "2081902",
                amount,
                amount,
                f"2022-{month:02d}-20",
                "x",
            ]
        )
    do_import_file(
        actor=actor, kind="payments", region=actor.region, data=out.getvalue().encode(), filename="v.csv"
    )


def _raw_copy(csv_path: str, repeat: int) -> float:
    from django.db import connection

    data = Path(csv_path).read_bytes()
    times = []
    with connection.cursor() as cursor:
        for _ in range(repeat):
            cursor.execute("DROP TABLE IF EXISTS bench_raw")
            cursor.execute(
                "CREATE TABLE bench_raw (a text, b text, c text, d text, e text, f text, g text, h text)"
            )
            cursor.execute("CHECKPOINT")
            started = time.perf_counter()
            with cursor.cursor.copy("COPY bench_raw FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
                copy.write(data)
            times.append(time.perf_counter() - started)
        cursor.execute("DROP TABLE bench_raw")
    return statistics.median(times)


def bare_read(xlsx_path: Path, repeat: int, *, gc_paused: bool = False) -> float:
    """python-calamine's read of the first sheet to Python rows; ``gc_paused`` as the import reads it."""
    import gc

    from python_calamine import CalamineWorkbook

    times = []
    for _ in range(repeat):
        if gc_paused:
            gc.disable()
        started = time.perf_counter()
        CalamineWorkbook.from_path(str(xlsx_path)).get_sheet_by_index(0).to_python()
        times.append(time.perf_counter() - started)
        gc.enable()
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432/jiuzhu_bench")
    parser.add_argument("--only", choices=["postgresql", "sqlite"])
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent / "out"))
    parser.add_argument(
        "--refused", action="store_true", help="also time refusing the CSV with every row wrong"
    )
    parser.add_argument(
        "--stored",
        action="store_true",
        help="keep as many payouts of other people of the same year stored (the duplicate check reads them)",
    )
    parser.add_argument("--prior", help=argparse.SUPPRESS)
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        url, *paths = args.worker
        result = worker(url, paths, args.rows, args.repeat, refused=args.refused, prior=args.prior)
        print(json.dumps(result))
        return
    folder = Path(args.out)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuzhu.settings")
    csv_path, xlsx_path = files(args.rows, folder, args.formats.split(","))
    chosen = [p for p in (csv_path, xlsx_path) if p.suffix[1:] in args.formats.split(",")]
    sizes = ", ".join(f"{p.suffix[1:].upper()} {p.stat().st_size / 1e6:.1f} MB" for p in chosen)
    print(
        f"{args.rows:,} rows: {sizes}"
        f"; median of {args.repeat} run(s) each"
        + (
            f"; {args.rows:,} payouts of other people of the same year stored beforehand"
            if args.stored
            else ""
        ),
        flush=True,
    )
    _ensure_pg(args.pg)
    targets = {"PostgreSQL": args.pg, "SQLite": f"sqlite:///{folder / 'bench.sqlite3'}"}
    if args.only:
        targets = {k: v for k, v in targets.items() if k.lower() == args.only}
    runs = {}
    for name, url in targets.items():
        if url.startswith("sqlite:///"):
            for suffix in ("", "-wal", "-shm"):
                Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench",
                "--repeat",
                str(args.repeat),
                "--rows",
                str(args.rows),
                *(["--refused"] if args.refused else []),
                *(["--prior", str(prior_csv(args.rows, folder))] if args.stored else []),
                "--worker",
                url,
                *map(str, chosen),
            ],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "JIUZHU_VAR_DIR": str(folder / "var")},
        )
        runs[name] = json.loads(out.stdout.strip().splitlines()[-1])
    read = bare_read(xlsx_path, args.repeat) if xlsx_path in chosen else None
    read_paused = bare_read(xlsx_path, args.repeat, gc_paused=True) if xlsx_path in chosen else None
    report(args.rows, runs, read, read_paused)


def report(
    rows: int, runs: dict[str, dict[str, object]], read: float | None, read_paused: float | None
) -> None:
    rate = lambda seconds: f"{rows / seconds:>9,.0f} rows/s"  # noqa: E731
    copy: float | None = runs.get("PostgreSQL", {}).get("copy")  # type: ignore[assignment]
    if copy:
        print(f"floor  raw COPY of the CSV (PostgreSQL, unindexed): {copy:6.2f} s {rate(copy)}")
    if read and read_paused:
        print(f"floor  python-calamine bare read of the XLSX:       {read:6.2f} s {rate(read)}")
        print(
            f"       (the same read with the cyclic GC paused, as the import reads: {read_paused:.2f} s;"
            f" the XLSX ratios against it would be {read / read_paused:.2f}× the ones below)"
        )
    for name, result in runs.items():
        for suffix, label in ((".csv", "CSV "), (".xlsx", "XLSX")):
            if suffix not in result:
                continue
            timing: dict = result[suffix]  # type: ignore[assignment]
            seconds = timing["median"]
            if suffix == ".xlsx" and read:
                extra = f"= {seconds / read:4.1f}× bare read (goal ≤ 2×)"
            elif name == "PostgreSQL" and copy:
                extra = f"= {seconds / copy:4.1f}× raw COPY (goal ≤ 3×)"
            else:
                extra = "(goal ≥ 200,000 rows/s)"
            print(f"{name:10} {label} import: {seconds:6.2f} s {rate(seconds)} {extra}")
            phases = timing["phases"]
            runs_text = ", ".join(f"{t:.2f}" for t in timing["runs"])
            print(
                "           phases (median s): "
                + "  ".join(f"{PHASE_NAMES[k]} {phases[k]:.2f}" for k in PHASE_NAMES)
                + f"   runs: {runs_text}"
            )
            peak, size = timing["peak_mb"], timing["file_mb"]
            print(
                f"           peak memory of the import: {peak:,.0f} MB for a {size:,.0f} MB file"
                f" = {peak / size:.1f}× the file (goal for a 200 MB CSV: within 1,024 MB)"
            )
        if "refused" in result:
            refused: dict = result["refused"]  # type: ignore[assignment]
            print(
                f"{name:10} CSV  with every row wrong, refused in {refused['median']:.2f} s"
                f" ({refused['problems']} problems listed: the first 1000 of each rule, then a count)"
            )


def _ensure_pg(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    main()
