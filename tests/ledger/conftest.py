import pytest
from ledger_helpers import foundation, people, voucher, yumin  # noqa: F401  (pytest fixtures)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 for the 14 seed users costs ~2.4 s per test; the ledger tests never check a password."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
