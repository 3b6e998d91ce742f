"""SummitCMS settings, read from the environment (twelve-factor).

One file with small helpers, as healthchecks does: a bad value raises
ImproperlyConfigured with a sentence saying what to set, and a fresh clone runs on
SQLite under var/ without any configuration.
"""

import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

TRUE_VALUES = {"1", "true", "yes", "on"}
FALSE_VALUES = {"0", "false", "no", "off", ""}


def envbool(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    if value.strip().lower() in TRUE_VALUES:
        return True
    if value.strip().lower() in FALSE_VALUES:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {value!r}.")


def envint(name, default):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {value!r}.") from None


def envlist(name, default=()):
    value = os.environ.get(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = envbool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string in production, "
            "or set DJANGO_DEBUG=1 for local development (make run does this)."
        )
    SECRET_KEY = "insecure-development-key-only-used-when-DJANGO_DEBUG-is-on"

ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "reversion",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "apps.editorial",
    "apps.actors",
    "apps.events",
    "apps.sources",
    # The kinds of entry, in the order readers meet them (the registry keeps it).
    "apps.claims",
    "apps.quotes",
    "apps.agreements",
    # Full-text search and its PostgreSQL-only index.
    "apps.search",
    # What spans the entry types: the public pages, the desk, fixtures, the benchmark corpus.
    "apps.site",
    "apps.desk",
    "apps.interchange",
    "apps.api",
    "apps.synthetic",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    # First, so that everything below and the server's access log see the client's address.
    "summitcms.proxy.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Which database this request reads from: a replica for the public site, else the
    # primary (nothing to choose without DATABASE_REPLICA_URLS).
    "summitcms.replicas.ReplicaMiddleware",
    # Cached public pages skip everything below; the headers above still apply.
    "apps.site.cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "summitcms.middleware.IdleSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out username or address before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's, with a user's own and group permissions read in one query, not two.
    "apps.editorial.auth_backends.ModelBackend",
]

ROOT_URLCONF = "summitcms.urls"
WSGI_APPLICATION = "summitcms.wsgi.application"

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

# Database: SQLite under var/ unless DATABASE_URL says otherwise.
VAR_DIR = Path(os.environ.get("SUMMITCMS_VAR_DIR", BASE_DIR / "var"))
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'summitcms.sqlite3'}"
try:
    # Persistent connections: a cached public page costs one single-row query, and
    # opening a connection for it would cost several times that.
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("DJANGO_CONN_MAX_AGE", 600))}
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL Django understands: {exc}") from None
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] != ":memory:":
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # Concurrent admin saves must wait for each other, not fail with "database is
    # locked": WAL lets readers run beside the writer, the busy timeout makes a writer
    # wait, and IMMEDIATE takes the write lock when the transaction starts, so SQLite
    # never has to abort a reader that later tries to write.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory, so the tests can let a second process change the data.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}


# What every PostgreSQL connection runs with, unless the URL's own ``options`` set it.
CONNECTION_SETTINGS = {
    # PostgreSQL's JIT compiles a query it expects to be costly, at a cost that the few
    # rows a page reads never pay back: 536 ms of an event page's 2.1 s at a million claims.
    "jit": "off",
    # A search for a common word reads the table until its first matches (apps/search,
    # RANKED). A table larger than a quarter of shared_buffers is otherwise read from
    # where the last scan of it stopped: the same search ranked other matches from one
    # request to the next, and its scan ran into parts of the table no longer in memory
    # (at a million claims, p95 17-27 ms and up to 156 ms, against 12-18 and 37 ms).
    "synchronize_seqscans": "off",
}


def with_connection_settings(database):
    """Add ``CONNECTION_SETTINGS`` to a PostgreSQL database's ``options``, except those the
    URL's own ``options`` set (``-c name=value`` or ``--name=value``)."""
    if database["ENGINE"] != "django.db.backends.postgresql":
        return
    options = database.setdefault("OPTIONS", {})
    own = options.get("options", "")
    named = {name.replace("-", "_") for name in re.findall(r"(?:-c\s*|--)([\w.-]+)=", own)}
    defaults = [f"-c {name}={value}" for name, value in CONNECTION_SETTINGS.items() if name not in named]
    options["options"] = " ".join([*defaults, own]).strip()


with_connection_settings(DATABASES["default"])

# Read replicas (PostgreSQL streaming replicas, hot standbys): the public site reads from
# one of them, everything else from the primary (summitcms.replicas; docs/deploy.md).
# Unset, there is one database and nothing is routed.
DATABASE_REPLICAS = []
for number, url in enumerate(envlist("DATABASE_REPLICA_URLS"), start=1):
    alias = f"replica_{number}"
    try:
        DATABASES[alias] = dj_database_url.parse(url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"])
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_REPLICA_URLS holds a URL Django does not understand: {exc}") from None
    DATABASES[alias]["CONN_HEALTH_CHECKS"] = True
    with_connection_settings(DATABASES[alias])
    DATABASE_REPLICAS.append(alias)
if DATABASE_REPLICAS:
    DATABASE_ROUTERS = ["summitcms.replicas.PrimaryReplicaRouter"]
# After a write (any POST), the writer reads from the primary for this long, so that the
# next page shows what they saved even if a replica has not replayed it yet. Signed-in
# people always read from the primary.
READ_YOUR_WRITES_SECONDS = envint("SUMMITCMS_READ_YOUR_WRITES_SECONDS", 10)
# A replica or the cache that failed is left alone for this long before it is tried
# again (in each worker): meanwhile the primary answers, pages are built uncached.
OUTAGE_RETRY_SECONDS = envint("SUMMITCMS_OUTAGE_RETRY_SECONDS", 5)

# Caches: local memory by default, Redis when CACHE_URL is set (shared by all workers).
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL:
    # Django's RedisCache, except that Redis being unreachable is a cache miss, not an error.
    CACHES = {"default": {"BACKEND": "summitcms.shared_cache.RedisCache", "LOCATION": CACHE_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 5000}}}
PUBLIC_PAGE_CACHE = "default"
# Pages are keyed by the content version, so this only bounds how long unused ones stay.
PUBLIC_PAGE_CACHE_SECONDS = envint("SUMMITCMS_PAGE_CACHE_SECONDS", 600)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Hashed, compressed files need `collectstatic` first (make serve runs it); development
# and the tests serve the app directories as they are.
STATIC_MANIFEST = envbool("DJANGO_STATIC_MANIFEST", not DEBUG)
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
# Without the manifest, look files up when asked rather than index every one of them at
# start: the test client starts the middleware afresh for each test (50 ms each).
WHITENOISE_AUTOREFRESH = not STATIC_MANIFEST
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Production hardening; `check --deploy` is clean with DEBUG off.
BEHIND_TLS_PROXY = envbool("DJANGO_BEHIND_TLS_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
# How many proxies append to X-Forwarded-For in front of the server: the client's address
# is the value the outermost one appended (summitcms.proxy). Served directly, none.
TRUSTED_PROXY_COUNT = envint("DJANGO_PROXY_COUNT", 1) if BEHIND_TLS_PROXY else 0
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"DJANGO_PROXY_COUNT must be 0 or more; got {TRUSTED_PROXY_COUNT}.")
SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = envint("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Off only to scan or load-test a production build over plain HTTP on 127.0.0.1.
SECURE_COOKIES = envbool("DJANGO_SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"

# Scripts and styles only from our own origin: no inline script can run, so a script
# smuggled into a claim cannot either. The admin of Django 5.2 needs no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Sessions: an idle session ends after DJANGO_SESSION_IDLE_SECONDS; the requests of a
# signed-in person renew it (summitcms.middleware.IdleSessionMiddleware).
SESSION_COOKIE_AGE = envint("DJANGO_SESSION_IDLE_SECONDS", 2 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Failed logins (django-axes). A username is locked after AXES_FAILURE_LIMIT failures
# whether they come from one address or from many (the default locks per address
# only), and so is an address that tries many usernames. A superuser unlocks in the
# admin (Axes › Access attempts) or with `manage.py axes_reset_username NAME`.
AXES_FAILURE_LIMIT = envint("DJANGO_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("DJANGO_LOGIN_COOLOFF_MINUTES", 30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_SENSITIVE_PARAMETERS = ["password", "password1", "password2", "old_password", "new_password1", "new_password2"]
# The address the proxy saw, not one the client wrote in X-Forwarded-For (also for a
# request that did not come through the middleware).
AXES_CLIENT_IP_CALLABLE = "summitcms.proxy.client_address"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals_on_one_line": {"()": "summitcms.logs.RefusalsOnOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django.request": {"filters": ["refusals_on_one_line"]},
        # A request for a host not in DJANGO_ALLOWED_HOSTS (a scanner, a stale DNS name): one line.
        "django.security.DisallowedHost": {"filters": ["refusals_on_one_line"]},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# The four-eyes rule: an editor cannot verify an entry they created. A one-person team
# may turn it off.
SUMMITCMS_FOUR_EYES = envbool("SUMMITCMS_FOUR_EYES", True)

# The JSON API (/api/, apps.api): anonymous and read-only, JSON only. No authentication
# at all, so a signed-in editor's session gives it no more than a reader gets, and no
# CSRF surface. One representation per address (no browsable HTML, no ?format=), as the
# page cache, which keys by address, expects.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "URL_FORMAT_OVERRIDE": None,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SummitCMS API",
    "DESCRIPTION": (
        "Read-only JSON of the verified claims, quotes and agreements, each with its evidence: "
        "the same filters, order and pages as the lists on the site."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/",
}
