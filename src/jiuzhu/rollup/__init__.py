"""The national roll-up: a province-period exported as Parquet (``export``, ``period``), and the monitoring rules'
own SQL run over it on Apache Spark (``spark``, transpiled by sqlglot in ``sql``) or on the Django database
through the same period (``database``), with findings compared as engine-neutral records (``findings``)."""
