"""The taxonomy crosswalk in the admin: which foreign terms mean which newcomer need (audited, versioned),
the suggestions waiting for review, and the foreign terms nobody has mapped (with the best guess for each)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import path
from django.utils.html import format_html

from .. import models as m
from ..crosswalk import suggestions
from ..crosswalk.export import crosswalk_text
from .base import VersionCheckedForm, VersionedAdmin


class CrosswalkForm(VersionCheckedForm):
    class Meta:
        model = m.CrosswalkMapping
        fields = ["need", "foreign_term", "reviewed"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "need" in self.fields:  # a need is one of ours; the foreign term is any other
            self.fields["need"].queryset = m.TaxonomyTerm.objects.filter(id__in=[need.id for need in suggestions.needs()])
            self.fields["foreign_term"].queryset = m.TaxonomyTerm.objects.exclude(taxonomy_id__in=suggestions.our_taxonomy_ids()).order_by("code")


@admin.register(m.CrosswalkMapping)
class CrosswalkMappingAdmin(VersionedAdmin):
    """Shared by the whole city, so administrators keep it; a staff member's save marks the mapping reviewed."""

    form = CrosswalkForm
    organization_field = None
    administrators_only = True
    hard_delete = True  # a wrong mapping is removed (the deletion is audited)
    list_display = ("foreign_term", "need", "origin", "confidence", "reviewed")
    list_filter = ("reviewed", "origin", "need")
    search_fields = ("foreign_term__code", "foreign_term__name", "need__code")
    list_select_related = ("need", "foreign_term")
    actions = ["mark_reviewed"]

    def save_model(self, request, obj, form, change):
        obj.reviewed = True
        if not change:
            obj.origin, obj.confidence = m.CrosswalkMapping.ORIGIN_STAFF, 1.0
        super().save_model(request, obj, form, change)

    def may_export(self, request) -> bool:
        # The change permission is the one `administrators_only` restricts (base.py); viewers and editors
        # may list the mappings but the file is what another city's search will trust.
        return self.has_change_permission(request)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [path("export/", self.admin_site.admin_view(self.export_view), name="%s_%s_export" % info)] + super().get_urls()

    def export_view(self, request):
        """The crosswalk file (contracts/crosswalk_file.py) as a download; ?reviewed_only=1 for reviewed mappings only."""
        if not self.may_export(request):
            raise PermissionDenied
        response = HttpResponse(crosswalk_text(reviewed_only=request.GET.get("reviewed_only") == "1"), content_type="text/yaml; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="crosswalk.yml"'
        return response

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {**(extra_context or {}), "can_export_crosswalk": self.may_export(request)})

    @admin.action(description="Mark the selected mappings as reviewed")
    def mark_reviewed(self, request, queryset):
        for mapping in queryset.filter(reviewed=False):
            mapping.reviewed = True
            mapping.save()  # one audited change per mapping


class UnmappedFilter(admin.SimpleListFilter):
    title = "crosswalk"
    parameter_name = "crosswalk"

    def lookups(self, request, model_admin):
        return [("unmapped", "Foreign terms not mapped to a need"), ("mapped", "Foreign terms mapped to a need")]

    def queryset(self, request, queryset):
        if self.value() == "unmapped":
            return queryset.filter(id__in=suggestions.unmapped_terms().values("id"))
        if self.value() == "mapped":
            return queryset.exclude(taxonomy_id__in=suggestions.our_taxonomy_ids()).filter(crosswalk_needs__isnull=False).distinct()
        return queryset


def best_guess(term, suggestion=None) -> str:
    """The suggestion for an unmapped term (worked out here unless given), shown so staff can map it in one step."""
    suggestion = suggestion or suggestions.suggest([term])[0]
    if suggestion.need is None:
        return "-"
    return format_html(
        '{} <small>({})</small> <a href="../crosswalkmapping/add/?foreign_term={}&amp;need={}">map</a>', suggestion.need.code, f"{suggestion.confidence:.2f}", term.id, suggestion.need.id
    )


best_guess.short_description = "suggested need"
