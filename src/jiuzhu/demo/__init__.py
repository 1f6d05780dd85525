"""The demo scenario, an app of its own so that `jiuzhu demo` is its command; ``scenario.load_demo`` runs it.

``seed`` (塔地财社〔2022〕82号 and the foundation), ``ledger_year`` (a synthetic 2022 of the ledger) and ``faults``
(what monitoring must find) call each context's services; this package's __init__ imports nothing, since Django
imports it before the apps are ready.
"""
