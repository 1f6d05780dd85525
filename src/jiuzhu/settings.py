"""Django settings, all from the environment.

JIUZHU_DATABASE_URL  database (default: SQLite file var/jiuzhu.sqlite3 under the working directory)
JIUZHU_SECRET_KEY    secret key (a development key is used only when JIUZHU_DEBUG is set)
JIUZHU_DEBUG         "1" under `make run` only
JIUZHU_ALLOWED_HOSTS comma-separated
JIUZHU_TLS_PROXY     "1" behind a TLS-terminating proxy: proxy header, HTTPS redirect, HSTS (see README)
"""

import datetime
import os
from pathlib import Path

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("JIUZHU_VAR_DIR", Path.cwd() / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = os.environ.get("JIUZHU_DEBUG", "") == "1"


def _secret_key() -> str:
    """The environment's key, else one generated once and kept under var/ (never a key in the code)."""
    if key := os.environ.get("JIUZHU_SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        import secrets

        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [h for h in os.environ.get("JIUZHU_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "jiuzhu.core",
    "jiuzhu.accounts",
    "jiuzhu.audit",
    "jiuzhu.approvals",
    "jiuzhu.regions",
    "jiuzhu.funds",
    "jiuzhu.allocation",
    "jiuzhu.ledger",
    "jiuzhu.documents",
    "jiuzhu.desk",
    "jiuzhu.demo",
    "jiuzhu.monitoring",
    "jiuzhu.trace",
    "jiuzhu.reports",
    "jiuzhu.cards",
    "jiuzhu.yearend",
    "jiuzhu.performance",
    "ninja",
    "jiuzhu.api",
    "jiuzhu.exchange",
]

MIDDLEWARE = [
    # First: behind the TLS proxy, the client's address from X-Forwarded-For (for axes, the throttle, the trail).
    "jiuzhu.core.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files under gunicorn (and any WSGI server) as under `make run`.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The API refuses a NUL character before any view reads it (PostgreSQL text cannot hold one).
    "jiuzhu.api.middleware.RefuseNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "jiuzhu.core.middleware.LoginRequiredMiddleware",
    "jiuzhu.accounts.middleware.PasswordChangeRequiredMiddleware",
    "jiuzhu.core.middleware.SecurityHeadersMiddleware",
    "jiuzhu.audit.middleware.RefusalAuditMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jiuzhu.urls"
WSGI_APPLICATION = "jiuzhu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jiuzhu.desk.menu.menu",
                "jiuzhu.accounts.context.permissions",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("JIUZHU_DATABASE_URL", f"sqlite:///{VAR_DIR / 'jiuzhu.sqlite3'}"),
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out username before the password is even checked; then the ordinary check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Ten wrong passwords for one username from one address lock that pair, for half an hour or until an
# administrator unlocks it; a successful login clears the count. Locking by username alone would let anyone lock
# every checker out; locking by address alone would lock a whole county bureau behind one NAT address. An address
# that fails for many different usernames is throttled on its own (JIUZHU_LOGIN_MAX_USERNAMES_PER_ADDRESS, see
# accounts.throttle).
AXES_FAILURE_LIMIT = 10
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
LOGIN_MAX_USERNAMES_PER_ADDRESS = int(os.environ.get("JIUZHU_LOGIN_MAX_USERNAMES_PER_ADDRESS", "20"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "jiuzhu.accounts.views.locked_out"
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "jiuzhu.accounts.validators.ChineseMinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "jiuzhu.accounts.passwords.JiuzhuPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# `make serve` collects into STATIC_ROOT; whitenoise serves from there (compressed), and from the app folders
# when nothing was collected (tests, `make run`).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_MAX_AGE = 3600
MEDIA_ROOT = VAR_DIR / "media"
#: The installation's top level (a region code): only its administrators edit the shared reference data, and its
#: audit bureau sees the records of no region. Unset: the highest region any active user belongs to.
TOP_REGION = os.environ.get("JIUZHU_TOP_REGION", "")
#: Days a rejected or returned upload is kept before `jiuzhu purge-uploads` deletes it.
UPLOAD_RETENTION_DAYS = int(os.environ.get("JIUZHU_UPLOAD_RETENTION_DAYS", "90"))
#: API calls per token and minute (unset: ``jiuzhu.api.auth.DEFAULT_RATE``).
if _rate := os.environ.get("JIUZHU_API_RATE_PER_MINUTE"):
    JIUZHU_API_RATE_PER_MINUTE = int(_rate)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Inactivity expiry: every request pushes the expiry 30 minutes ahead; idle for 30 minutes means logged out.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_FAILURE_VIEW = "jiuzhu.core.views.csrf_failure"
CSRF_COOKIE_SAMESITE = "Lax"
# Plain-HTTP cookies only for the local demo server (make run) or when explicitly asked.
SESSION_COOKIE_SECURE = not DEBUG and os.environ.get("JIUZHU_HTTP", "") != "1"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Behind a TLS-terminating proxy (nginx …) that sets X-Forwarded-Proto and X-Forwarded-For.
TLS_PROXY = os.environ.get("JIUZHU_TLS_PROXY", "") == "1"
if TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = TLS_PROXY and os.environ.get("JIUZHU_SSL_REDIRECT", "1") == "1"
SECURE_HSTS_SECONDS = int(os.environ.get("JIUZHU_HSTS_SECONDS", "31536000" if TLS_PROXY else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("JIUZHU_HSTS_INCLUDE_SUBDOMAINS", "1") == "1"
SECURE_HSTS_PRELOAD = os.environ.get("JIUZHU_HSTS_PRELOAD", "") == "1"
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("JIUZHU_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
if not SECURE_HSTS_PRELOAD:
    # security.W021 asks for HSTS preloading: a promise about the whole domain that the bureau's network
    # administrators make (JIUZHU_HSTS_PRELOAD=1), not the application.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# The monthly usage report (跟踪反馈表): a line more than this many percentage points behind the time elapsed
# rate is lagging (its reason and measures are required); the report is due this many days after the month's
# last day (0: on the last day itself, as the notice asks).
JIUZHU_LAG_THRESHOLD_POINTS = 10
JIUZHU_USAGE_REPORT_DUE_DAYS = 0
