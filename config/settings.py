"""Settings for the QA application: one module, read from the environment.

See docs/operations.md for every variable. Development defaults need nothing set:
SQLite in the project folder, console e-mail, Celery tasks run eagerly.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import envbool, envchoice, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DEBUG", default=False)

SECRET_KEY = envstr("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (or set DEBUG=true for development)")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_filters",
    "simple_history",
    "axes",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "accounts",
    "reviews",
    "metrics",
    "surveys",
    "reports",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.security.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.security.NoStoreForSignedInUsersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # AxesMiddleware should be last: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "accounts.context_processors.navigation",
                "config.security.csp_nonce",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASE_URL = envstr("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
# A web worker keeps its PostgreSQL connection for DB_CONN_MAX_AGE seconds (checked before reuse)
# instead of opening one per request: a new connection forks a server process and costs a few
# milliseconds of CPU on both sides, a large share of a page that answers in 30 ms (issue 14).
_PERSISTENT_DEFAULT = 60 if DATABASE_URL.startswith(("postgres://", "postgresql://", "pgsql://")) else 0
try:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=envint("DB_CONN_MAX_AGE", _PERSISTENT_DEFAULT, minimum=0),
            conn_health_checks=True,
        )
    }
except ValueError as exc:  # dj-database-url raises ValueError for unknown schemes
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL Django knows: {exc}") from exc
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait instead of failing when the dev server and a Celery task write at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # Write-ahead log: pages keep reading while a background import writes its tables (in the
    # default journal mode a long write locks readers out: "database is locked").
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA journal_mode=WAL;"

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

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): lock a username+address after repeated failures.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", 15, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = envbool("AXES_ENABLED", True)

# Password reset requests (accounts/passwords.py): per address and per client, in a window.
PASSWORD_RESET_LIMIT = envint("PASSWORD_RESET_LIMIT", 5, minimum=1)
PASSWORD_RESET_CLIENT_LIMIT = envint("PASSWORD_RESET_CLIENT_LIMIT", 20, minimum=1)
PASSWORD_RESET_WINDOW_MINUTES = envint("PASSWORD_RESET_WINDOW_MINUTES", 60, minimum=1)
# Reverse proxies in front of the app that append to X-Forwarded-For (accounts/http.py); 0: none.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0, minimum=0)

# Cache: counters of the rate limits. In-process memory by default; with several web processes
# or machines set CACHE_URL=redis://host:6379/1 so that they share one count.
CACHE_URL = envstr("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
elif CACHE_URL:
    raise ImproperlyConfigured(f"CACHE_URL must be a redis:// or rediss:// URL, not {CACHE_URL!r}")
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The login lock (django-axes) and the survey guess limit read the client address the same way.
AXES_CLIENT_IP_CALLABLE = "accounts.http.client_address"

LANGUAGE_CODE = "en-us"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = envstr("TIME_ZONE", "America/Chicago")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(envstr("STATIC_ROOT") or BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if envbool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# In development, serve static files straight from the source folders.
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = Path(envstr("MEDIA_ROOT") or BASE_DIR / "var" / "media")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: console by default; SMTP when EMAIL_HOST is set.
EMAIL_HOST = envstr("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = envint("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "qa-noreply@localhost")

# Celery: with no broker, tasks run in-process (eagerly) and propagate exceptions.
# Surveys (docs/surveys.md): small-cell threshold, token-guess limit, base of the links in e-mails.
SURVEYS_MIN_CELL = envint("SURVEYS_MIN_CELL", 5, minimum=1)
SURVEYS_GUESS_LIMIT = envint("SURVEYS_GUESS_LIMIT", 10, minimum=1)
SURVEYS_GUESS_WINDOW_MINUTES = envint("SURVEYS_GUESS_WINDOW_MINUTES", 15, minimum=1)
SURVEYS_PUBLIC_BASE_URL = envstr("SURVEYS_PUBLIC_BASE_URL", "")

# Reviews (docs/operations.md, "Separation of duties in case reviews"): QA by someone other than the
# reviewer; second-level QA and finalization by someone other than the first-level approver.
REVIEWS_SEPARATE_DUTIES = envbool("REVIEWS_SEPARATE_DUTIES", True)

# Metrics extract import (docs/operations.md, "Extract import limits"): what one import may cost,
# checked while reading; a bundle over a limit is refused with a message naming the file and limit.
METRICS_IMPORT_MAX_MB = envint("METRICS_IMPORT_MAX_MB", 512, minimum=1)  # CSV files together, uncompressed
METRICS_IMPORT_MAX_RATIO = envint("METRICS_IMPORT_MAX_RATIO", 100, minimum=1)  # per zip member
METRICS_IMPORT_MAX_LINE_LENGTH = envint("METRICS_IMPORT_MAX_LINE_LENGTH", 65536, minimum=1000)  # characters
METRICS_IMPORT_MAX_PROBLEMS = envint("METRICS_IMPORT_MAX_PROBLEMS", 1000, minimum=1)  # listed, per severity
# PostgreSQL: check and write the streamed files (visits, parents, exams ...) in set-based SQL from
# COPY-staged temporary tables (metrics/extract/stage.py); off: every file through the Python reader.
METRICS_IMPORT_STAGED = envbool("METRICS_IMPORT_STAGED", True)
# A running import writes a heartbeat every N seconds (0: only at each progress step); one silent for
# METRICS_IMPORT_STALE_MINUTES is marked failed (its worker died) and may be retried.
METRICS_IMPORT_HEARTBEAT_SECONDS = envint("METRICS_IMPORT_HEARTBEAT_SECONDS", 15, minimum=0)
METRICS_IMPORT_STALE_MINUTES = envint("METRICS_IMPORT_STALE_MINUTES", 10, minimum=1)
# An uploaded bundle holds children's records: it is deleted once its import has finished (the data
# is then in the database), and a failed run's bundle, kept for Retry, after this many days
# (`manage.py purge_extract_uploads`, run daily).
METRICS_IMPORT_KEEP_FAILED_DAYS = envint("METRICS_IMPORT_KEEP_FAILED_DAYS", 14, minimum=0)
# Metrics computation (docs/performance.md, "Compute on several connections"): on PostgreSQL the
# independent metric groups of a run are computed on this many database connections at once (1: one
# connection, one transaction, as on SQLite).
METRICS_COMPUTE_CONNECTIONS = envint("METRICS_COMPUTE_CONNECTIONS", 2, minimum=1)

CELERY_BROKER_URL = envstr("CELERY_BROKER_URL", "") or None
# A fanned-out computation (metrics/fanout.py) is a chord, which needs a result backend: a Redis
# broker serves as one unless another is configured.
CELERY_RESULT_BACKEND = envstr("CELERY_RESULT_BACKEND", "") or (
    CELERY_BROKER_URL if CELERY_BROKER_URL and CELERY_BROKER_URL.startswith("redis") else None
)
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
# Without a broker, long tasks started from a page (an extract import, a computation) run in a
# background thread of the web process, so the request answers at once ("thread"); "inline" runs
# them inside the request (the tests do, to see their outcome).
TASKS_WITHOUT_BROKER = envchoice("TASKS_WITHOUT_BROKER", "thread", {"thread", "inline"})
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE

# The read API (api/, docs/api.md): token or session authentication, read-only, rate-limited per
# user (API_RATE_LIMIT requests) and per client address for unauthenticated calls (API_ANON_RATE_LIMIT).
API_RATE_LIMIT = envstr("API_RATE_LIMIT", "1000/hour")
API_ANON_RATE_LIMIT = envstr("API_ANON_RATE_LIMIT", "60/hour")
API_PAGE_SIZE = envint("API_PAGE_SIZE", 100, minimum=1)
API_BROWSABLE = envbool("API_BROWSABLE", True)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an unauthenticated call is answered 401 with `WWW-Authenticate: Token`.
        "api.auth.AuditedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.UserThrottle", "api.throttling.AnonThrottle"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        *(["api.renderers.BrowsableAPIRenderer"] if API_BROWSABLE else []),
    ],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Foster Care QA read API",
    "DESCRIPTION": "Read-only JSON: metric results, review summaries, survey results, quarterly reports, "
    "imports and runs, scoped like the pages. See docs/api.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "ENUM_NAME_OVERRIDES": {
        "ImportStatusEnum": "metrics.models.ImportRun.Status",
        "MetricRunStatusEnum": "metrics.models.MetricRun.Status",
    },
}

# Production hardening: on unless DEBUG; each can be turned off behind a TLS proxy.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_TLS_PROXY", False) else None
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 3600, minimum=60)
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (config/security.py): report-only while trying a change; where to report.
CSP_REPORT_ONLY = envbool("CSP_REPORT_ONLY", False)
CSP_REPORT_URI = envstr("CSP_REPORT_URI", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every layout step at INFO (one line per page of a quarterly report's PDF).
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
