"""A plain staff view of the directory; the staff-editing issue makes it role-aware and pleasant."""
from django.contrib import admin

from . import models as m


class PhoneInline(admin.TabularInline):
    model = m.Phone
    fk_name = "service"
    extra = 0
    fields = ("number", "type", "description")


class ScheduleInline(admin.TabularInline):
    model = m.Schedule
    fk_name = "service"
    extra = 0
    fields = ("byday", "opens_at", "closes_at", "description")


class LanguageInline(admin.TabularInline):
    model = m.Language
    fk_name = "service"
    extra = 0
    fields = ("code", "name")


class RequiredDocumentInline(admin.TabularInline):
    model = m.RequiredDocument
    extra = 0


@admin.register(m.Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "status", "last_modified")
    list_filter = ("status", "organization")
    search_fields = ("name", "description", "organization__name")
    inlines = [PhoneInline, ScheduleInline, LanguageInline, RequiredDocumentInline]


@admin.register(m.Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "website")
    search_fields = ("name",)


class AddressInline(admin.StackedInline):
    model = m.Address
    extra = 0


@admin.register(m.Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "latitude", "longitude")
    search_fields = ("name",)
    inlines = [AddressInline]


@admin.register(m.TaxonomyTerm)
class TaxonomyTermAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "parent", "taxonomy")
    list_filter = ("taxonomy",)


admin.site.register(m.Taxonomy)
admin.site.register(m.ServiceAtLocation)
admin.site.register(m.Attribute)
admin.site.site_header = "Newcomer services directory"
