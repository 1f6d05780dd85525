"""Interchange (issue 19): the versioned JSON API under ``/api/v1/`` for the 预算管理一体化 and 直达资金监控 systems.

- ``models``: system accounts (``ApiAccount``, a ``User`` that cannot log in), their tokens (stored as sha256,
  shown once, with an expiry, revocable), the idempotency keys of writes and the rate windows.
- ``tokens``: issuing, revoking and checking a token (services; audited).
- ``auth``: the bearer authentication of every route: a live token, within its rate limit.
- ``calls``: the audit record of every call (who, what, how many rows).
- ``problems``: errors as RFC 9457 problem details, Chinese titles, each problem with its JSON pointer.
- ``cursor``: keyset pagination (never offset) and the batch-ordered change feed of payments and payouts.
- ``reads``, ``writes``, ``sync``: the routes; ``schemas``: their shapes, in the data-element names of
  ``reference/data-elements.md`` (amounts as strings of 元 with two places).

Writes go through the ledger's own import services (``jiuzhu.ledger.services.do_import_file``): the JSON rows
become a CSV with the element names as its header, so validation, all-or-nothing and maker-checker are those
of a file upload; the problems' rows and columns are turned back into JSON pointers.
"""
