import pytest


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The demo creates 14 users; Argon2 per user would make each test take seconds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
