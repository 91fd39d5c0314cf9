"""Staff pages beside the admin: what is stale, what lacks a translation. Scoped by role like the admin.

Mounted under /admin/ (see directory_site/urls.py), linked from the admin's index page.
"""

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from . import models as m
from . import roles
from .admin import language_label, missing_translations, stale_cutoff, stale_services, translation_languages

RETIRED = (m.Service.Status.INACTIVE, m.Service.Status.DEFUNCT)


def staff_services(request):
    """The services this staff member works with: an editor's own organisations', everyone's for others."""
    if roles.role_of(request.user) is None:
        raise PermissionDenied("You have no staff role yet; ask an administrator.")
    queryset = m.Service.objects.exclude(status__in=RETIRED).select_related("organization")
    return roles.scope(request.user, queryset)


def page(request, template: str, title: str, **context) -> TemplateResponse:
    return TemplateResponse(request, template, {**admin.site.each_context(request), "title": title, **context})


def stale_view(request):
    """Services not verified in N days (STALE_AFTER_DAYS; ?days=N overrides), never-verified ones first."""
    raw = request.GET.get("days", "")
    days, error = settings.STALE_AFTER_DAYS, ""
    if raw:
        if raw.isdigit() and int(raw) <= 36500:
            days = int(raw)
        else:
            error = f"'{raw[:20]}' is not a number of days; showing {days} days."
    services = stale_services(staff_services(request), days).order_by("assured_date", "name")
    today = timezone.localdate()
    rows = [{"service": s, "age": (today - s.assured_date).days if s.assured_date else None} for s in services]
    return page(
        request,
        "staff/stale_services.html",
        f"Services not verified in {days} days",
        rows=rows,
        days=days,
        default_days=settings.STALE_AFTER_DAYS,
        cutoff=stale_cutoff(days),
        error=error,
        can_change=roles.role_of(request.user) in (roles.ADMINISTRATOR, roles.EDITOR),
    )


def missing_translations_view(request):
    """Which services lack which languages' name or description (optionally one language: ?language=xx)."""
    languages = translation_languages()
    wanted = request.GET.get("language", "")
    services = staff_services(request).prefetch_related("translations").order_by("organization__name", "name")
    rows, counts = [], {code: 0 for code in languages}
    for service in services:
        missing = missing_translations(service)
        if wanted in languages:
            missing = {wanted: missing[wanted]} if wanted in missing else {}
        for code in missing:
            counts[code] += 1
        if missing:
            rows.append({"service": service, "missing": [(language_label(code), fields) for code, fields in missing.items()]})
    return page(
        request,
        "staff/missing_translations.html",
        "Missing translations",
        rows=rows,
        total=len(services),
        wanted=wanted,
        languages=[(code, language_label(code), counts[code]) for code in languages],
    )


urlpatterns = [
    path("stale-services/", admin.site.admin_view(stale_view), name="staff_stale_services"),
    path("missing-translations/", admin.site.admin_view(missing_translations_view), name="staff_missing_translations"),
]
