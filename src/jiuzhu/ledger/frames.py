"""A payout file as a polars frame: every cell as the rules read it (text), one row per data row, with its row
number. The importer counts distinct values here, and — when the file is clean — builds the stored rows here
and hands them to the database in one bulk load (COPY on PostgreSQL).

polars does the per-row work in compiled code on every core; Python only ever sees distinct values.
"""

import contextlib
import io
import itertools
import queue
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TypeVar

import polars as pl

from .io.readers import PayoutRows

ROW_NO = "row_no"
T = TypeVar("T")


class Irregular(Exception):
    """A clean-looking CSV whose records polars could not take one to one (a record wider than the header)."""


def read_frame(
    rows: PayoutRows, columns: Sequence[str] = (), categorical: Sequence[str] = ()
) -> pl.DataFrame:
    """The staging names as text columns plus ``row_no``; blank rows dropped (their numbers stay unused); each
    of ``columns`` the file lacks as empty text. The ``categorical`` columns (those with few distinct values)
    are polars Categoricals: 4 bytes a cell instead of 16 (~200 MB less for a 200 MB file); they read as text
    everywhere but in a join with text (``_like``)."""
    frame = None
    if rows.clean_csv is not None:
        with contextlib.suppress(Irregular):  # Python reads it below
            frame = _clean_csv_frame(rows, categorical)
        rows.clean_csv = None  # the file's body (or a UTF-8 copy of it), needed no more
    if frame is None:
        names, cleaned = rows.columns()
        rows.names = names
        schema = _schema(names, categorical, row_no=False)
        frame = pl.DataFrame(
            {
                name: pl.Series(name, column, dtype=schema[name])
                for name, column in zip(names, cleaned, strict=True)
            }
        ).with_columns(pl.int_range(rows.first_row, rows.first_row + pl.len()).alias(ROW_NO))
    frame = _without_blank_rows(frame, rows.names)
    missing = [c for c in columns if c not in frame.columns]
    if not missing:
        return frame
    schema = _schema(missing, categorical, row_no=False)
    return frame.with_columns(pl.lit("").cast(schema[c]).alias(c) for c in missing)


def _clean_csv_frame(rows: PayoutRows, categorical: Sequence[str]) -> pl.DataFrame:
    """A clean CSV (see ``readers.is_clean_csv``) read by polars: no quotes, so every line is one record."""
    body = rows.clean_csv
    assert body is not None
    if not rows.rows:
        return pl.DataFrame(
            {**{n: [] for n in rows.names}, ROW_NO: []}, schema=_schema(rows.names, categorical)
        )
    try:
        frame = pl.read_csv(
            body,
            skip_lines=rows.clean_skip,
            has_header=False,
            new_columns=rows.names,
            schema=_schema(rows.names, categorical, row_no=False),
            separator=rows.delimiter,
            quote_char=None,
            empty_string_is_null=False,
            raise_if_empty=False,
            # numbered as read, so that the number has the text columns' chunks: a column of other chunks
            # makes polars copy the whole frame into one chunk at each select (~350 MB for a 200 MB file)
            row_index_name=ROW_NO,
            row_index_offset=rows.first_row,
        )
    except pl.exceptions.PolarsError as exc:  # a record wider than the header
        raise Irregular from exc
    if frame.height != rows.rows:  # something polars counts otherwise than lines: let Python read it
        raise Irregular
    if any(frame.null_count().row(0)):  # short records: their missing cells are empty text
        frame = frame.fill_null("")
    return frame.select(*rows.names, pl.col(ROW_NO).cast(pl.Int64))  # as the other paths number rows


def _schema(
    names: Sequence[str], categorical: Sequence[str], *, row_no: bool = True
) -> dict[str, pl.DataType]:
    schema: dict[str, pl.DataType] = {n: pl.Categorical() if n in categorical else pl.String() for n in names}
    if row_no:
        schema[ROW_NO] = pl.Int64()
    return schema


def _without_blank_rows(frame: pl.DataFrame, names: Sequence[str]) -> pl.DataFrame:
    if not names:
        return frame
    blank = pl.all_horizontal(pl.col(n) == "" for n in names)
    if not frame.select(blank.any()).item():  # the usual file: no copy of every column
        return frame
    return frame.filter(~blank)


def distinct_counts(frame: pl.DataFrame, keys: Sequence[str]) -> dict[tuple[str, ...], int]:
    """Each distinct combination of ``keys`` and how many rows have it."""
    if frame.is_empty():
        return {}
    counted = frame.lazy().group_by(keys).len().collect()  # the lazy engine groups ~2× faster here
    return {tuple(r[:-1]): r[-1] for r in counted.iter_rows()}


def count_of(frame: pl.DataFrame, column: str, value: str) -> int:
    return int(frame.select((pl.col(column) == value).sum()).item())


KIND = "kind"


def kind_keys(keys: Sequence[str]) -> list[str]:
    """The names of ``keys`` in a frame of kinds (k0, k1, …: the kinds' own columns keep the element names)."""
    return [f"k{i}" for i in range(len(keys))]


def _iden(upper: Mapping[str, str] | None) -> pl.Expr:
    """证件号码 as stored: upper-cased by ``upper`` (number → upper case) when given, else by polars."""
    iden = pl.col("iden_no")
    return (iden.str.to_uppercase() if upper is None else iden.replace(dict(upper))).alias("iden_no")


def _like(frame: pl.DataFrame, keys: Sequence[str]) -> list[pl.Expr]:
    """The kinds' k0… as the frame has its ``keys`` (text or Categorical): a join needs one type on both sides."""
    return [pl.col(k).cast(frame.schema[key]) for k, key in zip(kind_keys(keys), keys, strict=True)]


def _with_kinds(
    frame: pl.DataFrame, kinds: pl.DataFrame, keys: Sequence[str], columns: Sequence[str]
) -> pl.DataFrame:
    """Each row with ``columns`` of its kind (the kinds' row with the same ``keys`` values); order kept."""
    renamed = frame.rename(dict(zip(keys, kind_keys(keys), strict=True)))  # the kinds' columns keep the names
    right = kinds.select(*_like(frame, keys), *columns)
    return renamed.join(right, on=kind_keys(keys), how="left", maintain_order="left")


def _texts(texts: Sequence[str], limits: Mapping[str, int]) -> list[pl.Expr]:
    return [pl.col(t).str.slice(0, limits[t]).alias(t) if t in limits else pl.col(t) for t in texts]


def stored_rows(
    frame: pl.DataFrame,
    kinds: pl.DataFrame,
    keys: Sequence[str],
    *,
    upper: Mapping[str, str] | None,
    limits: Mapping[str, int],
    texts: Sequence[str],
) -> pl.DataFrame:
    """What varies from row to row, as stored: ``row_no``, the row's ``kind`` (``kinds`` has the ``keys`` as
    k0… and a ``kind`` number), 证件号码 in upper case, and ``texts`` cut to their column's length."""
    joined = _with_kinds(frame, kinds, keys, [KIND])
    return joined.select(pl.col(ROW_NO), pl.col(KIND), _iden(upper), *_texts(texts, limits))


def full_rows(
    frame: pl.DataFrame,
    kinds: pl.DataFrame,
    keys: Sequence[str],
    *,
    first_id: int,
    constants: Mapping[str, object],
    upper: Mapping[str, str] | None,
    limits: Mapping[str, int],
    texts: Sequence[str],
) -> pl.DataFrame:
    """The stored rows in full: ``id`` from ``first_id`` on, ``row_no``, 证件号码, ``texts``, the columns of the
    row's kind, then ``constants``."""
    columns = [c for c in kinds.columns if c not in (*kind_keys(keys), KIND)]
    joined = _with_kinds(frame, kinds, keys, columns)
    return joined.select(
        pl.int_range(first_id, first_id + pl.len(), dtype=pl.Int64).alias("id"),
        pl.col(ROW_NO),
        _iden(upper),
        *_texts(texts, limits),
        *columns,
        *[pl.lit(v).alias(k) for k, v in constants.items()],
    )


def _natural_groups(frame: pl.DataFrame, kinds: pl.DataFrame, keys: Sequence[str]) -> pl.LazyFrame:
    """Each kind's ``natural`` group: one number for the kinds of one ``purpose`` and ``pay_month``; its k0… as
    the frame has its ``keys``."""
    natural = pl.concat_str(
        [pl.col("purpose").fill_null(""), pl.col("pay_month").fill_null("")], separator="|"
    )
    return kinds.lazy().select(*_like(frame, keys), natural.rank("dense").cast(pl.UInt32).alias("natural"))


def _keyed(frame: pl.DataFrame, groups: pl.LazyFrame, keys: Sequence[str]) -> pl.LazyFrame:
    """The rows' key columns (renamed k0…) and 证件号码 joined with their kind's group, in the frame's order."""
    rows = frame.lazy().select(*keys, "iden_no").rename(dict(zip(keys, kind_keys(keys), strict=True)))
    return rows.join(groups, on=kind_keys(keys), how="left", maintain_order="left")


def keyed_rows(
    frame: pl.DataFrame, kinds: pl.DataFrame, keys: Sequence[str], *, upper: Mapping[str, str] | None
) -> pl.DataFrame:
    """Each row's 证件号码 as stored and its kind's ``natural`` group (``_natural_groups``), so that the two
    columns are the natural key. Lazy, so that only these two columns are made for every row (joining the
    kinds' texts onto every row of a 200 MB file held ~400 MB)."""
    joined = _keyed(frame, _natural_groups(frame, kinds, keys), keys)
    return joined.select(_iden(upper), pl.col("natural")).collect()


#: Rows hashed at a time by ``key_hashes``: the upper-cased numbers of one slice (~20 MB), not of the whole file.
HASH_ROWS = 500_000


def key_hashes(
    frame: pl.DataFrame, kinds: pl.DataFrame, keys: Sequence[str], *, upper: Mapping[str, str] | None
) -> pl.Series:
    """One 64-bit hash of each row's natural key (``keyed_rows``), in the frame's order, made a slice at a time:
    8 bytes a row instead of the key's texts (the whole file's keys and their hash table held ~420 MB).
    Equal keys have equal hashes; equal hashes are only candidates (see ``checks.repeats_in_file``)."""
    groups = _natural_groups(frame, kinds, keys).collect().lazy()
    parts = [
        _keyed(frame.slice(start, HASH_ROWS), groups, keys)
        .select(pl.struct(_iden(upper), pl.col("natural")).hash().alias("key"))
        .collect()
        .to_series()
        for start in range(0, frame.height, HASH_ROWS)
    ]
    return pl.concat(parts) if parts else pl.Series("key", [], dtype=pl.UInt64)


def duplicated_keys(frame: pl.DataFrame, key: Sequence[str]) -> bool:
    """Do two rows share ``key``?"""
    if frame.height < 2:
        return False
    return bool(frame.select(pl.struct(key).is_duplicated().any()).item())


def csv_chunks(
    frame: pl.DataFrame,
    size: int,
    build: Callable[[pl.DataFrame, int], pl.DataFrame] | None = None,
    *,
    first: int | None = None,
) -> Iterator[tuple[int, bytes]]:
    """The frame as header-less CSV, ``size`` rows at a time (``first`` rows in the first chunk, when given: the
    database waits for it), each slice made by ``build(slice, start)`` when given, with the rows done after each
    chunk."""
    starts = (
        [0, *range(first, frame.height, size)]
        if first and first < frame.height
        else range(0, frame.height, size)
    )
    for start, end in itertools.pairwise([*starts, frame.height]):
        part = frame.slice(start, end - start)
        if build is not None:
            part = build(part, start)
        yield end, _csv(part)


def _csv(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_csv(buffer, include_header=False)
    return buffer.getvalue()


def prefetched(items: Iterator[T], depth: int = 2) -> Iterator[T]:
    """``items``, produced by a helper thread up to ``depth`` ahead: polars writes the next chunk on one core
    while the database reads the last one on the other. A consumer that stops early stops the producer."""
    done = object()
    ahead: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                ahead.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    return
        except BaseException as exc:  # handed to the consumer, raised there
            put(exc)
        put(done)

    threading.Thread(target=produce, daemon=True).start()
    try:
        while (item := ahead.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
