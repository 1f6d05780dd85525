"""Performance management in plain Python: typed target values (``values``) and self-evaluation scores
(``scoring``). No Django here; the ``jiuzhu.performance`` app stores tables and computes actuals."""
