"""What the admin and the staff pages ask of the directory: stale services, missing translations, labels."""

import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from contracts.languages import staff_label as language_label  # noqa: F401  "Persian (Farsi/Dari) (fa)"

from .. import models as m


RETIRED = (m.Service.Status.INACTIVE, m.Service.Status.DEFUNCT)


def translation_languages() -> list:
    return [code for code in settings.CONTENT_LANGUAGES if code != settings.DEFAULT_CONTENT_LANGUAGE]


def stale_cutoff(days: int = None) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=settings.STALE_AFTER_DAYS if days is None else days)


def stale_services(queryset, days: int = None):
    """Services never verified, or last verified more than `days` (STALE_AFTER_DAYS) days ago."""
    return queryset.filter(Q(assured_date__isnull=True) | Q(assured_date__lt=stale_cutoff(days)))


def complete_translation(language: str):
    return m.ServiceTranslation.objects.filter(service=OuterRef("pk"), language=language).exclude(name="").exclude(description="")


def lacking_translation(queryset, language: str):
    """Services without a name and description in `language`."""
    return queryset.annotate(_has=Exists(complete_translation(language))).filter(_has=False)


def missing_translations(service) -> dict:
    """{language: [missing fields]} for the name and description of a service (translations prefetched or not)."""
    by_language = {t.language: t for t in service.translations.all()}
    missing = {}
    for language in translation_languages():
        translation = by_language.get(language)
        fields = [f for f in ("name", "description") if translation is None or not getattr(translation, f).strip()]
        if fields:
            missing[language] = fields
    return missing
