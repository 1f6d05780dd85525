import importlib


def test_production_settings_hash_with_argon2_and_harden_cookies(monkeypatch):
    monkeypatch.delenv("JIUZHU_DEBUG", raising=False)
    monkeypatch.delenv("JIUZHU_HTTP", raising=False)
    import jiuzhu.settings as real

    fresh = importlib.reload(real)
    try:
        assert fresh.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
        assert fresh.SESSION_COOKIE_SECURE and fresh.CSRF_COOKIE_SECURE and not fresh.DEBUG
        assert fresh.SESSION_COOKIE_HTTPONLY and fresh.X_FRAME_OPTIONS == "DENY"
        assert fresh.SECRET_KEY and "insecure" not in fresh.SECRET_KEY
    finally:
        importlib.reload(real)
