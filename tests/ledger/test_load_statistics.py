"""Statistics after a bulk load, inside the loading transaction (``ledger.statistics``)."""

from django.db import connection

from jiuzhu.ledger.statistics import refresh_after_load


def _reltuples(cursor):
    cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'ledger_payment'::regclass")
    return cursor.fetchone()[0]


def test_a_large_load_is_analyzed_at_once_and_a_small_one_is_left_to_autovacuum(db):
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            # SQLite plans these joins without statistics: nothing to refresh, whatever the load
            assert refresh_after_load(cursor, "ledger_payment", 1_000_000) is False
            return
        cursor.execute("ANALYZE ledger_payment")
        known = _reltuples(cursor)
        assert refresh_after_load(cursor, "ledger_payment", 0) is False
        cursor.execute(
            "INSERT INTO ledger_payment (region_id, appropriation_id, batch_id, fiscal_year, pay_cert_no,"
            " exp_func_code, pay_amt, xpay_amt, xpay_date, payee_acct_name, pro_code, use_des,"
            " direct_fund_tag, row_no) SELECT 1, 1, 1, 2022, 'S' || g, '2081901', 1, 1, '2022-01-01', '', '',"
            " '', '01', g FROM generate_series(1, 500) g"
        )
        assert refresh_after_load(cursor, "ledger_payment", 500) is True
        assert _reltuples(cursor) >= known + 500
        # 50 more rows are 10 % of what the planner now knows: autovacuum's business after the commit
        assert refresh_after_load(cursor, "ledger_payment", 50) is False
        cursor.execute("DELETE FROM ledger_payment")  # rows without their appropriation, for the planner only
