"""Settings shared by every environment; everything that differs comes from environment variables."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent.parent
# The checkout root when running from source (src/bangkom/config/settings -> root); var/ holds local data.
BASE_DIR = Path(os.environ.get("BANGKOM_HOME", PACKAGE_DIR.parent.parent)).resolve()
VAR_DIR = Path(os.environ.get("BANGKOM_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "ya", "on"}


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "bangkom.accounts",
    "bangkom.org",
    "bangkom.competency",
    "bangkom.learning",
    "bangkom.evaluation",
    "bangkom.planning",
    "bangkom.mentoring",
    "bangkom.lrs",
    "bangkom.microlearning",
    "bangkom.audit",
    "bangkom.jobs",
    "bangkom.interchange",
    "bangkom.demodata",
    "bangkom.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "bangkom.web.middleware.ChosenLanguageMiddleware",
    "bangkom.web.middleware.NulCharacterMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "bangkom.config.urls"
WSGI_APPLICATION = "bangkom.config.wsgi.application"
ASGI_APPLICATION = "bangkom.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bangkom.web.context_processors.navigation",
            ],
        },
    },
]

_default_sqlite = VAR_DIR / "bangkom.sqlite3"
DATABASE_URL = os.environ.get("DATABASE_URL", "").strip() or f"sqlite:///{_default_sqlite}"
# DATABASE_CONN_MAX_AGE (seconds; 0 closes the connection after every request): app servers such as gunicorn
# keep theirs open, which saves a PostgreSQL backend start per request. DATABASE_CONN_HEALTH_CHECKS=1 also
# checks a kept connection before each request reuses it (one more round trip per request; without it a
# connection that died fails one request, after which Django drops it).
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
        conn_health_checks=env_bool("DATABASE_CONN_HEALTH_CHECKS", False),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and os.environ.get("DATABASE_PREPARE_THRESHOLD"):
    # psycopg prepares a statement on the server after it ran this many times on a connection (planning saved
    # on the LRS's write path). Off by default: PgBouncer in transaction mode does not keep prepared statements.
    DATABASES["default"]["OPTIONS"] = {"prepare_threshold": int(os.environ["DATABASE_PREPARE_THRESHOLD"])}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while an import or a job writes; IMMEDIATE avoids lock upgrades mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    # The LRS's covering index (lrs_st_agency_ref_stored INCLUDE ...) is a PostgreSQL optimisation; SQLite builds
    # the same index without the included columns, which is what we want: no warning on every command.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lock-out after repeated failures (django-axes): per username and IP, for one hour.
AXES_FAILURE_LIMIT = int(os.environ.get("BANGKOM_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("BANGKOM_LOGIN_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("BANGKOM_TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
BANGKOM_IMPORT_MAX_UPLOAD_BYTES = int(
    os.environ.get("BANGKOM_IMPORT_MAX_UPLOAD_BYTES", str(200 * 1024 * 1024))
)

# Long jobs: "thread" runs them in a background thread of the web process (embedded default);
# "celery" hands them to Celery workers through Redis; "sync" runs them inline (tests, CLI).
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
# The xAPI version the LRS names in answers to requests that name none (1.0.3 or 2.0.0); clients that name
# a version always get answers in theirs.
BANGKOM_XAPI_VERSION = os.environ.get("BANGKOM_XAPI_VERSION", "1.0.3")
BANGKOM_JOB_RUNNER = os.environ.get("BANGKOM_JOB_RUNNER", "celery" if REDIS_URL else "thread")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

# Regulation defaults (DOMAIN.md); each instansi can override them in its settings record.
BANGKOM_DEFAULTS = {
    "jp_minimum_pns": 20,
    "jp_maximum_pppk": 24,
    "jpm_capped": False,
    "jpm_mapping_cutoffs": {"optimal": 90, "cukup_optimal": 78},
    "jpm_filling_cutoffs": {"memenuhi_syarat": 80, "masih_memenuhi_syarat": 68},
    # 9-box potensi axis (PermenPANRB 3/2020; DOMAIN.md's example cut-offs), on the JPM 0-100.
    "talent_potensi_cutoffs": {"menengah": 68, "tinggi": 80},
}

# Evidence of learning records: PDF, PNG or JPEG, at most this many bytes (env BANGKOM_EVIDENCE_MAX_MB).
BANGKOM_EVIDENCE_MAX_BYTES = int(float(os.environ.get("BANGKOM_EVIDENCE_MAX_MB", "5")) * 1024 * 1024)

# Public address of the deployment (scheme and host, e.g. https://bangkom.example.go.id) printed with the
# verification code of JP recaps; empty: the address the request came in on.
BANGKOM_PUBLIC_URL = os.environ.get("BANGKOM_PUBLIC_URL", "").strip().rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("BANGKOM_LOG_LEVEL", "WARNING")},
}
