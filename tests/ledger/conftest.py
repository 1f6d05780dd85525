from ledger_helpers import foundation, people, voucher, yumin  # noqa: F401  (pytest fixtures)
