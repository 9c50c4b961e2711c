"""Lattice settings: one file, read from environment variables.

Every variable is documented in `.env.example`. The defaults are safe for a
developer's laptop (SQLite, tasks run eagerly, no broker); `DJANGO_ENV=production`
turns the defaults strict and refuses to start without a secret key and host list.
"""

import datetime
import ipaddress
import logging
from pathlib import Path

import environ
import sentry_sdk
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from ops.logs import configure_structlog
from ops.logs import formatters as log_formatters

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A .env file in the project folder is read if present; real environment wins.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'.")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env.bool("DEBUG", default=False)

if PRODUCTION:
    for required in ("SECRET_KEY", "ALLOWED_HOSTS"):
        if not env.str(required, default=""):
            raise ImproperlyConfigured(
                f"{required} must be set when DJANGO_ENV=production (see .env.example)."
            )
    SECRET_KEY = env.str("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
else:
    # Only ever used on a developer's machine: production refuses to start without one.
    SECRET_KEY = env.str(
        "SECRET_KEY", default="django-insecure-development-only-key-never-use-in-production"
    )
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # django.contrib.admin with a two-factor sign-in (ops/two_factor.py).
    "ops.apps.LatticeAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Change history of every curated record (who, when, why), compare and revert.
    "simple_history",
    # Rate-limits sign-in attempts to the admin (see the lockout policy below).
    "axes",
    # Authenticator-app (TOTP) codes for staff sign-in (ops/two_factor.py).
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Domain: the records and their rules.
    "sources",
    "institutions",
    "networks",
    # Features: work that spans the domain.
    "curation",
    "visuals",
    "links",
    # The Reconciliation Service API for OpenRefine (reconcile/, mounted at /reconcile/).
    "reconcile",
    # Invalidates the response cache whenever a curated record changes (responsecache/cache.py).
    "responsecache",
    "ops",
    # Delivery: the public pages and the REST API.
    "web",
    "api",
]
if not PRODUCTION:
    # Development only: `generate_synthetic`, the labelled benchmark directory (bench/).
    INSTALLED_APPS.append("bench")

MIDDLEWARE = [
    # First, so that every response and every log line carries the request id
    # (ops/request_log.py), and every response the headers of ops/headers.py.
    "ops.request_log.RequestIdMiddleware",
    "ops.headers.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # A NUL character in the path, query or cookies is a 400 before anything reads it:
    # PostgreSQL refuses text containing one (ops/nul.py).
    "ops.nul.RefuseNulMiddleware",
    # Whole responses for anonymous GET/HEAD, invalidated on every curated change; a hit
    # skips everything below (responsecache/cache.py).
    "responsecache.cache.AnonymousCacheMiddleware",
    # A database outage answers 503 with Retry-After, not 500 (ops/outage.py).
    "ops.outage.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # ETag from the response body, and 304 for If-None-Match / If-Modified-Since.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Whether the signed-in user gave an authenticator code (request.user.is_verified()).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Makes the signed-in curator available to the history records of their edits.
    "simple_history.middleware.HistoryRequestMiddleware",
    # A merged institution's old address (page or API) answers 301 to the survivor's.
    "institutions.middleware.MergedInstitutionRedirectMiddleware",
    # Last, as django-axes requires: refuses sign-ins while an address is locked out.
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
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# SQLite in the project folder unless DATABASE_URL says otherwise, e.g.
# postgres://user:password@127.0.0.1:5432/lattice
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if PRODUCTION else 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Longest one SQL statement of a web request may run, in milliseconds (0: no limit);
# beyond it PostgreSQL cancels it and the request answers 503. Web processes only
# (ops/statement_timeout.py): migrations, commands and Celery tasks are not limited.
DATABASE_STATEMENT_TIMEOUT_MS = env.int(
    "DATABASE_STATEMENT_TIMEOUT_MS", default=5000 if PRODUCTION else 0
)
# Read replicas (PostgreSQL streaming replicas), e.g.
# postgres://user:password@replica1:5432/lattice,postgres://...: reads go to them,
# writes and transactions to the primary (ops/routers.py).
for _number, _url in enumerate(env.list("DATABASE_REPLICA_URLS", default=[])):
    DATABASES[f"replica_{_number}"] = {
        **env.db_url_config(_url),
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        # Tests read the primary through every alias: a replica holds the same data.
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["ops.routers.ReplicaRouter"] if len(DATABASES) > 1 else []
# PostgreSQL compiles a query to machine code (JIT) once its estimated cost passes
# jit_above_cost: 60-70 ms of compiling for a network page's counts that then run in
# about 10 ms (bench/RESULTS.md). Lattice runs many short queries and no long analytic
# ones, so JIT is off for its connections (set in the connection's startup packet, no
# query); DATABASE_JIT=1 leaves the server's own setting.
if not env.bool("DATABASE_JIT", default=False):
    for _config in DATABASES.values():
        if _config["ENGINE"] == "django.db.backends.postgresql":
            _options = _config.setdefault("OPTIONS", {})
            _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Local memory unless CACHE_URL names a shared cache (redis://127.0.0.1:6379/1).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # The site must outlive its cache: with Redis refused or hanging, pages are served
    # uncached and saves go ahead (responsecache/backends.py). Redis answers a healthy
    # request in a millisecond; a short timeout bounds the wait for a hanging one.
    CACHES["default"]["BACKEND"] = "responsecache.backends.FailOpenRedisCache"
    CACHES["default"]["OPTIONS"] = {
        "socket_connect_timeout": 0.5,
        "socket_timeout": 0.5,
        **CACHES["default"].get("OPTIONS", {}),
    }
# Anonymous GET/HEAD responses are cached this long (0 turns the cache off); any change
# to a curated record invalidates them all at once (responsecache/cache.py).
CACHE_RESPONSE_SECONDS = env.int("CACHE_RESPONSE_SECONDS", default=600)
# What anonymous pages and API reads tell a shared cache in front (deploy/nginx-cache.conf):
# keep this long (s-maxage), then serve the old copy this much longer while fetching the
# new one (stale-while-revalidate). A curator's change reaches every reader within the
# sum plus a second (default 31 s: nginx counts whole seconds); revalidating costs Lattice
# one cache read (responsecache/cache.py).
HTTP_CACHE_SECONDS = env.int("HTTP_CACHE_SECONDS", default=10)
HTTP_CACHE_STALE_SECONDS = env.int("HTTP_CACHE_STALE_SECONDS", default=20)
# The longest a rendered response is reused by revalidation (and never past midnight):
# bounds what no curated change signals, such as link-check marks (responsecache/cache.py).
HTTP_CACHE_RENDER_SECONDS = env.int("HTTP_CACHE_RENDER_SECONDS", default=600)
# Health answers must say how this process is now, never how it was (ops/health.py).
CACHE_RESPONSE_EXCLUDE = ("/admin/", "/static/", "/healthz", "/readyz")
# The query parameters some public page or API endpoint reads (its FilterSet, form or
# query serializer, pagination, `format`). A request carrying any other is answered
# uncached: a made-up parameter must not make a new entry (responsecache/tests pin this
# list against the FilterSets, forms and serializers).
CACHE_RESPONSE_PARAMETERS = frozenset(
    # One word per parameter: easier to read and diff than a column of strings.
    """
    accessed_after accessed_before active as_of as_of_after as_of_before branch current
    dimension ended_after ended_before format founded_after founded_before function group
    host in_force
    institution jurisdiction jurisdictions kind level list_status member member_network network
    ordering origin p page page_size parent participant period publisher q reach region role
    search sector signatory signed_after signed_before started_after started_before
    starts_after starts_before subregion upcoming wikidata lei focus view
    """.split()  # noqa: SIM905
)

# django-axes checks (and counts) every sign-in attempt before the usual backend.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# The client's address (ops/client_ip.py), for the sign-in lockout, the API throttle and
# the logs. NUM_PROXIES: reverse proxies in front of gunicorn (deploy/nginx.conf is one);
# X-Forwarded-For is read only from a connection out of TRUSTED_PROXY_NETWORKS, and only
# its NUM_PROXIES-th entry from the right. `check --deploy` refuses inconsistent values.
NUM_PROXIES = env.int("NUM_PROXIES", default=1 if PRODUCTION else 0)
TRUSTED_PROXY_NETWORKS = env.list(
    "TRUSTED_PROXY_NETWORKS",
    default=["127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"],
)
for _network in TRUSTED_PROXY_NETWORKS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError as error:
        raise ImproperlyConfigured(f"TRUSTED_PROXY_NETWORKS: {error}") from error

# Lockout policy: after LOGIN_FAILURE_LIMIT failed sign-ins for one user name from one
# address, that pair is refused (HTTP 429) for LOGIN_COOLOFF_MINUTES; a successful
# sign-in clears the count. Locking the pair, not the address alone, keeps one person's
# typos from locking out every curator behind the same proxy, and locking the pair, not
# the user name alone, keeps a stranger from locking a curator out. `manage.py axes_reset`
# lifts every lockout.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=60))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/lockout.html"
# The client address, as the API throttle counts it too (ops/client_ip.py).
AXES_CLIENT_IP_CALLABLE = "ops.client_ip.client_ip"
# Failed attempts are kept (AccessAttempt); successful sign-ins are not logged.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# Staff sign in with a password and an authenticator code (ops/two_factor.py). Required
# in production: a staff account without an authenticator cannot sign in there until
# `manage.py enrol_totp USERNAME` has enrolled one. Elsewhere it is offered: whoever has
# enrolled gives a code, others sign in with the password alone.
STAFF_REQUIRE_2FA = env.bool("STAFF_REQUIRE_2FA", default=PRODUCTION)
# The name authenticator apps show beside the codes.
OTP_TOTP_ISSUER = "Lattice"
# Authenticator secrets are shown once, by enrol_totp, never again in the admin.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Signed-in sessions (only staff sign in) end after SESSION_IDLE_MINUTES without a
# request: each request moves the expiry forward.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True

# Change reasons are free text of any length; the admin asks for one with every change.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# Files Lattice writes: the open-data releases (curation/releases.py, under releases/),
# built by the worker and served by the web processes, so in production both mount the
# same volume here (docker-compose.yml). A deployment may put them in an object store by
# naming another backend for "default", or a "releases" storage of their own.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files in production; plain files elsewhere so that tests
        # and the quick start need no collectstatic.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
# Serve straight from the app and project static folders outside production.
WHITENOISE_USE_FINDERS = not PRODUCTION
# Outside production, serve the files as they are now (no collectstatic, no STATIC_ROOT needed).
WHITENOISE_AUTOREFRESH = not PRODUCTION

# Strict Content-Security-Policy from day one: no inline scripts, styles or handlers.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

X_FRAME_OPTIONS = "DENY"
# Sent by ops.headers.SecurityHeadersMiddleware: no page uses any of these features, and
# no other site needs to embed the site's files (the API is read through CORS, which
# this does not affect).
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True

if PRODUCTION:
    # TLS is terminated by the proxy in front of gunicorn; it must set X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Celery: without a broker, tasks run eagerly in the calling process (quick start, tests).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# Member lists of this many rows or more are applied by a task (curation/tasks.py), with a
# progress page in the admin, rather than within the curator's request.
MEMBER_LIST_BACKGROUND_ROWS = env.int("MEMBER_LIST_BACKGROUND_ROWS", default=500)

# Link checking (links/, README "Link checking"): off unless LINK_CHECK_ENABLED, so the
# quick start, the data loader and the tests never fetch an outside address.
LINK_CHECK_ENABLED = env.bool("LINK_CHECK_ENABLED", default=False)
# Loopback addresses are refused unless this is set; only the test suite sets it.
LINK_CHECK_ALLOW_LOOPBACK = env.bool("LINK_CHECK_ALLOW_LOOPBACK", default=False)
if PRODUCTION and LINK_CHECK_ALLOW_LOOPBACK:
    raise ImproperlyConfigured("LINK_CHECK_ALLOW_LOOPBACK is for tests only, never production.")
LINK_CHECK_BATCH_SIZE = env.int("LINK_CHECK_BATCH_SIZE", default=50)
LINK_CHECK_INTERVAL_DAYS = env.int("LINK_CHECK_INTERVAL_DAYS", default=7)
LINK_CHECK_BROKEN_AFTER = env.int("LINK_CHECK_BROKEN_AFTER", default=3)
LINK_CHECK_CONNECT_TIMEOUT = env.float("LINK_CHECK_CONNECT_TIMEOUT", default=5.0)
LINK_CHECK_READ_TIMEOUT = env.float("LINK_CHECK_READ_TIMEOUT", default=10.0)
LINK_CHECK_MAX_BYTES = env.int("LINK_CHECK_MAX_BYTES", default=65536)
# Named in the checker's User-Agent, so that site owners can see who is knocking.
LINK_CHECK_SITE_URL = env.str("LINK_CHECK_SITE_URL", default="") or (
    f"https://{ALLOWED_HOSTS[0].lstrip('.')}/"
    if PRODUCTION and ALLOWED_HOSTS[0].lstrip(".") not in ("", "*")
    else "http://127.0.0.1:8000/"
)
CELERY_BEAT_SCHEDULE = {
    # A bounded batch of links due for a check, oldest first (LINK_CHECK_BATCH_SIZE).
    "check-stale-links": {"task": "links.tasks.check_stale_links", "schedule": 15 * 60},
    # The open-data release, once a day; a day without any curated change makes none.
    "build-open-data-release": {
        "task": "curation.tasks.build_release",
        "schedule": crontab(hour=3, minute=30),
    },
}

REST_FRAMEWORK = {
    # The API is read-only and the same for everyone: no logins, no cookies.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    # Every API view is read-only (ReadOnlyModelViewSet): there is no write handler to
    # protect, and any write method gets 405 Method Not Allowed. Curators write in the admin.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": [
        # DRF's JSON, encoded by orjson (api/renderers.py).
        "api.renderers.LatticeJSONRenderer",
        "api.renderers.LatticeCSVRenderer",
    ],
    "DEFAULT_FILTER_BACKENDS": ["api.filters.StrictFilterBackend"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api.negotiation.StrictContentNegotiation",
    "DEFAULT_PAGINATION_CLASS": "api.pagination.BoundedPageNumberPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    # Per client address, as the sign-in lockout counts it (ops/client_ip.py).
    "DEFAULT_THROTTLE_CLASSES": ["ops.throttling.ClientAnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_ANON_RATE", default="120/minute"),
        # The reconciliation service (reconcile/views.py), counted apart from the API.
        "reconcile": env.str("RECONCILE_ANON_RATE", default="120/minute"),
    },
    # Only for DRF's own get_ident, which ClientAnonRateThrottle replaces; kept equal.
    "NUM_PROXIES": NUM_PROXIES,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Lattice API",
    "DESCRIPTION": (
        "The public directory of transgovernmental networks: who belongs to which "
        "network, since when, who signed what with whom, and when they meet. Every fact "
        "cites its sources. Read-only; anonymous clients are limited to "
        + env.str("API_ANON_RATE", default="120/minute")
        + " (429 with Retry-After beyond). Lists are paginated (`page`, `page_size` up to "
        "1000); add `format=csv` for a spreadsheet. Errors share one shape: "
        '`{"error": {"status", "code", "message", "fields"}}`.\n\n'
        "Examples, one request each: the Basel Committee's members on 1 January 2012, "
        "`/api/v1/networks/bcbs/members/?as_of=2012-01-01`; every network the Bank of "
        "England belongs to, `/api/v1/networks/?member=gb-boe`; the memoranda signed by both "
        "the US SEC and ESMA, `/api/v1/memoranda/?signatory=us-sec,eu-esma` (add "
        "`&format=csv` to any of them)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # A succession's `kind` (#14) beside memoranda's and meetings' `kind`: named apart.
    "ENUM_NAME_OVERRIDES": {"SuccessionKindEnum": "sources.models.SuccessionKind"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
    ],
}

# Anyone may read the API from any origin; nothing else is shared.
CORS_ALLOW_ALL_ORIGINS = True
CORS_URLS_REGEX = r"^/api/.*$"
# POST for the reconciliation service's JSON batches from a browser (/reconcile/, which
# writes nothing); the API accepts no anonymous write, so it gains nothing from it.
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS", "POST"]
CORS_ALLOW_CREDENTIALS = False
# A script in another site's page may read the paging headers (api/pagination.py).
CORS_EXPOSE_HEADERS = ["Link", "X-Total-Count"]

# Logs: one JSON object a line on stderr, each with the request id while a request is
# served (ops/logs.py, ops/request_log.py); LOG_FORMAT=console for a developer's terminal.
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
if LOG_FORMAT not in {"json", "console"}:
    raise ImproperlyConfigured("LOG_FORMAT must be 'json' or 'console'.")
configure_structlog()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": log_formatters(),
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
# One "request_finished" line per request; its "request_started" twin only at DEBUG.
DJANGO_STRUCTLOG_STATUS_START_LOG_LEVEL = logging.DEBUG
# The middleware names the client by ops.client_ip, not django-ipware.
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = False
# Celery workers log through LOGGING above (JSON) instead of installing their own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Error reporting: off unless SENTRY_DSN names a Sentry (or compatible) project. No
# personal data is sent (send_default_pii); events carry the request id.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default=DJANGO_ENV),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,
    )
