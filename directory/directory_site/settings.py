"""Settings for the service directory.

Everything deployment-specific comes from the environment (see README, "Environment variables").
"""

import os
import secrets
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = BASE_DIR.parent
# The directory runs with directory/ as its working directory (gunicorn --chdir, manage.py); what it
# shares with the bot and the action server (languages, needs, scrub rules) is the project's
# `contracts` package, one level up. Every entry point loads these settings first.
if str(PROJECT_DIR) not in sys.path:
    sys.path.append(str(PROJECT_DIR))

# Lower case: an upper-case LANGUAGES here would be Django's own setting of that name.
from contracts import languages as assistant_languages  # noqa: E402
from contracts import weekly_hours  # noqa: E402


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DIRECTORY_DEBUG", False)


def local_secret_key() -> str:
    """A per-machine key kept in var/ (never committed), for running locally without setup."""
    key_file = PROJECT_DIR / "var" / "directory-secret-key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


# Production sets DIRECTORY_SECRET_KEY; DIRECTORY_REQUIRE_SECRET_KEY=1 refuses the local fallback.
SECRET_KEY = os.environ.get("DIRECTORY_SECRET_KEY", "")
if not SECRET_KEY:
    if env_bool("DIRECTORY_REQUIRE_SECRET_KEY", False):
        raise ImproperlyConfigured("DIRECTORY_SECRET_KEY is not set.")
    SECRET_KEY = local_secret_key()

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("DIRECTORY_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "hsds",
    "analytics",
]

MIDDLEWARE = [
    "hsds.import_views.UploadLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "directory_site.security.ContentSecurityPolicyMiddleware",
]

# Uploads (README "Import and export"): a body larger than the largest import is refused before it is read.
IMPORT_MAX_UPLOAD_BYTES = int(float(os.environ.get("IMPORT_MAX_UPLOAD_MB", "20")) * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # form fields; an import's file is not counted here
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger uploaded files go to a temporary file, not memory

ROOT_URLCONF = "directory_site.urls"

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

WSGI_APPLICATION = "directory_site.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{PROJECT_DIR / 'var' / 'directory.sqlite3'}"),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Write-ahead log: readers (the public API, the import page asking how far an import got) never wait for a
    # writer, such as an import holding its transaction for a minute; the setting stays with the database file.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL compiles a query it estimates as costly (a ranked list of thousands of services) just in time:
    # ~25 ms of compiling to save a few of executing. Directory queries are short: no JIT.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "en"
TIME_ZONE = os.environ.get("CITY_TIMEZONE") or weekly_hours.DEFAULT_CITY_TIMEZONE
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = PROJECT_DIR / "var" / "static"
# The chat widget is its own part (widget/); the directory serves its files on the demo page.
STATICFILES_DIRS = [("widget", PROJECT_DIR / "widget")]
WHITENOISE_USE_FINDERS = True

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    # HSDS's own `format` query parameter is ours (hsds.api.parameters.response_format), not DRF's
    # renderer override (which answered 404 for an unknown value).
    "URL_FORMAT_OVERRIDE": None,
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "EXCEPTION_HANDLER": "hsds.api.errors.exception_handler",
    # Write API (hsds/api/permissions.py): token authentication and this rate per token, writes only.
    # Counted per process (local memory cache): with N gunicorn workers a token gets up to N times it.
    "DEFAULT_THROTTLE_RATES": {"write": os.environ.get("DIRECTORY_WRITE_RATE", "120/min")},
}

# Public API paging: HSDS clients may ask for any page size, we cap it.
HSDS_DEFAULT_PER_PAGE = 20
HSDS_MAX_PER_PAGE = 100

# Content languages staff can translate service text into; the first is the default (the record itself).
# Unset or empty: the assistant's languages.
CONTENT_LANGUAGES = [c.strip() for c in (os.environ.get("DIRECTORY_LANGUAGES") or ",".join(assistant_languages.LANGUAGES)).split(",") if c.strip()]
DEFAULT_CONTENT_LANGUAGE = CONTENT_LANGUAGES[0]


def city_bounds():
    """CITY_BOUNDS="south,west,north,east" in degrees; "off" disables the check. Default: the demo city."""
    raw = os.environ.get("CITY_BOUNDS", "46.90,7.90,47.20,8.30").strip()
    if raw.lower() in {"", "off", "none"}:
        return None
    try:
        south, west, north, east = (float(part) for part in raw.split(","))
    except ValueError:
        raise ImproperlyConfigured("CITY_BOUNDS must be 'south,west,north,east', e.g. 46.90,7.90,47.20,8.30.")
    if not (south < north and west < east):
        raise ImproperlyConfigured("CITY_BOUNDS: south must be below north and west below east.")
    return south, west, north, east


CITY_BOUNDS = city_bounds()
# Phone numbers written without a country code are read as numbers of this country (ISO 3166 code).
CITY_PHONE_REGION = os.environ.get("CITY_PHONE_REGION", "GB")
# A service not verified (assured_date) for this many days is listed as stale for staff.
STALE_AFTER_DAYS = int(os.environ.get("DIRECTORY_STALE_AFTER_DAYS", "180"))
# Unmet-need analytics: a search near a shared location counts in the neighbourhood (address region)
# of the nearest place in the directory within this distance; farther away, in no neighbourhood.
NEIGHBOURHOOD_RADIUS_METRES = float(os.environ.get("DIRECTORY_NEIGHBOURHOOD_RADIUS_METRES", "1000"))

# What the demo page's chat box talks to.
RASA_PUBLIC_URL = os.environ.get("RASA_PUBLIC_URL", "http://localhost:5005")


# --- Web security (README, "Environment variables"; tests/directory/test_web_security.py) ----------
# DIRECTORY_PUBLIC_URL is the address browsers use. gunicorn serves plain HTTP, so an https:// address
# means a TLS proxy in front (the city's Ingress or load balancer), which must set X-Forwarded-Proto
# (replacing any the client sent) and X-Forwarded-For (appending the client's address). Empty (the
# local profiles): plain http://localhost, none of the settings below.
def public_origins() -> list:
    from urllib.parse import urlsplit

    origins = []
    for url in filter(None, (part.strip() for part in os.environ.get("DIRECTORY_PUBLIC_URL", "").split(","))):
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ImproperlyConfigured(f"DIRECTORY_PUBLIC_URL: {url!r} is not an http(s):// address.")
        origins.append(f"{parts.scheme}://{parts.netloc}")
    return origins


CSRF_TRUSTED_ORIGINS = public_origins()
BEHIND_TLS_PROXY = any(origin.startswith("https://") for origin in CSRF_TRUSTED_ORIGINS)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    # The action server, the analytics reports and the health probes call these over the cluster's HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^api/", r"^analytics/"]
SECURE_HSTS_SECONDS = int(os.environ.get("DIRECTORY_HSTS_SECONDS", "31536000" if BEHIND_TLS_PROXY else "0"))
# Opt-ins of the city's (they bind its whole domain for a long time): every subdomain, the preload list.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DIRECTORY_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("DIRECTORY_HSTS_PRELOAD", False)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Admin login throttling (directory_site/security.py): this many failed logins for one username from
# one client address lock that pair out for the window. Counted in Redis when REDIS_HOST is set (the
# production profile's, shared by every worker and replica), otherwise in each process's memory.
LOGIN_FAILURES = int(os.environ.get("DIRECTORY_LOGIN_FAILURES", "5"))
LOGIN_WINDOW_SECONDS = int(os.environ.get("DIRECTORY_LOGIN_WINDOW_SECONDS", "900"))


def redis_location() -> str:
    from urllib.parse import quote

    password = os.environ.get("REDIS_PASSWORD", "")
    auth = f":{quote(password, safe='')}@" if password else ""
    return f"redis://{auth}{os.environ['REDIS_HOST']}:{os.environ.get('REDIS_PORT', '6379')}/3"


CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "login-attempts": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_location(), "KEY_PREFIX": "directory-login", "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}
        if os.environ.get("REDIS_HOST")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "login-attempts"}
    ),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DIRECTORY_LOG_LEVEL", "INFO")},
}
