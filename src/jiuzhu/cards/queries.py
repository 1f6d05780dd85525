"""The SQL of the 一卡通 supervision rules (texts in ``domain.card_rules``), registered with monitoring's engine.

Same contract as ``monitoring.queries``: one set-based query per rule over whole tables, the same text on SQLite
and PostgreSQL. A payout's month is the integer ``fiscal_year * 100 + pay_month`` (``全年`` payouts have none
and are not compared); a list row bars the months ``start_ym`` to ``end_ym`` (``domain.reference_lists``).
A list applies to the payouts of its region and every region below it; only the newest version of each
(region, kind) is in force.
"""

from jiuzhu.monitoring.queries import IN_SCOPE, REPEATS, Dialect

PAYOUT_YM = (
    "CASE WHEN o.pay_month BETWEEN '01' AND '12' THEN o.fiscal_year * 100 + CAST(o.pay_month AS INTEGER) END"
)
BARRED_PURPOSES = "o.purpose IN ('dibao', 'tekun')"


def _ym_text(column: str) -> str:
    text = f"CAST({column} AS VARCHAR(6))"
    return f"SUBSTR({text}, 1, 4) || '年' || SUBSTR({text}, 5, 2) || '月'"


def _against_list(kind: str, *, per_purpose: bool, extra: str = "", columns: tuple[str, ...] = ()) -> str:
    """Payouts in the months a list row bars, one row per list row, payout region (and purpose)."""
    purpose = "o.purpose" if per_purpose else "NULL"
    grouped = ["e.per_name", "e.iden_no", "lr.name", "l.version", "e.row_no", "e.start_date"]
    grouped += [c.rsplit(" AS ", 1)[0] for c in columns] + (["o.purpose"] if per_purpose else [])
    shown = "".join(f"{c}, " for c in columns)
    return f"""SELECT o.region_id, o.fiscal_year, NULL AS fund_id, {purpose} AS purpose, NULL AS month,
        e.id AS key, o.region_id AS key2, {purpose} AS key3,
        e.per_name, e.iden_no, lr.name AS list_region, l.version AS list_version, e.row_no AS list_row,
        e.start_date AS event_date, {shown}COUNT(*) AS count, MIN(o.pay_month) AS first_month,
        MAX(o.pay_month) AS last_month, MIN(o.pay_cert_no) AS pay_cert_no, SUM(o.xpay_amt) AS total_fen
      FROM ledger_payout o {IN_SCOPE.format(table="o")}
      JOIN cards_referenceentry e ON e.iden_no = o.iden_no
      JOIN cards_referencelist l ON l.id = e.list_id AND l.kind = '{kind}' AND l.superseded_at IS NULL
      JOIN regions_region lr ON lr.id = l.region_id AND r.path LIKE lr.path || '%%'
      WHERE o.fiscal_year = %(year)s AND {PAYOUT_YM} >= e.start_ym
        AND (e.end_ym IS NULL OR {PAYOUT_YM} <= e.end_ym) {extra}
      GROUP BY o.region_id, o.fiscal_year, e.id, {", ".join(grouped)}"""


def payout_after_death(d: Dialect) -> str:
    return _against_list("death", per_purpose=False)


def payout_to_employee(d: Dialect) -> str:
    return _against_list(
        "employee", per_purpose=True, extra=f"AND {BARRED_PURPOSES}", columns=("e.detail AS employer",)
    )


def payout_in_prison(d: Dialect) -> str:
    return _against_list("prison", per_purpose=True, extra=f"AND {BARRED_PURPOSES}")


def payout_after_stop(d: Dialect) -> str:
    return _against_list(
        "stop",
        per_purpose=True,
        extra="AND (e.purpose = '' OR e.purpose = o.purpose)",
        columns=("e.detail AS reason", "e.doc_no AS doc_no", f"{_ym_text('e.start_ym')} AS stop_month"),
    )


def payout_two_counties(d: Dialect) -> str:
    # the counties counted by grouping twice (person, month and county, then person and month), not by
    # COUNT(DISTINCT), which PostgreSQL computes by sorting: over a province's 792,012 repeat rows 2.3 s
    # instead of 3.4 s
    return f"""SELECT o.region_id, o.fiscal_year, NULL AS fund_id, NULL AS purpose, o.pay_month AS month,
        o.iden_no AS key, o.pay_month AS key2, o.iden_no, x.counties, SUM(o.xpay_amt) AS total_fen
      FROM {REPEATS} o {IN_SCOPE.format(table="o")}
      JOIN (SELECT c.iden_no, c.pay_month, COUNT(*) AS counties
            FROM (SELECT k.iden_no, k.pay_month, k.region_id, MIN(k.purpose) AS low, MAX(k.purpose) AS high
                  FROM {REPEATS} k GROUP BY k.iden_no, k.pay_month, k.region_id) c
            GROUP BY c.iden_no, c.pay_month
            HAVING COUNT(*) > 1 AND MIN(c.low) <> MAX(c.high)) x
        ON x.iden_no = o.iden_no AND x.pay_month = o.pay_month
      GROUP BY o.region_id, o.fiscal_year, o.pay_month, o.iden_no, x.counties"""


OUTCOME = """CASE i.outcome WHEN 'not_received' THEN '未收到' WHEN 'amount_mismatch' THEN '金额不符'
        ELSE '查无此人' END"""


def verification_failed(d: Dialect) -> str:
    return f"""SELECT i.region_id, i.fiscal_year, NULL AS fund_id, i.purpose, i.pay_month AS month,
        i.id AS key, i.per_name, i.iden_no, i.xpay_amt AS paid_fen, i.verified_on,
        CASE i.method WHEN 'visit' THEN '入户' ELSE '电话' END AS method, {OUTCOME} AS outcome,
        i.verifier, i.note, i.sample_id
      FROM cards_sampleitem i {IN_SCOPE.format(table="i")}
      WHERE i.fiscal_year = %(year)s AND i.outcome IN ('not_received', 'amount_mismatch', 'no_such_person')"""


CHANNEL = """CASE c.channel WHEN 'phone' THEN '电话' WHEN 'hotline' THEN '12345热线' WHEN 'letter' THEN '来信'
        WHEN 'visit' THEN '来访' ELSE '网络' END"""


def complaint_overdue(d: Dialect) -> str:
    return f"""SELECT c.region_id, c.fiscal_year, NULL AS fund_id, NULL AS purpose,
        {d.month("c.received_on")} AS month, c.id AS key, c.id AS complaint_id, c.received_on, c.due_on,
        {CHANNEL} AS channel, SUBSTR(c.content, 1, 40) AS summary,
        {d.days(d.date_param("as_of"), "c.due_on")} AS days
      FROM cards_complaint c {IN_SCOPE.format(table="c")}
      WHERE c.fiscal_year = %(year)s AND c.state = 'open' AND c.due_on < {d.date_param("as_of")}"""


USES = {"payout_two_counties": (REPEATS,)}
"""A person paid in two counties in one month has two rows in that month: among ``monitoring_repeats``."""

BUILDERS = {
    "payout_after_death": payout_after_death,
    "payout_to_employee": payout_to_employee,
    "payout_in_prison": payout_in_prison,
    "payout_after_stop": payout_after_stop,
    "payout_two_counties": payout_two_counties,
    "verification_failed": verification_failed,
    "complaint_overdue": complaint_overdue,
}
