from django.db import migrations

from jiuzhu.ledger import partitions

# PostgreSQL: the payout table becomes partitioned by budget year, each year by prefecture (issue 20; why and how
# in jiuzhu/ledger/partitions.py). The stored rows move into the partitions made for their years and regions; the
# indexes and the extended statistics are made again on the partitioned table, which gives them to every
# partition. Partitioned tables have no identity column before PostgreSQL 17: the ids come from a sequence owned
# by the id column, as a serial's do, continuing after the last id. Django's state does not change. SQLite keeps
# its one table.

OLD = "ledger_payout_unpartitioned"
STATISTICS = "CREATE STATISTICS payout_parts_ndistinct (ndistinct) ON batch_id, payment_id, region_id FROM {table}"


def _indexes(cursor, table):
    cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s ORDER BY indexname", [table])
    return cursor.fetchall()


def _own_sequence(cursor, table, last_from):
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [last_from])
    if cursor.fetchone()[0] == f"public.{table}_id_seq":  # migrated back and forth: the sequence is a serial's
        cursor.execute(f"ALTER SEQUENCE {table}_id_seq OWNED BY {table}.id")
    else:  # the identity's own sequence goes with the old table
        cursor.execute(f"CREATE SEQUENCE {table}_id_seq AS bigint OWNED BY {table}.id")
    cursor.execute(f"SELECT setval('{table}_id_seq', COALESCE((SELECT max(id) FROM {last_from}), 0) + 1, false)")
    cursor.execute(f"ALTER TABLE {table} ALTER COLUMN id SET DEFAULT nextval('{table}_id_seq')")


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        indexes = _indexes(cursor, "ledger_payout")
        cursor.execute("DROP STATISTICS IF EXISTS payout_parts_ndistinct")
        cursor.execute(f"ALTER TABLE ledger_payout RENAME TO {OLD}")
        cursor.execute(
            f"CREATE TABLE ledger_payout (LIKE {OLD} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
            " PARTITION BY LIST (fiscal_year)"
        )
        _own_sequence(cursor, "ledger_payout", OLD)
        cursor.execute(f"CREATE TABLE {partitions.other_table()} PARTITION OF ledger_payout DEFAULT")
        cursor.execute(f"SELECT DISTINCT fiscal_year, region_id FROM {OLD} ORDER BY 1, 2")
        for year, region_id in cursor.fetchall():
            partitions.make(cursor, year, region_id)
        cursor.execute(f"INSERT INTO ledger_payout SELECT * FROM {OLD}")
        cursor.execute(f"DROP TABLE {OLD}")
        for _, definition in indexes:  # "ON public.ledger_payout" now names the partitioned table
            cursor.execute(definition)
        cursor.execute(STATISTICS.format(table="ledger_payout"))
        cursor.execute("ANALYZE ledger_payout")


def unpartition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        indexes = _indexes(cursor, "ledger_payout")
        cursor.execute("DROP STATISTICS IF EXISTS payout_parts_ndistinct")
        cursor.execute(f"CREATE TABLE {OLD} (LIKE ledger_payout INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
        cursor.execute(f"INSERT INTO {OLD} SELECT * FROM ledger_payout")
        cursor.execute(f"ALTER SEQUENCE ledger_payout_id_seq OWNED BY {OLD}.id")
        cursor.execute("DROP TABLE ledger_payout")
        cursor.execute(f"ALTER TABLE {OLD} RENAME TO ledger_payout")
        for _, definition in indexes:
            cursor.execute(definition.replace(" ON ONLY ", " ON "))
        cursor.execute(STATISTICS.format(table="ledger_payout"))


class Migration(migrations.Migration):
    dependencies = [("ledger", "0013_payout_parts"), ("regions", "0002_regionnamespan")]

    operations = [migrations.RunPython(partition, unpartition)]
