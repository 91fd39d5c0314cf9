"""The directory's own web protections, beside Django's (settings.py, "Web security"): a
Content-Security-Policy on every answer and admin login throttling."""

import hashlib
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.cache import caches
from django.core.exceptions import ValidationError

logger = logging.getLogger(__name__)


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def policy(**directives: str) -> str:
    return "; ".join(f"{name.replace('_', '-')} {value}" for name, value in directives.items())


class ContentSecurityPolicyMiddleware:
    """The chat page may run only its own widget files and talk only to itself (i18n.json) and Rasa;
    everything else (admin, staff pages, API) may load only its own scripts. The admin keeps inline
    styles: Django's admin templates use style attributes, and styles cannot run code."""

    def __init__(self, get_response):
        self.get_response = get_response
        common = {"base_uri": "'none'", "object_src": "'none'", "form_action": "'self'", "frame_ancestors": "'none'"}
        rasa = origin(settings.RASA_PUBLIC_URL)
        self.chat_page = policy(
            default_src="'none'",
            script_src="'self'",
            style_src="'self'",
            img_src="'self' data:",
            connect_src=" ".join(filter(None, ["'self'", rasa])),
            **common,
        )
        self.other_pages = policy(default_src="'self'", script_src="'self'", style_src="'self' 'unsafe-inline'", img_src="'self' data:", **common)

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.chat_page if request.path == "/" else self.other_pages
        return response


def client_address(request) -> str:
    """Behind the TLS proxy the client is the address the proxy appended last to X-Forwarded-For
    (anything left of it came from the client and proves nothing); otherwise the peer itself."""
    if settings.BEHIND_TLS_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")


class ThrottledAdminLoginForm(AdminAuthenticationForm):
    """The admin login, refused for a username and client address after LOGIN_FAILURES failed
    attempts within LOGIN_WINDOW_SECONDS, whatever the password (even the right one)."""

    def attempts_key(self) -> str:
        username = (self.cleaned_data.get("username") or "").casefold()
        return hashlib.sha256(f"{username}\n{client_address(self.request)}".encode()).hexdigest()

    def clean(self):
        key = self.attempts_key()
        attempts = caches["login-attempts"]
        try:
            failures = attempts.get(key, 0)
        except Exception:  # the shared cache (Redis) down: the password alone still protects the admin
            logger.warning("Login throttling unavailable: its cache cannot be reached.")
            return super().clean()
        if failures >= settings.LOGIN_FAILURES:
            minutes = max(1, settings.LOGIN_WINDOW_SECONDS // 60)
            raise ValidationError(
                "Too many failed logins for this account from your address. Try again in %(minutes)d minutes.",
                code="throttled",
                params={"minutes": minutes},
            )
        try:
            return super().clean()
        except ValidationError as error:
            if error.code == "invalid_login":
                self.count_failure(attempts, key)
            raise

    @staticmethod
    def count_failure(attempts, key: str) -> None:
        try:
            # The window starts at the first failure: add() does not extend it.
            attempts.add(key, 0, timeout=settings.LOGIN_WINDOW_SECONDS)
            attempts.incr(key)
        except Exception:
            logger.warning("Login throttling unavailable: its cache cannot be reached.")
