"""Language negotiation (profile extension): which content language a request wants, and how service text
falls back, field by field, to the default language where a translation lacks it.

The language is the `lang` parameter if it names a content language, else the best one in
Accept-Language, else the default; localized responses say it in Content-Language and vary on
Accept-Language.
"""

from django.conf import settings
from django.utils.cache import patch_vary_headers
from rest_framework.views import APIView

# Language tags that mean one of the content languages (Dari is written with the Persian content).
LANGUAGE_ALIASES = {"prs": "fa", "fas": "fa", "per": "fa", "ara": "ar", "ukr": "uk", "spa": "es", "fre": "fr", "fra": "fr", "eng": "en"}
MAX_ACCEPT_LANGUAGE_ITEMS = 20


def _supported(tag: str):
    """The content language a tag such as `ar-SY`, `fa_AF` or `prs` stands for, or None."""
    primary = tag.strip().lower().replace("_", "-").split("-")[0]
    primary = LANGUAGE_ALIASES.get(primary, primary)
    return primary if primary in settings.CONTENT_LANGUAGES else None


def _from_accept_language(header: str):
    """The best content language in an Accept-Language header (q-values honoured, q=0 excluded)."""
    choices = []
    for index, part in enumerate(header.split(",")[:MAX_ACCEPT_LANGUAGE_ITEMS]):
        tag, _, rest = part.strip().partition(";")
        if not tag.strip():
            continue
        quality = 1.0
        for param in rest.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        choices.append((quality, -index, tag.strip()))
    for quality, _, tag in sorted(choices, reverse=True):
        if quality <= 0:
            continue
        if tag == "*":
            return settings.DEFAULT_CONTENT_LANGUAGE
        language = _supported(tag)
        if language:
            return language
    return None


def negotiate_language(request) -> str:
    """`lang` parameter if it names a content language, else Accept-Language, else the default."""
    raw = (request.query_params.get("lang") or "").strip()[:35]
    if raw and _supported(raw):
        return _supported(raw)
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")[:500]
    return _from_accept_language(header) or settings.DEFAULT_CONTENT_LANGUAGE


def is_default(lang: str) -> bool:
    """The default language's text is the record's own: no translation to load or pick."""
    return not lang or lang == settings.DEFAULT_CONTENT_LANGUAGE


class LocalizedView(APIView):
    """Service text in the requested language (profile extension: `lang` or Accept-Language)."""

    lang = ""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.lang = negotiate_language(request)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.lang and response.status_code < 400:
            response["Content-Language"] = self.lang
        patch_vary_headers(response, ["Accept-Language"])
        return response


def translation_of(svc, lang: str):
    """The service's translation into `lang` (loaded with `loading.translation_prefetch`), or None."""
    if is_default(lang):
        return None
    prefetched = getattr(svc, "selected_translations", None)
    if prefetched is None:
        return svc.translations.filter(language=lang).first()
    return prefetched[0] if prefetched else None


TRANSLATED_TEXTS = ("name", "description", "application_process", "fees_description", "eligibility_description")


def localized(data: dict, translation) -> dict:
    """A service's shape (rendered in the default language) in the translation's language: each text the
    translation has replaces the default one, document names by position; without a translation, `data`."""
    if translation is None:
        return data
    data = dict(data)
    for field in TRANSLATED_TEXTS:
        text = translated_text(translation, field, data.get(field, ""))
        if text:
            data[field] = text
    documents = data.get("required_documents")
    if documents:
        names = translated_documents(translation, [d.get("document", "") for d in documents])
        data["required_documents"] = [{**d, "document": name} if name else d for d, name in zip(documents, names)]
    return data


def translated_text(translation, field: str, default: str) -> str:
    value = getattr(translation, field, "") if translation is not None else ""
    return value if value and value.strip() else default


def translated_documents(translation, documents: list) -> list:
    """Translated document names by position; a missing or empty line keeps the default text."""
    lines = translation.required_documents.splitlines() if translation is not None else []
    return [lines[i].strip() if i < len(lines) and lines[i].strip() else d for i, d in enumerate(documents)]
