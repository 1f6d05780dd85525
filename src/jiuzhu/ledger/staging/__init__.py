"""The set-based payout import: read the file into a polars frame, check each distinct value once, and store
the rows in one bulk load. Everything runs inside the caller's transaction: a refusal leaves nothing behind.

1. **Frame.** A clean CSV (``readers.is_clean_csv``) is read by polars as it is; anything else (XLSX, CSV that
   needs cleaning) is cleaned column by column in Python (each distinct value once) and framed. Blank rows are
   dropped and keep their numbers.
2. **Check.** Every distinct combination of the low-cardinality cells (证件类型, 补助方式, 发放月份, 支付凭证号,
   应发, 实发) and every distinct (证件号码, 证件类型) with their counts, from polars group-bys; the domain's
   cell rules run once per distinct value (``jiuzhu.domain.payout_cells``: the same functions the row-by-row
   reference uses). Σ实发 per voucher and the budget year follow from the combinations; duplicates within the
   file are a polars check on the natural key.
3. **Store.** The stored rows are built from the frame (a join with the combinations: codes, fen, payment,
   purpose) and loaded in file order — PostgreSQL: one COPY, chunks built by a helper thread, ids from one block
   of the sequence; SQLite: a temporary table filled a hundred rows to an INSERT, then one INSERT … SELECT —
   while another thread checks each person's cells (证件号码, 姓名) and the duplicates within the file: the
   database and the checks run on different cores, and anything wrong rolls the load back. Then, under the
   importer's lock, the rows are checked against the other payout batches of the year (PostgreSQL: a hashed
   INTERSECT; SQLite: an index on the new rows, built by one sort). No unique index holds that rule: see
   migrations 0004–0006 for why the table has so few indexes.
4. **Refusal.** When anything is wrong, the frame is staged into a temporary all-text table and SQL lists the
   rows of each rule (the first ``PROBLEM_CAP``, with the count of the rest); the cross-row rules run over the
   valid rows, as the reference does. Every problem of the file is reported at once.

SQL is built from this package's constant table names and the header's element names only (never from the
file's text); values are always parameters or COPY data.

The modules, each readable top to bottom: ``checks`` (what needs no database), ``postgresql`` and ``sqlite``
(each database's load, locks, duplicate-check SQL and staging: the one place that knows the vendor is
``importer.backend``), ``duplicates`` (which stored payouts the check reads), ``diagnosis`` (the refusal's list of
problems), ``importer`` (the order of the steps).
"""

from .checks import Voucher
from .importer import PayoutImport, lock_payout_writers

__all__ = ["PayoutImport", "Voucher", "lock_payout_writers"]
