"""The SQL of each monitoring rule: one set-based query per rule over whole tables, never a loop over rows.

Every query returns rows with ``region_id``, ``fiscal_year``, ``fund_id``, ``purpose``, ``month`` (what the
findings list filters on), one or more ``key…`` columns (the offending rows: a finding's stable key is the rule,
the region and these), and the numbers its message names (``domain.monitoring_rules``). Parameters, computed in
Python so that the SQL needs almost no date arithmetic: ``year``, ``path`` (the scope's region path prefix with
``%``), ``as_of``, the cut-off dates and thresholds of ``engine.Params``.

The text is the same on SQLite and PostgreSQL except two fragments (``Dialect``): whole days between two
dates and the month of a date. The GB 11643 check digit (ISO 7064 MOD 11-2) is plain portable SQL over each
*distinct* number: its 17 digits (integer arithmetic on the number) times their weights, modulo 11, looked up
in ``'10X98765432'``.
``spark`` is PostgreSQL's text for sqlglot to transpile (``jiuzhu.rollup.sql``) but for whole days: PostgreSQL
subtracts two dates to an integer, Spark to an interval, and sqlglot cannot tell a date from a number there.

Shared tables: the rules on people (duplicates, accounts, 证件号码) and on vouchers would each group the whole
payout table by person or voucher — a million groups each time, ~5–10× the floor of one grouped scan at a
million payouts (bench/README.md). So a run first makes four temporary tables (``SHARED``; ``engine.prepare``),
and those rules read them instead of ``ledger_payout``: ``monitoring_people``, one row per region, person and
account with the rows' count, months and sums; ``monitoring_repeaters``, the 证件号码 of the people paid twice
in some month; ``monitoring_repeats``, their payout rows (every one of the four duplicate and account rules
needs two rows of one person in one month, so their rows are among these — a handful in a clean year);
``monitoring_vouchers``, Σ实发 per voucher. They hold the whole year, not the scope: the cross-county rules
compare with other counties.

What counts: rules on money (``Rule.money``) see approved registrations and payments of approved batches only,
as the ledger does; rules on the payout rows see every stored row (a file waiting for its checker included —
a returned file's rows are deleted), so that the checker sees a file's problems before approving it.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Dialect:
    vendor: str
    """``sqlite``, ``postgresql`` (Django's names), or ``spark``: PostgreSQL's text except ``days``."""

    @property
    def postgres_text(self) -> bool:
        return self.vendor in ("postgresql", "spark")

    def days(self, later: str, earlier: str) -> str:
        if self.vendor == "spark":
            return f"DATEDIFF({later}, {earlier})"
        if self.vendor == "postgresql":
            return f"({later} - {earlier})"
        return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"

    def month(self, column: str) -> str:
        if self.postgres_text:
            return f"TO_CHAR({column}, 'MM')"
        return f"strftime('%%m', {column})"

    def date_param(self, name: str) -> str:
        return f"CAST(%({name})s AS DATE)" if self.postgres_text else f"%({name})s"

    def fence(self) -> str:
        """Ends a subquery that must be computed as written: its columns are then computed once per row, not
        copied into every place the outer query uses them (PostgreSQL and SQLite flatten a plain subquery).
        Spark plans it its own way."""
        if self.vendor == "spark":
            return ""
        return "OFFSET 0" if self.vendor == "postgresql" else "LIMIT -1 OFFSET 0"

    def int_div(self, a: str, b: str) -> str:
        """Integer division (of integers): ``/`` on SQLite and PostgreSQL, ``DIV`` for Spark, whose ``/`` is
        floating point (and a 17-digit number is not exact as a double)."""
        return f"DIV({a}, {b})" if self.vendor == "spark" else f"{a} / {b}"


WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)

APPROVED_PAYMENTS = """(SELECT p.* FROM ledger_payment p JOIN ledger_importbatch b ON b.id = p.batch_id
    WHERE b.approved_at IS NOT NULL AND p.fiscal_year = %(year)s)"""
APPROVED_LINES = """(SELECT l.appropriation_id, SUM(l.amount) AS t, MAX(g.registered_on) AS last_on
    FROM ledger_registrationline l JOIN ledger_registration g ON g.id = l.registration_id
    WHERE g.status = 'approved' GROUP BY l.appropriation_id)"""
PAID = f"""(SELECT p.appropriation_id, SUM(p.xpay_amt) AS t, MAX(p.xpay_date) AS last_on
    FROM {APPROVED_PAYMENTS} p GROUP BY p.appropriation_id)"""
IN_SCOPE = "JOIN regions_region r ON r.id = {table}.region_id AND r.path LIKE %(path)s"


def _digits17(column: str) -> str:
    """The first 17 characters as a number when the whole is 17 digits and a digit or X (else NULL); LTRIM with
    the digits leaves nothing of such a text (portable, and cheaper than a pattern)."""
    first = f"SUBSTR({column}, 1, 17)"
    return (
        f"CASE WHEN LENGTH({column}) = 18 AND LTRIM({first}, '0123456789') = ''"
        f" AND LTRIM(SUBSTR({column}, 18, 1), '0123456789X') = '' THEN CAST({first} AS BIGINT) END"
    )


def _id_valid(d: Dialect, num: str, column: str) -> str:
    """1 when ``num`` (``_digits17`` of ``column``) has a plausible birth date (century 18–20, month, day) and
    ``column`` the right check digit (ISO 7064 MOD 11-2), else 0. Digits by integer arithmetic: seventeen
    SUBSTR and CAST per number cost 2.5× the floor at a million payouts, the arithmetic a fraction of it."""
    div = d.int_div
    total = " + ".join(f"{div(num, str(10 ** (16 - i)))} % 10 * {w}" for i, w in enumerate(WEIGHTS))
    return (
        f"CASE WHEN {num} IS NULL OR {div(num, '1000000000')} % 100 NOT IN (18, 19, 20)"
        f" OR {div(num, '100000')} % 100 NOT BETWEEN 1 AND 12 OR {div(num, '1000')} % 100 NOT BETWEEN 1 AND 31"
        " THEN 0"
        f" WHEN SUBSTR('10X98765432', CAST(({total}) % 11 AS INTEGER) + 1, 1) = SUBSTR({column}, 18, 1)"
        " THEN 1 ELSE 0 END"
    ).replace("%", "%%")


# --- shared tables (made once per run, see the module's docstring) ---------------------------------------

PEOPLE, REPEATERS, REPEATS = "monitoring_people", "monitoring_repeaters", "monitoring_repeats"
VOUCHERS = "monitoring_vouchers"
MONTH_BIT = (
    "CASE o.pay_month " + " ".join(f"WHEN '{m:02d}' THEN {1 << m}" for m in range(1, 13)) + " ELSE 1 END"
)
"""A payout's month as one bit (全年 as bit 0): a person's months repeat exactly when the sum of their bits has
fewer bits set than the person has rows (two equal bits carry into another). Twelve equalities, not a range, a
cast and a shift per row: 7 % of the people table's time at a million payouts on PostgreSQL."""


def _bits_set(column: str) -> str:
    """How many of the 13 month bits are set in ``column`` (portable: shifts and masks, no popcount)."""
    return "(" + " + ".join(f"(({column} >> {k}) & 1)" for k in range(13)) + ")"


def people(d: Dialect, among: str = "") -> str:
    return f"""SELECT o.region_id, o.fiscal_year, o.iden_no, o.acct_no, CAST(COUNT(*) AS INTEGER) AS n,
        CAST(SUM({MONTH_BIT}) AS INTEGER) AS months,
        SUM(CASE WHEN o.iden_type = '01' THEN 1 ELSE 0 END) AS id_rows,
        SUM(CASE WHEN o.to_peop_family = '01' THEN 1 ELSE 0 END) AS family_rows,
        CAST(SUM(CASE WHEN o.to_peop_family = '01' THEN o.xpay_amt ELSE 0 END) AS BIGINT) AS family_fen,
        {_digits17("o.iden_no")} AS num
      FROM ledger_payout o WHERE o.fiscal_year = %(year)s{among}
      GROUP BY o.region_id, o.fiscal_year, o.iden_no, o.acct_no"""


def repeaters(d: Dialect) -> str:
    """The people paid twice in some month, whatever their regions and accounts: their rows' count above the
    bits set in the sum of their month bits. A table of its own (analyzed) rather than a subquery of
    ``repeats``: the planner then knows they are a few percent of the people, not a third."""
    return f"""SELECT p.iden_no FROM {PEOPLE} p GROUP BY p.iden_no
      HAVING SUM(p.n) > {_bits_set("CAST(SUM(p.months) AS BIGINT)")}"""


def repeats(d: Dialect) -> str:
    return f"""SELECT o.region_id, o.fiscal_year, o.purpose, o.pay_month, o.iden_no, o.acct_no, o.xpay_amt
      FROM ledger_payout o JOIN {REPEATERS} x ON x.iden_no = o.iden_no
      WHERE o.fiscal_year = %(year)s"""


OVER = "CASE WHEN o.xpay_amt > o.pay_amt THEN 1 ELSE 0 END"
"""1 for a payout whose 实发 is above its 应发."""


def vouchers(d: Dialect) -> str:
    return f"""SELECT o.payment_id, SUM(o.xpay_amt) AS t, SUM({OVER}) AS over_rows
      FROM ledger_payout o WHERE o.fiscal_year = %(year)s GROUP BY o.payment_id"""


SHARED: dict[str, Callable[[Dialect], str]] = {
    PEOPLE: people,
    REPEATERS: repeaters,
    REPEATS: repeats,
    VOUCHERS: vouchers,
}
"""In the order they are made (each reads the ones before it that ``MADE_FROM`` names)."""
MADE_FROM: dict[str, tuple[str, ...]] = {REPEATERS: (PEOPLE,), REPEATS: (REPEATERS,)}

#: The payouts stored in the scope: the rows of its regions' batches (a batch's rows are all in the batch's
#: region, the importer's) through the batch index, and the few without a batch through their partial index —
#: not a scan of the whole year for a region (the payout table has no region index; see ``NARROW``).
SCOPE_ROWS = f"""(SELECT s.fiscal_year, s.iden_no
      FROM ledger_payout s
      WHERE s.batch_id IN (SELECT b.id FROM ledger_importbatch b {IN_SCOPE.format(table="b")})
    UNION ALL
    SELECT s.fiscal_year, s.iden_no
      FROM ledger_payout s {IN_SCOPE.format(table="s")}
      WHERE s.batch_id IS NULL AND s.fiscal_year = %(year)s)"""


def _scope_people(d: Dialect) -> str:
    return people(
        d, f" AND o.iden_no IN (SELECT x.iden_no FROM {SCOPE_ROWS} x WHERE x.fiscal_year = %(year)s)"
    )


def stored_vouchers(d: Dialect) -> str:
    """``vouchers`` of the scope from the approved batches' stored parts (``ledger_payoutpart``: Σ实发 and the
    rows above 应发 per batch, voucher and region, grouped once at approval), and from the rows of the scope's
    waiting batches and of its payouts without a batch; instead of grouping every payout of the year by
    voucher (~1.4× the floor at a million payouts)."""
    return f"""SELECT v.payment_id, SUM(v.t) AS t, SUM(v.over_rows) AS over_rows FROM (
        SELECT pp.payment_id, pp.paid_out AS t, pp.over_rows FROM ledger_payoutpart pp
          JOIN ledger_importbatch b ON b.id = pp.batch_id AND b.approved_at = pp.approved_at
          {IN_SCOPE.format(table="pp")}
          WHERE pp.fiscal_year = %(year)s
        UNION ALL
        SELECT o.payment_id, o.xpay_amt, {OVER} FROM ledger_payout o
          WHERE o.fiscal_year = %(year)s AND o.batch_id IN (SELECT b.id FROM ledger_importbatch b
            {IN_SCOPE.format(table="b")} WHERE b.kind = 'payouts' AND b.approved_at IS NULL)
        UNION ALL
        SELECT o.payment_id, o.xpay_amt, {OVER} FROM ledger_payout o {IN_SCOPE.format(table="o")}
          WHERE o.batch_id IS NULL AND o.fiscal_year = %(year)s
      ) v GROUP BY v.payment_id"""


STORED: dict[str, Callable[[Dialect], str]] = {**SHARED, VOUCHERS: stored_vouchers}
"""The shared tables of a run over the database (``engine.prepare``; ``SHARED`` is what the roll-up makes from
its exported payouts, which have no stored parts): the scope's vouchers from the stored parts."""

NARROW: dict[str, Callable[[Dialect], str]] = {**STORED, PEOPLE: _scope_people}
"""The shared tables of a run over one county (``Params.narrow``): the people of the scope with all their rows
in every region (the cross-county rules compare with the other counties; a rule keeps only its scope's rows).
The whole year's people cost ~5× the floor at a million payouts; a county's re-run after its monthly file must
take ~1 s (bench/README.md, "Monitoring rules benchmark")."""
INDEXED = {VOUCHERS: "payment_id"}
"""A shared table's column looked up row by row: PostgreSQL estimated the vouchers of ``voucher_no_payouts``
(past an anti-join with the budget units) at one row and scanned the vouchers' table for each of 5,236: 30 s;
with the index the same misestimate costs nothing."""
USES: dict[str, tuple[str, ...]] = {
    "voucher_mismatch": (VOUCHERS,),
    "voucher_no_payouts": (VOUCHERS,),
    "payout_above_due": (VOUCHERS,),
    "payout_duplicate": (REPEATS,),
    "payout_duplicate_cross": (REPEATS,),
    "invalid_id": (PEOPLE,),
    "account_shared": (PEOPLE,),
    "person_multi_account": (REPEATS,),
}
"""Which shared tables each rule reads (rules of other apps add theirs through ``register``); the tables those
are made from follow (``MADE_FROM``, ``shared_for``)."""


def shared_for(codes: Iterable[str]) -> list[str]:
    """The shared tables the rules ``codes`` read and the ones those are made from, in the order to make them."""
    needed = {name for code in codes for name in USES.get(code, ())}
    for name in reversed(SHARED):  # SHARED's order: a table's sources come before it
        if name in needed:
            needed.update(MADE_FROM.get(name, ()))
    return [name for name in SHARED if name in needed]


# --- the rules -----------------------------------------------------------------------------------------------


def late_registration(d: Dialect) -> str:
    days = d.days(f"COALESCE(g.registered_on, {d.date_param('as_of')})", "m.received_on")
    return f"""SELECT * FROM (
      SELECT m.region_id, m.fiscal_year, m.fund_id, NULL AS purpose, {d.month("m.received_on")} AS month,
        m.id AS key, m.sup_bgt_doc_no AS doc_no, m.received_on,
        CASE WHEN g.id IS NULL THEN '尚未登记' WHEN g.status = 'approved' THEN '已登记'
             ELSE '登记待审核' END AS state,
        {days} AS days
      FROM ledger_movement m {IN_SCOPE.format(table="m")}
      JOIN allocation_plan pl ON pl.id = m.plan_id
      LEFT JOIN ledger_registration g ON g.movement_id = m.id AND g.status IN ('submitted', 'approved')
      WHERE m.fiscal_year = %(year)s AND m.received_on <= {d.date_param("as_of")}
        AND NOT (pl.issuer_id <> m.region_id AND EXISTS (
          SELECT 1 FROM allocation_plan own WHERE own.issuer_id = m.region_id AND own.fund_id = m.fund_id
            AND own.status = 'approved'))
    ) t WHERE t.days > %(late_registration_days)s"""


def late_pass_down(d: Dialect) -> str:
    return f"""SELECT * FROM (
      SELECT m.region_id, m.fiscal_year, m.fund_id, NULL AS purpose, {d.month("m.received_on")} AS month,
        m.id AS key, m.sup_bgt_doc_no AS doc_no, m.received_on, down.passed_on,
        {d.days("down.passed_on", "m.received_on")} AS days
      FROM ledger_movement m {IN_SCOPE.format(table="m")}
      JOIN allocation_plan pl ON pl.id = m.plan_id AND pl.issuer_id <> m.region_id
      JOIN (SELECT up.id AS movement_id, MIN(c.received_on) AS passed_on
            FROM ledger_movement up
            JOIN allocation_plan cp ON cp.issuer_id = up.region_id AND cp.fund_id = up.fund_id
            JOIN ledger_movement c ON c.plan_id = cp.id AND c.region_id <> up.region_id
            WHERE c.amount > 0 AND c.received_on >= up.received_on AND up.fiscal_year = %(year)s
            GROUP BY up.id) down ON down.movement_id = m.id
      WHERE m.fiscal_year = %(year)s AND m.kind IN ('issue', 'increase')
    ) t WHERE t.days > %(pass_down_days)s"""


def payment_above_balance(d: Dialect) -> str:
    return f"""SELECT a.region_id, a.fiscal_year, a.fund_id, a.purpose, NULL AS month, a.id AS key,
        a.bgt_id, COALESCE(reg.t, 0) AS registered_fen, pay.t AS paid_fen,
        pay.t - COALESCE(reg.t, 0) AS over_fen
      FROM ledger_appropriation a {IN_SCOPE.format(table="a")}
      JOIN {PAID} pay ON pay.appropriation_id = a.id
      LEFT JOIN {APPROVED_LINES} reg ON reg.appropriation_id = a.id
      WHERE a.fiscal_year = %(year)s AND pay.t > COALESCE(reg.t, 0)"""


def tag_break(d: Dialect) -> str:
    return f"""SELECT m.region_id, m.fiscal_year, m.fund_id, NULL AS purpose, NULL AS month,
        'fund' AS key, m.id AS key2, '资金下达' AS link, m.sup_bgt_doc_no AS subject,
        m.direct_fund_tag AS tag, t.code AS upstream_tag
      FROM ledger_movement m {IN_SCOPE.format(table="m")}
      JOIN funds_fund f ON f.id = m.fund_id JOIN funds_directfundtag t ON t.id = f.direct_fund_tag_id
      WHERE m.fiscal_year = %(year)s AND m.direct_fund_tag <> t.code
    UNION ALL
      SELECT a.region_id, a.fiscal_year, a.fund_id, a.purpose, NULL, 'line', l.id, '指标登记', a.bgt_id,
        a.direct_fund_tag, m.direct_fund_tag
      FROM ledger_registrationline l JOIN ledger_registration g ON g.id = l.registration_id
      JOIN ledger_movement m ON m.id = g.movement_id
      JOIN ledger_appropriation a ON a.id = l.appropriation_id {IN_SCOPE.format(table="a")}
      WHERE g.status = 'approved' AND a.fiscal_year = %(year)s AND a.direct_fund_tag <> m.direct_fund_tag
    UNION ALL
      SELECT p.region_id, p.fiscal_year, a.fund_id, a.purpose, {d.month("p.xpay_date")}, 'payment', p.id,
        '国库支付', p.pay_cert_no, p.direct_fund_tag, a.direct_fund_tag
      FROM {APPROVED_PAYMENTS} p {IN_SCOPE.format(table="p")}
      JOIN ledger_appropriation a ON a.id = p.appropriation_id
      WHERE p.direct_fund_tag <> a.direct_fund_tag"""


def voucher_mismatch(d: Dialect) -> str:
    return f"""SELECT p.region_id, p.fiscal_year, a.fund_id, a.purpose, {d.month("p.xpay_date")} AS month,
        p.id AS key, p.pay_cert_no, p.xpay_amt AS voucher_fen, s.t AS paid_out_fen,
        s.t - p.xpay_amt AS diff_fen
      FROM ledger_payment p {IN_SCOPE.format(table="p")}
      JOIN ledger_appropriation a ON a.id = p.appropriation_id
      JOIN {VOUCHERS} s ON s.payment_id = p.id
      WHERE p.fiscal_year = %(year)s AND s.t <> p.xpay_amt"""


def voucher_no_payouts(d: Dialect) -> str:
    # NOT IN for the budget units, not an anti-join: PostgreSQL estimated the anti-join's result at one row
    # and joined the year's 45,835 vouchers by nested loops (1.7 s at a million payouts, 30 s scoped)
    return f"""SELECT p.region_id, p.fiscal_year, a.fund_id, a.purpose, {d.month("p.xpay_date")} AS month,
        p.id AS key, p.pay_cert_no, p.xpay_date, p.xpay_amt AS voucher_fen,
        {d.days(d.date_param("as_of"), "p.xpay_date")} AS days
      FROM {APPROVED_PAYMENTS} p {IN_SCOPE.format(table="p")}
      JOIN ledger_appropriation a ON a.id = p.appropriation_id
      WHERE p.xpay_date < {d.date_param("voucher_cutoff")} AND a.purpose <> 'liulang'
        AND NOT EXISTS (SELECT 1 FROM {VOUCHERS} s WHERE s.payment_id = p.id)
        AND p.payee_acct_name NOT IN (SELECT u.name FROM regions_budgetunit u)"""


def payout_duplicate(d: Dialect) -> str:
    return f"""SELECT o.region_id, o.fiscal_year, NULL AS fund_id, o.purpose, o.pay_month AS month,
        o.iden_no AS key, o.pay_month AS key2, o.purpose AS key3, o.iden_no, COUNT(*) AS count,
        SUM(o.xpay_amt) AS total_fen
      FROM {REPEATS} o {IN_SCOPE.format(table="o")}
      GROUP BY o.region_id, o.fiscal_year, o.purpose, o.pay_month, o.iden_no HAVING COUNT(*) > 1"""


def payout_duplicate_cross(d: Dialect) -> str:
    return f"""SELECT o.region_id, o.fiscal_year, NULL AS fund_id, o.purpose, o.pay_month AS month,
        o.iden_no AS key, o.pay_month AS key2, o.purpose AS key3, o.iden_no, SUM(o.xpay_amt) AS total_fen
      FROM {REPEATS} o {IN_SCOPE.format(table="o")}
      JOIN (SELECT k.iden_no, k.pay_month, k.purpose FROM {REPEATS} k
            GROUP BY k.iden_no, k.pay_month, k.purpose HAVING MIN(k.region_id) <> MAX(k.region_id)) x
        ON x.iden_no = o.iden_no AND x.pay_month = o.pay_month AND x.purpose = o.purpose
      GROUP BY o.region_id, o.fiscal_year, o.purpose, o.pay_month, o.iden_no"""


def payout_above_due(d: Dialect) -> str:
    # the vouchers' table counts such rows: without any, the uncorrelated EXISTS is false once and the payouts
    # are not read (a hash join alone still read the million payouts looking for a first row)
    return f"""SELECT o.region_id, o.fiscal_year, NULL AS fund_id, o.purpose, o.pay_month AS month,
        o.id AS key, o.iden_no, o.pay_amt AS due_fen, o.xpay_amt AS paid_fen, o.xpay_amt - o.pay_amt AS over_fen
      FROM ledger_payout o {IN_SCOPE.format(table="o")}
      JOIN {VOUCHERS} v ON v.payment_id = o.payment_id AND v.over_rows > 0
      WHERE o.fiscal_year = %(year)s AND o.xpay_amt > o.pay_amt
        AND EXISTS (SELECT 1 FROM {VOUCHERS} w WHERE w.over_rows > 0)"""


def invalid_id(d: Dialect) -> str:
    # the 17 digits as a number are a column of the people table (``people``: computed once per person, where
    # the grouping runs in parallel), read here in ~20 places; a fence that computed it once per row here kept
    # the whole check in one process (PostgreSQL runs no LIMIT/OFFSET subquery below a Gather): 4.3 s of
    # 1.64 million people in a province-year, bench/README.md "Province scale"
    return f"""SELECT p.region_id, p.fiscal_year, NULL AS fund_id, NULL AS purpose, NULL AS month,
        p.iden_no AS key, p.iden_no, SUM(p.id_rows) AS count
      FROM {PEOPLE} p {IN_SCOPE.format(table="p")}
      WHERE p.id_rows > 0 AND {_id_valid(d, "p.num", "p.iden_no")} = 0
      GROUP BY p.region_id, p.fiscal_year, p.iden_no"""


def account_shared(d: Dialect) -> str:
    # COUNT(*) counts people: the people table has one row per region, person and account (no COUNT(DISTINCT),
    # which PostgreSQL computes by sorting; nor MIN and MAX of the 证件号码, whose texts each group kept: a
    # province's 1.64 million accounts then spilled to disk at work_mem 256 MB, 3.4 s)
    return f"""SELECT p.region_id, p.fiscal_year, NULL AS fund_id, NULL AS purpose, NULL AS month,
        p.acct_no AS key, p.acct_no, COUNT(*) AS people, SUM(p.family_fen) AS total_fen
      FROM {PEOPLE} p {IN_SCOPE.format(table="p")}
      WHERE p.acct_no IS NOT NULL AND p.acct_no <> '' AND p.family_rows > 0
      GROUP BY p.region_id, p.fiscal_year, p.acct_no HAVING COUNT(*) > 1"""


def person_multi_account(d: Dialect) -> str:
    # the accounts counted by grouping twice (person and account, then person), not COUNT(DISTINCT), which
    # PostgreSQL computes by sorting the rows by text (3× slower on the repeats of a million payouts)
    return f"""SELECT a.region_id, a.fiscal_year, NULL AS fund_id, NULL AS purpose, a.pay_month AS month,
        a.iden_no AS key, a.pay_month AS key2, a.iden_no, COUNT(*) AS accounts, SUM(a.t) AS total_fen
      FROM (SELECT o.region_id, o.fiscal_year, o.pay_month, o.iden_no, o.acct_no, SUM(o.xpay_amt) AS t
            FROM {REPEATS} o {IN_SCOPE.format(table="o")}
            WHERE o.acct_no IS NOT NULL AND o.acct_no <> ''
            GROUP BY o.region_id, o.fiscal_year, o.pay_month, o.iden_no, o.acct_no) a
      GROUP BY a.region_id, a.fiscal_year, a.pay_month, a.iden_no HAVING COUNT(*) > 1"""


def exp_code_mismatch(d: Dialect) -> str:
    return f"""SELECT p.region_id, p.fiscal_year, a.fund_id, a.purpose, {d.month("p.xpay_date")} AS month,
        p.id AS key, p.pay_cert_no, p.exp_func_code, COALESCE(c.name, '（科目表中没有）') AS code_name
      FROM {APPROVED_PAYMENTS} p {IN_SCOPE.format(table="p")}
      JOIN ledger_appropriation a ON a.id = p.appropriation_id
      LEFT JOIN funds_classificationcode c ON c.fiscal_year = p.fiscal_year AND c.code = p.exp_func_code
        AND c.kind = 'expenditure'
      WHERE c.id IS NULL OR c.purpose <> a.purpose"""


def idle_money(d: Dialect) -> str:
    last = "CASE WHEN pay.last_on IS NULL OR reg.last_on > pay.last_on THEN reg.last_on ELSE pay.last_on END"
    return f"""SELECT * FROM (
      SELECT a.region_id, a.fiscal_year, a.fund_id, a.purpose, NULL AS month, a.id AS key, a.bgt_id,
        reg.t - COALESCE(pay.t, 0) AS balance_fen, {last} AS last_on,
        {d.days(d.date_param("as_of"), last)} AS days
      FROM ledger_appropriation a {IN_SCOPE.format(table="a")}
      JOIN {APPROVED_LINES} reg ON reg.appropriation_id = a.id
      LEFT JOIN {PAID} pay ON pay.appropriation_id = a.id
      WHERE a.fiscal_year = %(year)s AND reg.t - COALESCE(pay.t, 0) > 0
    ) t WHERE t.last_on < {d.date_param("idle_cutoff")}"""


#: how far behind, times the available amount: integers compared exactly on every engine (SQLite divides
#: integers truncating, PostgreSQL numerics exactly, Spark in floating point); only the shown figures divide
BEHIND = "%(elapsed_bp)s * g.available - g.paid * 10000"


def execution_behind(d: Dialect) -> str:
    return f"""SELECT * FROM (
      SELECT g.region_id, g.fiscal_year, g.fund_id, g.purpose, NULL AS month,
        g.region_id AS key, g.fund_id AS key2, g.purpose AS key3, f.source_label AS fund_name,
        g.available AS available_fen, g.paid AS paid_fen, g.paid * 10000 / g.available AS rate_bp,
        %(elapsed_bp)s AS elapsed_bp, ({BEHIND}) / g.available AS behind_bp,
        CASE WHEN {BEHIND} > COALESCE(th.red_points, %(red_points)s) * 100 * g.available
             THEN 'red' ELSE 'yellow' END AS severity,
        COALESCE(th.yellow_points, %(yellow_points)s) * 100 AS yellow_bp
      FROM (SELECT a.region_id, a.fiscal_year, a.fund_id, a.purpose, SUM(reg.t) AS available,
              SUM(COALESCE(pay.t, 0)) AS paid
            FROM ledger_appropriation a {IN_SCOPE.format(table="a")}
            JOIN {APPROVED_LINES} reg ON reg.appropriation_id = a.id
            LEFT JOIN {PAID} pay ON pay.appropriation_id = a.id
            WHERE a.fiscal_year = %(year)s
            GROUP BY a.region_id, a.fiscal_year, a.fund_id, a.purpose) g
      JOIN funds_fund f ON f.id = g.fund_id
      LEFT JOIN monitoring_executionthreshold th ON th.fund_id = g.fund_id
      WHERE g.available > 0 AND {BEHIND} > COALESCE(th.yellow_points, %(yellow_points)s) * 100 * g.available
    ) t"""


BUILDERS: dict[str, Callable[[Dialect], str]] = {
    "late_registration": late_registration,
    "late_pass_down": late_pass_down,
    "payment_above_balance": payment_above_balance,
    "tag_break": tag_break,
    "voucher_mismatch": voucher_mismatch,
    "voucher_no_payouts": voucher_no_payouts,
    "payout_duplicate": payout_duplicate,
    "payout_duplicate_cross": payout_duplicate_cross,
    "payout_above_due": payout_above_due,
    "invalid_id": invalid_id,
    "account_shared": account_shared,
    "person_multi_account": person_multi_account,
    "exp_code_mismatch": exp_code_mismatch,
    "idle_money": idle_money,
    "execution_behind": execution_behind,
}


def register(
    builders: Mapping[str, Callable[[Dialect], str]], uses: Mapping[str, tuple[str, ...]] | None = None
) -> None:
    """Another app's rules (their texts are in ``domain.monitoring_rules``): the SQL that finds their rows, and
    the shared tables each reads."""
    BUILDERS.update(builders)
    USES.update(uses or {})


def sql_for(code: str, vendor: str) -> str:
    return BUILDERS[code](Dialect(vendor))


def documented_sql(code: str) -> str:
    """The query as the rules page shows it (the database in use), after the shared tables it reads."""
    from django.db import connection

    d = Dialect(connection.vendor)
    made = [f"CREATE TEMPORARY TABLE {name} AS\n{SHARED[name](d)};\n\n" for name in shared_for([code])]
    return ("".join(made) + sql_for(code, connection.vendor)).replace("%%", "%")
