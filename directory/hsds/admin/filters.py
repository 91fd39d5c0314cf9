"""List filters of the service admin: category, language spoken, staleness, missing translation."""

from django.conf import settings
from django.contrib import admin

from .. import models as m

from .queries import lacking_translation, language_label, stale_cutoff, stale_services, translation_languages


class CategoryFilter(admin.SimpleListFilter):
    title = "category"
    parameter_name = "category"

    def lookups(self, request, model_admin):
        return [(t.code, ("— " if t.parent_id else "") + t.name) for t in m.TaxonomyTerm.objects.order_by("code")]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        term = m.TaxonomyTerm.objects.filter(code=self.value()).first()
        if term is None:
            return queryset.none()
        linked = m.Attribute.objects.filter(link_entity="service", taxonomy_term_id__in=term.descendant_ids()).values("link_id")
        return queryset.filter(id__in=linked)


class LanguageSpokenFilter(admin.SimpleListFilter):
    title = "language spoken"
    parameter_name = "spoken"

    def lookups(self, request, model_admin):
        codes = m.Language.objects.filter(service__isnull=False).values_list("code", flat=True).distinct().order_by("code")
        return [(code, language_label(code)) for code in codes]

    def queryset(self, request, queryset):
        return queryset.filter(languages__code=self.value()).distinct() if self.value() else queryset


class StalenessFilter(admin.SimpleListFilter):
    title = "verification"
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [("stale", f"Stale (not verified in {settings.STALE_AFTER_DAYS} days, or never)"), ("fresh", "Verified recently")]

    def queryset(self, request, queryset):
        if self.value() == "stale":
            return stale_services(queryset)
        if self.value() == "fresh":
            return queryset.filter(assured_date__gte=stale_cutoff())
        return queryset


class MissingTranslationFilter(admin.SimpleListFilter):
    title = "missing translation"
    parameter_name = "untranslated"

    def lookups(self, request, model_admin):
        return [(code, language_label(code)) for code in translation_languages()]

    def queryset(self, request, queryset):
        return lacking_translation(queryset, self.value()) if self.value() in translation_languages() else queryset
