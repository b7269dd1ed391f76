"""Seller Desk settings: one module, driven by environment variables.

The defaults run the demo: SQLite under var/, a local task worker, emails written to var/mail/.
Production sets DEBUG=false, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and the EMAIL_* variables.
"""

import contextlib
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SELLERDESK_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DEBUG = env_bool("DEBUG", False)


def installation_secret_key(var_dir: Path) -> str:
    """This installation's own random key, made once under var/ (readable by its owner only).
    Several hosts serving one site must share a key: set SECRET_KEY for them instead."""
    path = var_dir / "secret_key"
    if not path.exists():
        draft = var_dir / f".secret_key.{os.getpid()}"
        draft.write_text(secrets.token_urlsafe(50))
        draft.chmod(0o600)
        # A link never replaces: of processes starting together, the first one's key wins.
        with contextlib.suppress(FileExistsError):
            os.link(draft, path)
        draft.unlink()
    return path.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY") or installation_secret_key(VAR_DIR)
if not DEBUG and (len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure-")):
    # A key anyone can know signs sessions and document URLs for anyone.
    raise ImproperlyConfigured(
        "SECRET_KEY is too short or marked insecure; set a long random value, or unset it to "
        "use this installation's own key (var/secret_key)."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# Cookies and headers: secure unless the demo runs on plain http (SECURE_COOKIES=false).
SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SECURE_COOKIES)
SECURE_HSTS_SECONDS = int(
    os.environ.get("SECURE_HSTS_SECONDS", "31536000" if SECURE_COOKIES else "0")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Only for its templates and static files: /api/docs then serves Swagger UI from here
    # rather than from a CDN, and works without internet.
    "ninja",
    # Before django_tasks_db: its db_worker command is sellerdesk.core's supervised one.
    "sellerdesk.core",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "sellerdesk.accounts",
    "sellerdesk.catalog",
    "sellerdesk.orders",
    "sellerdesk.cancellations",
    "sellerdesk.refunds",
    "sellerdesk.notifications",
    "sellerdesk.feeds",
    "sellerdesk.reports",
    "sellerdesk.webhooks",
    "sellerdesk.metrics",
    "sellerdesk.api",
    "sellerdesk.web",
    "sellerdesk.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads a cookie, a parameter or a body into a query.
    "sellerdesk.api.middleware.RefuseUnstorableText",
    "sellerdesk.api.middleware.ApiErrors",
    "sellerdesk.accounts.acting.ActingApplicationMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sellerdesk.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "sellerdesk.accounts.middleware.SignedInSessionMiddleware",
    "sellerdesk.accounts.middleware.TwoStepSetupMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "sellerdesk.web.context.permissions",
            ],
        },
    },
]

# Database: SQLite in WAL mode by default; PostgreSQL through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'sellerdesk.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # Writers take the lock at BEGIN and wait for each other instead of failing.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            " PRAGMA cache_size=-64000; PRAGMA mmap_size=268435456;"
        ),
    }
    # A file, not :memory:, so that threads and worker processes in tests share one database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sessions are rows in the database, so that every web host sees them and a user can sign any
# of them out (accounts/sessions.py); two weeks, or until signed out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 14 * 24 * 3600
# Two-step sign-in (django-otp): the name authenticator apps show beside the account.
OTP_TOTP_ISSUER = "Seller Desk"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "orders:manage"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: five failures per username and address lock out for 30 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
# Numbers on pages in the reader's form (1 430 in Swedish, 1,430 in English); numbers that are
# data (attributes, query strings) are written with |unlocalize.
USE_THOUSAND_SEPARATOR = True

# Uploaded files and feed documents; served only through views that check the seller.
MEDIA_ROOT = VAR_DIR / "media"
# Largest order-related file or feed document accepted (bytes).
FEED_MAX_BYTES = int(os.environ.get("FEED_MAX_BYTES", str(100 * 1024 * 1024)))
# Tasks queued for each feed: that many workers apply its batches at once. On SQLite, whose
# writers take turns, one.
FEED_WORKERS = int(
    os.environ.get(
        "FEED_WORKERS",
        "1" if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" else "2",
    )
)

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Background work: Django's Tasks API on the database queue (db_worker processes).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "email", "feeds", "reports", "webhooks"],
    }
}

# Email: SMTP when EMAIL_HOST is set, otherwise files under var/mail/ (the demo's catcher).
_SMTP_HOST = os.environ.get("EMAIL_HOST", "")
if _SMTP_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _SMTP_HOST,
                "port": int(os.environ.get("EMAIL_PORT", "25")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", False),
                "use_ssl": env_bool("EMAIL_USE_SSL", False),
                "timeout": int(os.environ.get("EMAIL_TIMEOUT", "10")),
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
        }
    }
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Seller Desk <no-reply@sellerdesk.localhost>"
)
# The domain part of every outgoing Message-ID.
EMAIL_MESSAGE_ID_DOMAIN = os.environ.get("EMAIL_MESSAGE_ID_DOMAIN", "sellerdesk.localhost")
# Retries of an email the mail server refused with a 4xx: delay = base * 2**(attempt-1), at most
# 6 h; after the last one it waits for an operator (manage.py outbox_requeue --include-failed).
# A server that is down is probed instead, and uses up no attempts (docs/email.md).
EMAIL_RETRY_BASE_SECONDS = int(os.environ.get("EMAIL_RETRY_BASE_SECONDS", "30"))
EMAIL_MAX_ATTEMPTS = int(os.environ.get("EMAIL_MAX_ATTEMPTS", "12"))

# Webhooks (docs/notifications.md). A destination's URL must be https and name a public address;
# WEBHOOKS_ALLOW_PRIVATE_ADDRESSES lets it be http and name loopback, private or link-local ones
# (a receiver on the same machine or LAN). A failed delivery is tried again after base *
# 2**(attempt-1) seconds, at most an hour; a destination whose deliveries have failed for
# WEBHOOKS_DISABLE_AFTER_HOURS is disabled and the seller's users are emailed.
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", False)
WEBHOOKS_RETRY_BASE_SECONDS = int(os.environ.get("WEBHOOKS_RETRY_BASE_SECONDS", "30"))
WEBHOOKS_DISABLE_AFTER_HOURS = int(os.environ.get("WEBHOOKS_DISABLE_AFTER_HOURS", "24"))

# The marketplace's own calls (checkout) authenticate with this operator token.
MARKETPLACE_API_TOKEN = os.environ.get("MARKETPLACE_API_TOKEN", "demo-marketplace-token")


def env_mapping(name: str) -> dict[str, str]:
    """NAME=key=value,key=value as a dict."""
    mapping = {}
    for item in env_list(name, ""):
        key, equals, value = item.partition("=")
        if not equals or not key.strip():
            raise ImproperlyConfigured(f"{name}: {item!r} is not key=value.")
        mapping[key.strip()] = value.strip()
    return mapping


# Usage plans of the Selling Partner API (docs/api.md, "Rate limits"): operationId -> "rate/burst"
# over SP-API's defaults, e.g. RATE_LIMITS="getOrder=1/60,getFeed=4/30". A settings module that
# imports this one may set the dict itself.
RATE_LIMITS = env_mapping("RATE_LIMITS")
# Where the buckets are kept: the database by default; Redis when set, e.g. redis://host:6379/0
# (docs/operations.md, "Rate limits").
RATE_LIMIT_REDIS_URL = os.environ.get("RATE_LIMIT_REDIS_URL", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
