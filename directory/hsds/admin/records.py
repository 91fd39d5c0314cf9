"""Organisations, locations, service-at-locations, taxonomy and the audit trail in the admin."""

from django.contrib import admin

from .. import roles
from .. import models as m

from ..crosswalk import suggestions
from .crosswalk import UnmappedFilter, best_guess
from .base import RoleAwareAdmin, RoleAwareInline, VersionedAdmin
from .services import PhoneInline, ScheduleInline


# --- organisations, locations, taxonomy ------------------------------------------------------------


@admin.register(m.Organization)
class OrganizationAdmin(VersionedAdmin):
    organization_field = "id"
    list_display = ("name", "email", "website", "service_count")
    search_fields = ("name", "alternate_name", "description")
    fields = ("name", "alternate_name", "description", "email", "website", "uri", "parent_organization", "loaded_version")

    def has_add_permission(self, request):
        return self.role(request) == roles.ADMINISTRATOR

    @admin.display(description="services")
    def service_count(self, obj):
        return obj.services.count()


class AddressInline(RoleAwareInline, admin.StackedInline):
    model = m.Address
    fields = (("address_1", "address_2"), ("postal_code", "city"), ("region", "state_province", "country"), "address_type")


class LocationPhoneInline(PhoneInline):
    fk_name = "location"


class LocationScheduleInline(ScheduleInline):
    fk_name = "location"


@admin.register(m.Location)
class LocationAdmin(VersionedAdmin):
    list_display = ("__str__", "organization", "location_type", "latitude", "longitude")
    list_filter = (("organization", admin.RelatedOnlyFieldListFilter), "location_type")
    search_fields = ("name", "addresses__address_1", "organization__name")
    fields = ("name", "alternate_name", "organization", "location_type", "description", "transportation", ("latitude", "longitude"), "url", "loaded_version")
    inlines = [AddressInline, LocationPhoneInline, LocationScheduleInline]


@admin.register(m.ServiceAtLocation)
class ServiceAtLocationAdmin(RoleAwareAdmin):
    organization_field = "service__organization_id"
    list_display = ("service", "location")
    search_fields = ("service__name", "location__name")


@admin.register(m.TaxonomyTerm)
class TaxonomyTermAdmin(RoleAwareAdmin):
    organization_field = None
    administrators_only = True
    hard_delete = False
    list_display = ("code", "name", "parent", "taxonomy", "suggested_need")
    list_filter = (UnmappedFilter, "taxonomy")
    search_fields = ("code", "name")

    def get_list_display(self, request):
        """The suggested need only on the unmapped terms' page, where staff act on it."""
        shown = super().get_list_display(request)
        return shown if request.GET.get("crosswalk") == "unmapped" else [name for name in shown if name != "suggested_need"]

    def get_changelist_instance(self, request):
        """The page's suggestions worked out together (one embedding call for the page, not one per row)."""
        changelist = super().get_changelist_instance(request)
        if request.GET.get("crosswalk") == "unmapped":
            terms = list(changelist.result_list)
            for term, suggestion in zip(terms, suggestions.suggest(terms)):
                term.suggestion = suggestion
        return changelist

    @admin.display(description="suggested need")
    def suggested_need(self, term):
        return best_guess(term, getattr(term, "suggestion", None))


@admin.register(m.RegionName)
class RegionNameAdmin(RoleAwareAdmin):
    """Other names of the city's neighbourhoods (any script): city-wide, so administrators keep them."""

    organization_field = None
    administrators_only = True
    list_display = ("name", "region")
    search_fields = ("name", "region")


@admin.register(m.Taxonomy)
class TaxonomyAdmin(RoleAwareAdmin):
    organization_field = None
    administrators_only = True
    hard_delete = False
    list_display = ("name", "version")


@admin.register(m.ChangeRecord)
class ChangeRecordAdmin(RoleAwareAdmin):
    """The whole audit trail, read-only; each record's own history is on its History page."""

    organization_field = None
    administrators_only = True
    hard_delete = False
    list_display = ("last_action_date", "updated_by", "via", "last_action_type", "resource_type", "field_name", "previous_value", "replacement_value")
    list_filter = ("via", "last_action_type", "resource_type")
    search_fields = ("updated_by", "resource_id", "owner_id", "field_name", "previous_value", "replacement_value")
    date_hierarchy = "last_action_date"

    def has_module_permission(self, request):
        return self.role(request) == roles.ADMINISTRATOR

    def has_view_permission(self, request, obj=None):
        return self.role(request) == roles.ADMINISTRATOR

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
