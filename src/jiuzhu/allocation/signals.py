from django.dispatch import Signal

#: Sent inside the approval's transaction with ``plan`` and ``actor``; the ledger books appropriations on it.
plan_approved = Signal()
