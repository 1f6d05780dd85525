"""The SQL of each monitoring rule: one set-based query per rule over whole tables, never a loop over rows.

Every query returns rows with ``region_id``, ``fiscal_year``, ``fund_id``, ``purpose``, ``month`` (what the
findings list filters on), one or more ``key…`` columns (the offending rows: a finding's stable key is the rule,
the region and these), and the numbers its message names (``domain.monitoring_rules``). Parameters, computed in
Python so that the SQL needs almost no date arithmetic: ``year``, ``path`` (the scope's region path prefix with
``%``), ``as_of``, the cut-off dates and thresholds of ``engine.Params``.

The text is the same on SQLite and PostgreSQL except three fragments (``Dialect``): whole days between two
dates, the month of a date, and the 证件号码 format test (GLOB on SQLite, a regular expression on PostgreSQL).
``spark`` is PostgreSQL's text for sqlglot to transpile (``jiuzhu.rollup.sql``) but for whole days: PostgreSQL
subtracts two dates to an integer, Spark to an interval, and sqlglot cannot tell a date from a number there.
The GB 11643 check digit (ISO 7064 MOD 11-2) is plain portable SQL over each *distinct* number: 17 digits
times their weights, modulo 11, looked up in ``'10X98765432'``.

What counts: rules on money (``Rule.money``) see approved registrations and payments of approved batches only,
as the ledger does; rules on the payout rows see every stored row (a file waiting for its checker included —
a returned file's rows are deleted), so that the checker sees a file's problems before approving it.
"""

from collections.abc import Callable, Mapping
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

    def id_format(self, column: str) -> str:
        if self.postgres_text:
            return f"{column} ~ '^[0-9]{{17}}[0-9X]$'"
        return f"{column} GLOB '{'[0-9]' * 17}[0-9X]'"

    def date_param(self, name: str) -> str:
        return f"CAST(%({name})s AS DATE)" if self.postgres_text else f"%({name})s"


WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)

APPROVED_PAYMENTS = """(SELECT p.* FROM ledger_payment p JOIN ledger_importbatch b ON b.id = p.batch_id
    WHERE b.approved_at IS NOT NULL AND p.fiscal_year = %(year)s)"""
APPROVED_LINES = """(SELECT l.appropriation_id, SUM(l.amount) AS t, MAX(g.registered_on) AS last_on
    FROM ledger_registrationline l JOIN ledger_registration g ON g.id = l.registration_id
    WHERE g.status = 'approved' GROUP BY l.appropriation_id)"""
PAID = f"""(SELECT p.appropriation_id, SUM(p.xpay_amt) AS t, MAX(p.xpay_date) AS last_on
    FROM {APPROVED_PAYMENTS} p GROUP BY p.appropriation_id)"""
IN_SCOPE = "JOIN regions_region r ON r.id = {table}.region_id AND r.path LIKE %(path)s"


def _check_digit_ok(column: str) -> str:
    total = " + ".join(f"CAST(SUBSTR({column}, {i + 1}, 1) AS INTEGER) * {w}" for i, w in enumerate(WEIGHTS))
    return f"SUBSTR('10X98765432', (({total}) % 11) + 1, 1) = SUBSTR({column}, 18, 1)".replace("%", "%%")


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
      JOIN (SELECT o.payment_id, SUM(o.xpay_amt) AS t FROM ledger_payout o
            WHERE o.fiscal_year = %(year)s GROUP BY o.payment_id) s ON s.payment_id = p.id
      WHERE p.fiscal_year = %(year)s AND s.t <> p.xpay_amt"""


def voucher_no_payouts(d: Dialect) -> str:
    return f"""SELECT p.region_id, p.fiscal_year, a.fund_id, a.purpose, {d.month("p.xpay_date")} AS month,
        p.id AS key, p.pay_cert_no, p.xpay_date, p.xpay_amt AS voucher_fen,
        {d.days(d.date_param("as_of"), "p.xpay_date")} AS days
      FROM {APPROVED_PAYMENTS} p {IN_SCOPE.format(table="p")}
      JOIN ledger_appropriation a ON a.id = p.appropriation_id
      LEFT JOIN (SELECT DISTINCT o.payment_id FROM ledger_payout o WHERE o.fiscal_year = %(year)s) s
        ON s.payment_id = p.id
      LEFT JOIN regions_budgetunit u ON u.name = p.payee_acct_name
      WHERE p.xpay_date < {d.date_param("voucher_cutoff")} AND a.purpose <> 'liulang'
        AND u.id IS NULL AND s.payment_id IS NULL"""


def payout_duplicate(d: Dialect) -> str:
    return f"""SELECT o.region_id, o.fiscal_year, NULL AS fund_id, o.purpose, o.pay_month AS month,
        o.iden_no AS key, o.pay_month AS key2, o.purpose AS key3, o.iden_no, COUNT(*) AS count,
        SUM(o.xpay_amt) AS total_fen
      FROM ledger_payout o {IN_SCOPE.format(table="o")}
      WHERE o.fiscal_year = %(year)s
      GROUP BY o.region_id, o.fiscal_year, o.purpose, o.pay_month, o.iden_no HAVING COUNT(*) > 1"""


def payout_duplicate_cross(d: Dialect) -> str:
    return f"""SELECT o.region_id, o.fiscal_year, NULL AS fund_id, o.purpose, o.pay_month AS month,
        o.iden_no AS key, o.pay_month AS key2, o.purpose AS key3, o.iden_no, SUM(o.xpay_amt) AS total_fen
      FROM ledger_payout o {IN_SCOPE.format(table="o")}
      JOIN (SELECT k.iden_no, k.pay_month, k.purpose FROM ledger_payout k WHERE k.fiscal_year = %(year)s
            GROUP BY k.iden_no, k.pay_month, k.purpose HAVING MIN(k.region_id) <> MAX(k.region_id)) x
        ON x.iden_no = o.iden_no AND x.pay_month = o.pay_month AND x.purpose = o.purpose
      WHERE o.fiscal_year = %(year)s
      GROUP BY o.region_id, o.fiscal_year, o.purpose, o.pay_month, o.iden_no"""


def payout_above_due(d: Dialect) -> str:
    return f"""SELECT o.region_id, o.fiscal_year, NULL AS fund_id, o.purpose, o.pay_month AS month,
        o.id AS key, o.iden_no, o.pay_amt AS due_fen, o.xpay_amt AS paid_fen, o.xpay_amt - o.pay_amt AS over_fen
      FROM ledger_payout o {IN_SCOPE.format(table="o")}
      WHERE o.fiscal_year = %(year)s AND o.xpay_amt > o.pay_amt"""


def invalid_id(d: Dialect) -> str:
    n = "x.iden_no"
    valid = (
        f"CASE WHEN LENGTH({n}) = 18 AND {d.id_format(n)} AND SUBSTR({n}, 7, 2) IN ('18', '19', '20')"
        f" AND SUBSTR({n}, 11, 2) BETWEEN '01' AND '12' AND SUBSTR({n}, 13, 2) BETWEEN '01' AND '31'"
        f" THEN CASE WHEN {_check_digit_ok(n)} THEN 1 ELSE 0 END ELSE 0 END"
    )
    return f"""SELECT x.region_id, x.fiscal_year, NULL AS fund_id, NULL AS purpose, NULL AS month,
        x.iden_no AS key, x.iden_no, x.count
      FROM (SELECT o.region_id, o.fiscal_year, o.iden_no, COUNT(*) AS count
            FROM ledger_payout o {IN_SCOPE.format(table="o")}
            WHERE o.fiscal_year = %(year)s AND o.iden_type = '01'
            GROUP BY o.region_id, o.fiscal_year, o.iden_no) x
      WHERE {valid} = 0"""


def account_shared(d: Dialect) -> str:
    return f"""SELECT o.region_id, o.fiscal_year, NULL AS fund_id, NULL AS purpose, NULL AS month,
        o.acct_no AS key, o.acct_no, COUNT(DISTINCT o.iden_no) AS people, SUM(o.xpay_amt) AS total_fen
      FROM ledger_payout o {IN_SCOPE.format(table="o")}
      WHERE o.fiscal_year = %(year)s AND o.acct_no IS NOT NULL AND o.acct_no <> '' AND o.to_peop_family = '01'
      GROUP BY o.region_id, o.fiscal_year, o.acct_no HAVING MIN(o.iden_no) <> MAX(o.iden_no)"""


def person_multi_account(d: Dialect) -> str:
    return f"""SELECT o.region_id, o.fiscal_year, NULL AS fund_id, NULL AS purpose, o.pay_month AS month,
        o.iden_no AS key, o.pay_month AS key2, o.iden_no, COUNT(DISTINCT o.acct_no) AS accounts,
        SUM(o.xpay_amt) AS total_fen
      FROM ledger_payout o {IN_SCOPE.format(table="o")}
      WHERE o.fiscal_year = %(year)s AND o.acct_no IS NOT NULL AND o.acct_no <> ''
      GROUP BY o.region_id, o.fiscal_year, o.pay_month, o.iden_no HAVING MIN(o.acct_no) <> MAX(o.acct_no)"""


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


def register(builders: Mapping[str, Callable[[Dialect], str]]) -> None:
    """Another app's rules (their texts are in ``domain.monitoring_rules``): the SQL that finds their rows."""
    BUILDERS.update(builders)


def sql_for(code: str, vendor: str) -> str:
    return BUILDERS[code](Dialect(vendor))


def documented_sql(code: str) -> str:
    """The query as the rules page shows it (the database in use)."""
    from django.db import connection

    return sql_for(code, connection.vendor).replace("%%", "%")
