"""Settings for 舟曲县“信易+家政”.

Everything is switched by environment variables (documented in `.env.example` and the
README). With nothing set the project runs embedded: SQLite, a local-memory cache and
Celery tasks executed in process. Setting `DATABASE_URL` and `REDIS_URL` /
`CELERY_BROKER_URL` moves it onto PostgreSQL and Redis.
"""

import base64
import hashlib
import secrets
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=True)


def _development_secret() -> str:
    """A random secret kept in a git-ignored file, so sessions survive restarts."""
    path = BASE_DIR / ".dev-secret-key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = _development_secret()

# `make bench` measures pages against a baseline view routed only when this is on.
BENCH_BASELINE_VIEW = env.bool("BENCH_BASELINE_VIEW", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "zhouqu_jiazheng.apps.BureauAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_celery_beat",
    "import_export",
    "simple_history",
    "axes",
    "django_guid",
    "zhouqu_jiazheng",
    "core",
    "articles",
    "registry",
    "credit",
    "agreements",
    "inspections",
    "complaints",
    "incentives",
    "reviews",
    "programme",
    "portal",
    "reporting",
    "demo",
]

MIDDLEWARE = [
    # First, so that the latency it records covers every other middleware.
    "core.metrics.requests.RequestMetricsMiddleware",
    # First: the request id (django-guid) and the request's log line cover everything after.
    "django_guid.middleware.guid_middleware",
    "core.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the path or the query string (a NUL there breaks PostgreSQL).
    "zhouqu_jiazheng.middleware.RefuseControlCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # After CSRF, whose form parsing shows it what the upload handler refused.
    "zhouqu_jiazheng.uploads.RequestSizeLimitMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zhouqu_jiazheng.urls"
WSGI_APPLICATION = "zhouqu_jiazheng.wsgi.application"

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
                "zhouqu_jiazheng.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, with a health check that polls the connection's socket before it
    # sends SELECT 1 (core.postgresql: no round trip on a connection that is alive).
    DATABASES["default"]["ENGINE"] = "core.postgresql"
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # No JIT compilation: the pages' queries are short, and compiling a plan over a big
    # table cost ~100 ms per scan of the admin's searches. DB_JIT=1 turns it back on.
    if not env.bool("DB_JIT", default=False):
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
CACHE_KEY_PREFIX = env.str("CACHE_KEY_PREFIX", default="zqjz")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.redis_cache.ReusedClientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "TIMEOUT": 300,
            # An unreachable Redis must cost a page a second at most (core.cache then
            # leaves it alone for a few seconds), never a hanging request.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }

# --- Authentication -------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "core.passwords.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "core.passwords.LettersAndDigitsValidator"},
    {"NAME": "core.passwords.NotUsernameOrMobileValidator"},
]
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out username and address before any check.
    "axes.backends.AxesStandaloneBackend",
    "portal.auth.UsernameOrMobileBackend",
]
LOGIN_URL = "admin:login"
# Login protection (admin and portal): locked for PORTAL_LOGIN_LOCKOUT_MINUTES after
# PORTAL_LOGIN_FAILURE_LIMIT failures of the same username from the same address.
AXES_FAILURE_LIMIT = env.int("PORTAL_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("PORTAL_LOGIN_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "portal.auth.locked_out"
# One lockout counter per account, whatever spelling of its username or mobile was typed.
AXES_USERNAME_CALLABLE = "portal.auth.lockout_username"
AXES_CLIENT_IP_CALLABLE = "core.client_ip.client_ip"
AXES_VERBOSE = False
# Portal sessions end after this many seconds without a request (staff sessions are not
# affected); a password change ends the user's other sessions.
PORTAL_SESSION_IDLE_SECONDS = env.int("PORTAL_SESSION_IDLE_SECONDS", default=30 * 60)
# The one-time link that lets a new portal user set a password is valid this long.
PASSWORD_RESET_TIMEOUT = env.int("PORTAL_PASSWORD_LINK_SECONDS", default=3 * 24 * 3600)

# --- Internationalisation -------------------------------------------------------------
# Chinese is the source language and the default; Tibetan (bo) is chosen with the switch on
# every public page and kept in a cookie (no language prefix in URLs: they are printed on
# paper). Django ships no bo locale: core.apps adds its LANG_INFO, the formats live in
# zhouqu_jiazheng/formats/bo and the catalogue in locale/bo.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "中文"), ("bo", "བོད་ཡིག")]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["zhouqu_jiazheng.formats"]
# The reviewed version of each translation: the hash `manage.py translation_review --record`
# prints. Until a catalogue's current hash equals it, its pages carry the trial banner
# (试译，以中文为准); staff see what changed since under 系统 → 藏文译文.
TRANSLATION_REVIEWED_VERSIONS = {"bo": ""}

# --- Static and media files -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Hashed, compressed files need `collectstatic`; the embedded default serves sources.
STATIC_MANIFEST = env.bool("STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Without collectstatic (embedded mode, tests) whitenoise serves straight from the sources.
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
WHITENOISE_AUTOREFRESH = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
# Bodies above UPLOAD_MAX_REQUEST_BYTES are refused unread (413) and a single file stops
# being read past UPLOAD_MAX_FILE_BYTES (zhouqu_jiazheng.uploads). The defaults fit the
# largest forms: five 10 MB attachments with the text, and a 20 MB ledger workbook.
UPLOAD_MAX_REQUEST_BYTES = env.int("UPLOAD_MAX_REQUEST_BYTES", default=52 * 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "zhouqu_jiazheng.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- Security -------------------------------------------------------------------------
# Behind the reverse proxy TLS ends at the proxy, which sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
# Probes and Prometheus reach gunicorn directly over HTTP, not through the TLS proxy.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# --- E-mail ---------------------------------------------------------------------------
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="舟曲县信易+家政 <noreply@localhost>")

# --- Celery ---------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
# Without a broker every task runs in process, so the embedded default needs no worker.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_BULK_QUEUE = "bulk"
# Redis redelivers an unacknowledged task after the visibility timeout: every time limit
# stays well below it so a running task is never handed to a second worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=25 * 60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Only one beat schedules (core.beat_lock): others wait for its Redis lock, which expires
# this many seconds after the holder's last renewal.
CELERY_BEAT_LOCK_SECONDS = env.int("CELERY_BEAT_LOCK_SECONDS", default=60)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Metrics --------------------------------------------------------------------------
# /metrics answers requests from these addresses or networks that reach the application
# directly (not through the proxy), or with `Authorization: Bearer <METRICS_TOKEN>`.
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

# --- Logging --------------------------------------------------------------------------
# Every line carries the request id (django-guid; the proxy's X-Request-ID is taken, the
# response returns it; Celery tasks inherit it through core.request_id) and has ID numbers,
# mobiles and credit codes redacted (core.logs). JSON lines when LOG_FORMAT=json (the
# default with DEBUG off), plain text otherwise; LOG_FILE also appends JSON lines to a file
# (the compose stack rotates it daily and keeps LOG_RETENTION_DAYS days: README, Logs and
# audit). Requests are logged on `zhouqu.request`, staff actions on `zhouqu.audit`.
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured("LOG_FORMAT must be plain or json.")
LOG_FILE = env.str("LOG_FILE", default="")
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": True,
    "EXPOSE_HEADER": False,
}
_log_handlers = {
    # Standard error: docker collects it like standard output, and the commands that write
    # data to standard output (export_audit, export_ledger) keep it clean.
    "console": {
        "class": "logging.StreamHandler",
        "formatter": LOG_FORMAT,
        "filters": ["request_id", "redact"],
    }
}
if LOG_FILE:
    # Reopened when the file is moved away; the logrotate service copies and truncates.
    _log_handlers["file"] = {
        "class": "logging.handlers.WatchedFileHandler",
        "filename": LOG_FILE,
        "encoding": "utf-8",
        "formatter": "json",
        "filters": ["request_id", "redact"],
    }
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "core.logs.RequestIdFilter"},
        "redact": {"()": "core.logs.RedactPersonalNumbers"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "core.logs.JsonFormatter"},
    },
    "handlers": _log_handlers,
    "root": {"handlers": list(_log_handlers), "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": list(_log_handlers), "level": LOG_LEVEL, "propagate": False},
        # Its INFO lines repeat the request id of every request.
        "django_guid": {"level": "WARNING"},
    },
}


# --- Personal data --------------------------------------------------------------------
# ID numbers are stored encrypted (Fernet) with a keyed hash for exact look-up. Keys come
# from the environment in production; development derives stable keys from SECRET_KEY.
def _derived_key(purpose: str) -> str:
    digest = hashlib.sha256(f"{SECRET_KEY}:{purpose}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


PERSONAL_DATA_KEY = env.str("PERSONAL_DATA_KEY", default="")
PERSONAL_DATA_KEY_FALLBACKS = env.list("PERSONAL_DATA_KEY_FALLBACKS", default=[])
PERSONAL_DATA_HASH_KEY = env.str("PERSONAL_DATA_HASH_KEY", default="")
if not (PERSONAL_DATA_KEY and PERSONAL_DATA_HASH_KEY):
    if not DEBUG:
        raise ImproperlyConfigured(
            "PERSONAL_DATA_KEY and PERSONAL_DATA_HASH_KEY must be set when DEBUG is off."
        )
    PERSONAL_DATA_KEY = PERSONAL_DATA_KEY or _derived_key("personal-data-encryption")
    PERSONAL_DATA_HASH_KEY = PERSONAL_DATA_HASH_KEY or _derived_key("personal-data-hash")

# --- Notifications --------------------------------------------------------------------
# A class with send(phone, message); the default writes to the log instead of sending.
SMS_BACKEND = env.str("SMS_BACKEND", default="core.notifications.LoggingSmsBackend")
# The signature registered with the SMS carrier, at the head of every text message, in every
# language (core.notifications.send_sms adds it; message texts never carry one).
SMS_SIGNATURE = env.str("SMS_SIGNATURE", default="【舟曲县信易+家政】")
# The outbox drain (core.outbox): how often it runs, and how many rows of each outbox it
# sends per run.
OUTBOX_DRAIN_MINUTES = env.int("OUTBOX_DRAIN_MINUTES", default=5)
OUTBOX_BATCH_SIZE = env.int("OUTBOX_BATCH_SIZE", default=2_000)

# --- Registers ------------------------------------------------------------------------
DOCUMENT_EXPIRY_WARNING_DAYS = env.int("DOCUMENT_EXPIRY_WARNING_DAYS", default=30)
RECORD_STALE_AFTER_DAYS = env.int("RECORD_STALE_AFTER_DAYS", default=365)
LEDGER_IMPORT_MAX_BYTES = env.int("LEDGER_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
LEDGER_IMPORT_MAX_ROWS = env.int("LEDGER_IMPORT_MAX_ROWS", default=200_000)
# Imports above this many rows run on the `bulk` queue instead of inside the request.
LEDGER_IMPORT_SYNC_ROWS = env.int("LEDGER_IMPORT_SYNC_ROWS", default=2_000)
# The largest single file any form takes (attachments 10 MB, ledgers LEDGER_IMPORT_MAX_BYTES).
UPLOAD_MAX_FILE_BYTES = max(10 * 1024 * 1024, LEDGER_IMPORT_MAX_BYTES)

# --- Credit ---------------------------------------------------------------------------
CREDIT_PUBLICITY_DAYS = env.int("CREDIT_PUBLICITY_DAYS", default=7)
CREDIT_OBJECTION_DECISION_DAYS = env.int("CREDIT_OBJECTION_DECISION_DAYS", default=10)
CREDIT_REPAIR_DECISION_DAYS = env.int("CREDIT_REPAIR_DECISION_DAYS", default=15)
CREDIT_SUPERVISION_DAYS = env.int("CREDIT_SUPERVISION_DAYS", default=30)
CREDIT_RECTIFICATION_DAYS = env.int("CREDIT_RECTIFICATION_DAYS", default=30)
# The staff group whose active members form the inspector pool of the random inspections.
INSPECTION_STAFF_GROUP = env.str("INSPECTION_STAFF_GROUP", default="信用管理员")
# The yearly rating run by beat on this month and day rates the current year (the plan
# completes the grading during the April–October roll-out).
CREDIT_RATING_MONTH = env.int("CREDIT_RATING_MONTH", default=10)
CREDIT_RATING_DAY = env.int("CREDIT_RATING_DAY", default=15)
CREDIT_RATING_CHUNK_SIZE = env.int("CREDIT_RATING_CHUNK_SIZE", default=10_000)
# An unfinished run without a chunk done for this long has lost tasks (a worker killed
# mid-chunk): its missing chunks are queued again. A chunk takes seconds, not minutes.
CREDIT_RATING_STALL_SECONDS = env.int("CREDIT_RATING_STALL_SECONDS", default=600)
# A credit report (信用报告) is valid for this many days after it is issued; afterwards the
# verification page still shows it, marked expired.
CREDIT_REPORT_VALID_DAYS = env.int("CREDIT_REPORT_VALID_DAYS", default=30)
# Failed look-ups of the public credit-report verification page per client address.
REPORT_VERIFY_RATE_PER_IP = env.str("REPORT_VERIFY_RATE_PER_IP", default="30/h")

# --- Complaints -----------------------------------------------------------------------
# Substantiated complaints of these categories are recorded as serious (严重) credit events;
# the others as general (一般).
COMPLAINT_SERIOUS_CATEGORIES = env.list(
    "COMPLAINT_SERIOUS_CATEGORIES", default=["personal_safety", "property_loss"]
)
# Working days an enterprise has to answer a complaint once it is accepted.
COMPLAINT_RESPONSE_DAYS = env.int("COMPLAINT_RESPONSE_DAYS", default=5)
# Rate limits (django-ratelimit syntax, count/period) on the public complaint, review and
# tracking forms. Generous enough for a family sharing one phone or a township office PC.
COMPLAINT_RATE_PER_IP = env.str("COMPLAINT_RATE_PER_IP", default="20/h")
COMPLAINT_RATE_PER_PHONE = env.str("COMPLAINT_RATE_PER_PHONE", default="5/d")
TRACKING_RATE_PER_IP = env.str("TRACKING_RATE_PER_IP", default="30/h")
# The bureau's complaint line and office, shown in the footer of every public page and on
# the tracking page: residents may also complain by phone, in person or by letter.
COMPLAINT_PHONE = env.str("COMPLAINT_PHONE", default="0941-5121234")
BUREAU_OFFICE_ADDRESS = env.str(
    "BUREAU_OFFICE_ADDRESS", default="舟曲县城关镇舟曲县工业和信息化和商务局"
)
BUREAU_OFFICE_HOURS = env.str("BUREAU_OFFICE_HOURS", default="工作日 8:30—12:00，14:30—18:00")
# Look-ups of the public worker verification page (a card's QR code) per client address.
VERIFY_RATE_PER_IP = env.str("VERIFY_RATE_PER_IP", default="60/m")
# A review naming a worker whose card was verified in the same browser within this many
# days counts as a review of a real service (已核实服务).
REVIEW_SCAN_DAYS = env.int("REVIEW_SCAN_DAYS", default=3)
# Review targets of enterprises' change requests and uploaded documents, in working days;
# AA and AAA enterprises' requests (绿色通道) have the shorter one.
REVIEW_TARGET_DAYS = env.int("REVIEW_TARGET_DAYS", default=5)
FAST_TRACK_REVIEW_DAYS = env.int("FAST_TRACK_REVIEW_DAYS", default=2)
# Booking requests (/bookings/new/): hours within which an enterprise should accept a
# request; a priority request (优先预约派单) has the shorter target.
BOOKING_RESPONSE_HOURS = env.int("BOOKING_RESPONSE_HOURS", default=24)
BOOKING_PRIORITY_RESPONSE_HOURS = env.int("BOOKING_PRIORITY_RESPONSE_HOURS", default=4)
# Work-plan task owners are reminded this many days before a task's due date (and on it).
PROGRAMME_REMINDER_DAYS = env.int("PROGRAMME_REMINDER_DAYS", default=7)
# Addresses or networks of the reverse proxies in front of the application: only a request
# from one of them has its X-Forwarded-For believed (core.client_ip), for the rate limits,
# the login lockout, the logs and the audit records. Empty: the connecting address counts.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

# Public address of the site (e.g. https://jiazheng.zhouqu.gov.cn) used in QR codes on
# printed cards and posters and in links handed to portal users; empty: the address the
# page was requested at.
SITE_URL = env.str("SITE_URL", default="")

# --- Project --------------------------------------------------------------------------
SITE_NAME = "舟曲县信易+家政信用管理平台"
