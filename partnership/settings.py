"""Concordat settings, read from the environment.

With nothing set, Concordat runs embedded: SQLite, Celery tasks run eagerly,
e-mail goes to the console. Production and CI set DATABASE_URL, REDIS_URL and
the rest (see README.md, "Configuration").
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str(
    "DJANGO_SECRET_KEY",
    default="insecure-embedded-default-change-me" if DEBUG else environ.Env.NOTSET,
)
# Audit hashes are keyed (HMAC) with a key kept out of the database and apart from
# SECRET_KEY: "id:key" pairs, newest first; older keys stay to verify older entries.
AUDIT_HMAC_KEYS = dict(
    pair.split(":", 1)
    for pair in env.list(
        "AUDIT_HMAC_KEYS", default=["dev:insecure-embedded-audit-key"] if DEBUG else environ.Env.NOTSET
    )
)
if SECRET_KEY in AUDIT_HMAC_KEYS.values():
    raise environ.ImproperlyConfigured("AUDIT_HMAC_KEYS must not reuse DJANGO_SECRET_KEY.")
AUDIT_HMAC_KEY_ID = next(iter(AUDIT_HMAC_KEYS))
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_filters",
    "django_tables2",
    "guardian",
    "simple_history",
    "axes",
    "partnership.apps.PartnershipConfig",
    "agreements.apps.AgreementsConfig",
    "finance.apps.FinanceConfig",
    "staffing.apps.StaffingConfig",
    "committees.apps.CommitteesConfig",
    "search.apps.SearchConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "partnership.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "partnership.sessions.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "partnership.urls"
WSGI_APPLICATION = "partnership.wsgi.application"

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
                "partnership.context_processors.navigation",
            ],
            "builtins": ["partnership.templatetags.concordat"],
        },
    }
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
FORMS_URLFIELD_ASSUME_HTTPS = True

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Keep each worker's connection between requests (opening one costs more than most pages'
# queries), checked before reuse so a restarted database is reconnected to.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-guardian: no anonymous user; object permissions are held by body groups.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# Sessions end on the server (partnership.sessions): after SESSION_IDLE_TIMEOUT seconds of
# inactivity, with a warning SESSION_TIMEOUT_WARNING seconds before, and SESSION_COOKIE_AGE
# seconds after sign-in whatever the person does. Cookies carry no expiry date, so the
# browser's clock never decides.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT_MINUTES", default=30) * 60
SESSION_TIMEOUT_WARNING = env.int("SESSION_TIMEOUT_WARNING_SECONDS", default=120)
SESSION_COOKIE_AGE = env.int("SESSION_MAX_AGE_HOURS", default=12) * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Sessions are read from Redis when there is one (saving a query a page), and kept in the
# database too; without Redis each process's cache would differ, so only the database.
SESSION_ENGINE = f"django.contrib.sessions.backends.{'cached_db' if REDIS_URL else 'db'}"
CSRF_COOKIE_AGE = None

# The client's address: REMOTE_ADDR, or behind this many trusted reverse proxies the entry
# they wrote into X-Forwarded-For (partnership.sessions.client_address).
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)

# django-axes: a username locks after AXES_FAILURE_LIMIT failures from any address, and an
# address after AXES_ADDRESS_FAILURE_LIMIT failures across usernames (a spray), each for
# the cool-off after the failure that reached the limit (partnership.sessions.SignInLockout).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=50)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "partnership.sessions.SignInLockout"
AXES_CLIENT_IP_CALLABLE = "partnership.sessions.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "partnership.sessions.locked_out"
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)

# django-simple-history
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_DATE_INDEX = "Composite"
SIMPLE_HISTORY_REVERT_DISABLED = True

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "d/m/Y"

STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
    ("autocomplete", BASE_DIR / "node_modules" / "accessible-autocomplete" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploads are untrusted: kept outside the static root and served only through views.
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "uploads")
#: The font the header and page numbers of an assembled PDF (an agenda pack) are stamped in,
#: embedded: the print stylesheet's Liberation Sans (Debian's fonts-liberation).
PDF_STAMP_FONT = env.str(
    "PDF_STAMP_FONT", default="/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"
)
#: Processes rendering a pack's parts side by side; unset, one per core.
PDF_RENDER_PROCESSES = env.int("PDF_RENDER_PROCESSES", default=0)
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
FILE_UPLOAD_PERMISSIONS = 0o640

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
#: Seconds before a stalled mail relay gives up, so a worker is never blocked for good.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT_SECONDS", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Concordat <concordat@localhost>")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Celery: Redis when REDIS_URL is set, otherwise tasks run eagerly in-process.
# (In-process, a host is named: kombu would log that none was given each time a task runs.)
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
#: With no worker (the embedded default), meeting papers are built in a thread of the web
#: process, so the page shows the build's progress instead of waiting for it.
PAPERS_BUILD_IN_THREAD = env.bool("PAPERS_BUILD_IN_THREAD", default=CELERY_TASK_ALWAYS_EAGER)
# "As it stood on" as a PDF is made in the request for a record with up to this many children;
# above it, in the background (Celery, or a thread as papers are) while a page shows progress.
AS_OF_PDF_IN_REQUEST_UP_TO = env.int("AS_OF_PDF_IN_REQUEST_UP_TO", default=200)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BEAT_SCHEDULE = {
    "reminder-sweep": {"task": "partnership.tasks.sweep_reminders", "schedule": 60 * 60},
    "reminder-outbox": {"task": "partnership.tasks.send_due_reminders", "schedule": 60},
    "audit-checkpoint": {
        "task": "partnership.tasks.send_audit_checkpoint",
        "schedule": crontab(minute=0, hour=2),
    },
    "form-receipts": {
        "task": "partnership.tasks.forget_form_submissions",
        "schedule": crontab(minute=30, hour=2),
    },
    "agreement-endings": {
        "task": "agreements.tasks.apply_due_endings",
        "schedule": crontab(minute=5, hour=0),
    },
    "as-of-pdfs": {
        "task": "partnership.tasks.forget_as_of_pdfs",
        "schedule": crontab(minute=50, hour=2),
    },
    "unconfirmed-alerts": {
        "task": "committees.tasks.forget_unconfirmed_alerts",
        "schedule": crontab(minute=45, hour=2),
    },
}
# The reminder outbox: a failed send is tried again after 5 minutes, then 10, 20...,
# until the limit, when it is shown to site administrators as undeliverable.
REMINDER_RETRY_SECONDS = env.int("REMINDER_RETRY_SECONDS", default=300)
REMINDER_MAX_ATTEMPTS = env.int("REMINDER_MAX_ATTEMPTS", default=6)

# HTTPS: with DEBUG off, plain HTTP is redirected, HSTS is sent for a year and cookies
# are secure. Behind a proxy that already redirects to HTTPS, set
# DJANGO_SECURE_SSL_REDIRECT=false (the proxy must still send X-Forwarded-Proto).
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if not DEBUG else None
# Turning the redirect off is the operator saying the proxy does it: not a deploy warning.
SILENCED_SYSTEM_CHECKS = [] if SECURE_SSL_REDIRECT or DEBUG else ["security.W008"]

# Content security policy (django-csp 4): the app's own files only, no inline script or
# style (page scripts live in static/js/), never framed. Responses to a signed-in person
# and every download are "Cache-Control: private, no-store" (partnership.middleware).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

DJANGO_TABLES2_TEMPLATE = "includes/table.html"
DJANGO_TABLES2_PAGE_RANGE = 7

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
    },
}
