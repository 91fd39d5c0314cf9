"""Settings for the service directory.

Everything deployment-specific comes from the environment (see README, "Environment variables").
"""
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = BASE_DIR.parent


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
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

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

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "en"
TIME_ZONE = os.environ.get("CITY_TIMEZONE", "Europe/Zurich")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = PROJECT_DIR / "var" / "static"
# The chat widget's files live with the bot (bot/widget); the directory serves them on the demo page.
STATICFILES_DIRS = [("widget", PROJECT_DIR / "bot" / "widget")]
WHITENOISE_USE_FINDERS = True

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    # HSDS's own `format` query parameter is ours (hsds.api.params.response_format), not DRF's
    # renderer override (which answered 404 for an unknown value).
    "URL_FORMAT_OVERRIDE": None,
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "EXCEPTION_HANDLER": "hsds.api.errors.exception_handler",
    # Write API (hsds/api/write.py): token authentication and this rate per token, writes only.
    # Counted per process (local memory cache): with N gunicorn workers a token gets up to N times it.
    "DEFAULT_THROTTLE_RATES": {"write": os.environ.get("DIRECTORY_WRITE_RATE", "120/min")},
}

# Public API paging: HSDS clients may ask for any page size, we cap it.
HSDS_DEFAULT_PER_PAGE = 20
HSDS_MAX_PER_PAGE = 100

# Content languages staff can translate service text into; the first is the default (the record itself).
CONTENT_LANGUAGES = [c.strip() for c in os.environ.get("DIRECTORY_LANGUAGES", "en,es,fr,ar,uk,fa").split(",") if c.strip()]
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
# Example phrasings of messages not understood are kept no longer than the conversations themselves.
RETENTION_DAYS = float(os.environ.get("RETENTION_DAYS", "30"))

# What the demo page's chat box talks to.
RASA_PUBLIC_URL = os.environ.get("RASA_PUBLIC_URL", "http://localhost:5005")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DIRECTORY_LOG_LEVEL", "INFO")},
}
