"""The staff admin: role-aware (administrator / editor / viewer), audited, nothing ever hard-deleted.

Permissions come from the staff member's role (`hsds.roles`), not from Django's per-model permission
checkboxes: every ModelAdmin here derives from `RoleAwareAdmin`, whose has_*_permission methods ask the
role, and whose querysets are scoped so that an editor's view of the directory is their organisations
only (another organisation's record is a 404). Every save, retire, restore or verification made here
runs inside `audit.acting_as(<staff username>, "admin")`, so the audit trail names the staff member.
"""
import datetime

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models as dj_models, transaction
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from . import audit, roles, validation
from . import models as m

LANGUAGE_NAMES = {
    "en": "English", "es": "Spanish", "fr": "French", "ar": "Arabic", "uk": "Ukrainian", "fa": "Persian (Farsi/Dari)",
    "de": "German", "it": "Italian", "pt": "Portuguese", "ru": "Russian", "tr": "Turkish", "so": "Somali",
    "ti": "Tigrinya", "ps": "Pashto", "ku": "Kurdish", "zh": "Chinese",
}
RETIRED = (m.Service.Status.INACTIVE, m.Service.Status.DEFUNCT)
CONFLICT_MESSAGE = (
    "Someone else changed this {what} since you opened it (you opened version {loaded}, it is now version "
    "{current}). Nothing was saved, so their changes are kept. Open the {what} again to see what changed, "
    "then make your changes once more."
)


def language_label(code: str) -> str:
    return f"{LANGUAGE_NAMES.get(code, code)} ({code})"


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


def who(request) -> str:
    return request.user.get_username()


# --- shared role logic -------------------------------------------------------------------------------


class RoleAwareAdmin(admin.ModelAdmin):
    """Permissions from the staff role; querysets scoped to what the role may see; writes audited."""

    # Path from this model to its organisation's id, for scoping; None for shared records (taxonomy).
    organization_field = "organization_id"
    # Shared records (taxonomies) and sensitive ones are changed by administrators only.
    administrators_only = False
    hard_delete = True
    save_on_top = True
    list_per_page = 50

    def role(self, request):
        return roles.role_of(request.user)

    def has_module_permission(self, request):
        return self.role(request) is not None

    def has_view_permission(self, request, obj=None):
        if self.role(request) is None:
            return False
        return obj is None or self.is_visible(request, obj)

    def has_add_permission(self, request):
        role = self.role(request)
        if self.administrators_only:
            return role == roles.ADMINISTRATOR
        return role in (roles.ADMINISTRATOR, roles.EDITOR)

    def has_change_permission(self, request, obj=None):
        role = self.role(request)
        if role == roles.ADMINISTRATOR:
            return True
        if role != roles.EDITOR or self.administrators_only:
            return False
        return obj is None or roles.can_change(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return self.hard_delete and self.has_change_permission(request, obj) and (
            self.role(request) == roles.ADMINISTRATOR or obj is not None
        )

    def is_visible(self, request, obj) -> bool:
        if self.organization_field is None:
            return True
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.organization_field is None:
            return queryset
        return roles.scope(request.user, queryset, self.organization_field)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """Editors pick only their own organisations (and those organisations' locations)."""
        allowed = roles.editable_organization_ids(request.user)
        if allowed is not None:
            if db_field.related_model is m.Organization:
                kwargs["queryset"] = m.Organization.objects.filter(id__in=allowed)
                kwargs["required"] = db_field.name == "organization"  # an editor's records belong to their organisation
            elif db_field.related_model is m.Location:
                kwargs["queryset"] = m.Location.objects.filter(organization_id__in=allowed)
            elif db_field.related_model is m.Service:
                kwargs["queryset"] = m.Service.objects.filter(organization_id__in=allowed)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def scoped_object(self, request, object_id):
        """The record if this staff member may see it; another organisation's record is a 404."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(f"No {self.opts.verbose_name} with id {object_id} that you can see.")
        return obj

    def save_model(self, request, obj, form, change):
        if not self.has_change_permission(request, obj):
            raise PermissionDenied("You may only change records of your own organisations.")
        super().save_model(request, obj, form, change)

    # Every write of the admin names the staff member in the audit trail.
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id is not None:
            self.scoped_object(request, object_id)
        with audit.acting_as(who(request), "admin"):
            return super().changeform_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        with audit.acting_as(who(request), "admin"):
            return super().changelist_view(request, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self.scoped_object(request, object_id)
        with audit.acting_as(who(request), "admin"):
            return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        """Every recorded change of the record and of what belongs to it: when, who, via, field, old → new."""
        obj = self.scoped_object(request, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        changes = audit.history(obj.pk).order_by("-last_action_date", "resource_type", "field_name")
        context = {
            **self.admin_site.each_context(request),
            "title": f"History: {obj}",
            "subtitle": None,
            "object": obj,
            "opts": self.opts,
            "changes": changes[:1000],
            "change_count": changes.count(),
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/hsds/history.html", context)


class RoleAwareInline:
    """Inline rows (phones, hours, ...) follow the permissions on the record they belong to."""

    extra = 0

    def has_view_permission(self, request, obj=None):
        return roles.role_of(request.user) is not None

    def has_add_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        role = roles.role_of(request.user)
        if role == roles.ADMINISTRATOR:
            return True
        if role != roles.EDITOR:
            return False
        return obj is None or roles.can_change(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)


# --- optimistic concurrency --------------------------------------------------------------------------


class VersionCheckedForm(forms.ModelForm):
    """Carries the version the form was opened with; saving over a newer version is refused."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.instance._state.adding:
            self.fields["loaded_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None and not self.instance._state.adding:
            loaded = cleaned.get("loaded_version")
            current = type(self.instance).objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
            if loaded is None or current != loaded:
                raise ValidationError(
                    CONFLICT_MESSAGE.format(what=self._meta.model._meta.verbose_name, loaded=loaded if loaded is not None else "?", current=current),
                    code="conflict",
                )
        return cleaned


class VersionedAdmin(RoleAwareAdmin):
    """Organisations, services and locations: versioned (concurrent edits refused), never hard-deleted."""

    form = VersionCheckedForm
    hard_delete = False

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self.has_change_permission(request, obj):  # read-only view: no form to protect
            fieldsets = [(name, {**opts, "fields": [f for f in opts["fields"] if f != "loaded_version"]}) for name, opts in fieldsets]
        return fieldsets


# --- services ----------------------------------------------------------------------------------------


class DaysField(forms.MultipleChoiceField):
    """Opening days as checkboxes, stored as HSDS `byday` (MO,TU,...)."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.pop("max_length", None)
        kwargs.pop("empty_value", None)
        super().__init__(choices=[(code, code.title()) for code in validation.DAY_CODES], **kwargs)

    def prepare_value(self, value):
        if isinstance(value, str):
            return [code for code in value.split(",") if code]
        return value

    def clean(self, value):
        codes = super().clean(value)
        return ",".join(code for code in validation.DAY_CODES if code in codes)

    def has_changed(self, initial, data):
        return super().has_changed(self.prepare_value(initial) or [], data)


class ScheduleForm(forms.ModelForm):
    byday = DaysField(required=True, label="Days")

    class Meta:
        model = m.Schedule
        fields = ("byday", "opens_at", "closes_at", "description")
        widgets = {
            "opens_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "closes_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "description": forms.TextInput(attrs={"size": 30}),
        }


class PhoneInline(RoleAwareInline, admin.TabularInline):
    model = m.Phone
    fk_name = "service"
    fields = ("number", "extension", "type", "description")
    verbose_name = "phone number"
    formfield_overrides = {dj_models.TextField: {"widget": forms.TextInput(attrs={"size": 40})}}


class ScheduleInline(RoleAwareInline, admin.TabularInline):
    model = m.Schedule
    fk_name = "service"
    form = ScheduleForm
    verbose_name = "opening hours"
    verbose_name_plural = "opening hours"


class LanguageInline(RoleAwareInline, admin.TabularInline):
    model = m.Language
    fk_name = "service"
    fields = ("code", "name", "note")
    verbose_name = "language spoken"
    verbose_name_plural = "languages spoken"
    formfield_overrides = {dj_models.TextField: {"widget": forms.TextInput(attrs={"size": 40})}}


class RequiredDocumentInline(RoleAwareInline, admin.TabularInline):
    model = m.RequiredDocument
    fields = ("document", "uri")
    verbose_name = "document to bring"
    verbose_name_plural = "documents to bring"


class TranslationForm(forms.ModelForm):
    language = forms.ChoiceField(choices=())

    class Meta:
        model = m.ServiceTranslation
        fields = ("language", *m.ServiceTranslation.TRANSLATED_FIELDS)
        widgets = {f: forms.Textarea(attrs={"rows": 2, "cols": 60}) for f in m.ServiceTranslation.TRANSLATED_FIELDS if f != "name"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", "---------")] + [(c, language_label(c)) for c in translation_languages()]


class TranslationInline(RoleAwareInline, admin.StackedInline):
    model = m.ServiceTranslation
    form = TranslationForm
    verbose_name = "translation"
    verbose_name_plural = "translations (empty fields fall back to the default language)"


class ServiceForm(VersionCheckedForm):
    categories = forms.ModelMultipleChoiceField(
        queryset=m.TaxonomyTerm.objects.all(), required=False,
        widget=FilteredSelectMultiple("categories", is_stacked=False),
        help_text="What the assistant files this service under (and flags such as 'appointment required').",
    )

    class Meta:
        model = m.Service
        fields = "__all__"
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4, "cols": 80}),
            **{f: forms.Textarea(attrs={"rows": 2, "cols": 80}) for f in (
                "interpretation_services", "application_process", "fees_description", "eligibility_description", "alert")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.instance._state.adding:
            self.fields["categories"].initial = list(service_terms(self.instance).values_list("taxonomy_term_id", flat=True))


def service_terms(service):
    return m.Attribute.objects.filter(link_entity="service", link_id=service.pk)


def save_categories(service, terms) -> None:
    """One Attribute per category, created and deleted one by one so the audit trail records each."""
    wanted = {term.id: term for term in terms}
    for attribute in service_terms(service):
        if attribute.taxonomy_term_id not in wanted:
            attribute.delete()
        else:
            wanted.pop(attribute.taxonomy_term_id)
    for term in wanted.values():
        m.Attribute.objects.create(link_id=service.pk, link_entity="service", link_type="category", taxonomy_term=term)


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


@admin.register(m.Service)
class ServiceAdmin(VersionedAdmin):
    form = ServiceForm
    list_display = ("name", "organization", "status_badge", "verified", "translated")
    list_display_links = ("name",)
    list_filter = (CategoryFilter, ("organization", admin.RelatedOnlyFieldListFilter), LanguageSpokenFilter, "status",
                   StalenessFilter, MissingTranslationFilter)
    search_fields = ("name", "alternate_name", "description", "organization__name", "translations__name")
    list_select_related = ("organization",)
    actions = ("mark_verified", "retire", "restore")
    inlines = [PhoneInline, ScheduleInline, LanguageInline, RequiredDocumentInline, TranslationInline]
    fieldsets = (
        (None, {"fields": ("name", "alternate_name", "organization", "status", "description", "categories", "loaded_version")}),
        ("Who can use it and how", {"fields": ("eligibility_description", "application_process", "fees_description",
                                               "required_documents_note", "minimum_age", "maximum_age", "wait_time",
                                               "interpretation_services")}),
        ("Contact", {"fields": ("url", "email")}),
        ("Verification", {"fields": ("assured_date", "assurer_email", "alert")}),
    )
    readonly_fields = ("required_documents_note",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("translations")

    @admin.display(description="Documents to bring")
    def required_documents_note(self, obj):
        return "Listed under “Documents to bring” below."

    @admin.display(description="categories")
    def categories(self, obj):
        return ", ".join(a.taxonomy_term.name for a in service_terms(obj).select_related("taxonomy_term")) or "–"

    @admin.display(description="status", ordering="status")
    def status_badge(self, obj):
        colour = {"active": "#2e7d32", "temporarily closed": "#b26a00"}.get(obj.status, "#757575")
        return format_html('<span style="color:{};font-weight:bold">{}</span>', colour, obj.get_status_display())

    @admin.display(description="last verified", ordering="assured_date")
    def verified(self, obj):
        if obj.assured_date is None:
            return format_html('<span style="color:#b00020">never</span>')
        if obj.assured_date < stale_cutoff():
            return format_html('<span style="color:#b00020">{} (stale)</span>', obj.assured_date.isoformat())
        return obj.assured_date.isoformat()

    @admin.display(description="translations")
    def translated(self, obj):
        missing = missing_translations(obj)
        if not missing:
            return "complete"
        return "missing " + ", ".join(missing)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if "categories" in form.cleaned_data:
            save_categories(form.instance, form.cleaned_data["categories"])

    # Retire and restore instead of delete; verification; each one saved record by record (audited).
    def _apply(self, request, services, verb: str, change) -> int:
        done = 0
        with audit.acting_as(who(request), "admin"), transaction.atomic():
            for service in services:
                if not self.has_change_permission(request, service):
                    raise PermissionDenied(f"You may not change “{service}”.")
                if change(service):
                    service.save()
                    done += 1
        self.message_user(request, f"{done} service{'s' if done != 1 else ''} {verb}.", messages.SUCCESS if done else messages.WARNING)
        return done

    def _verify(self, request):
        today, email = timezone.localdate(), request.user.email or ""

        def change(service):
            service.assured_date, service.assurer_email = today, email or service.assurer_email
            return True
        return change

    @staticmethod
    def _retire(service):
        if service.status in RETIRED:
            return False
        service.status = m.Service.Status.INACTIVE
        return True

    @staticmethod
    def _restore(service):
        if service.status not in RETIRED:
            return False
        service.status = m.Service.Status.ACTIVE
        return True

    @admin.action(description="Mark as verified today", permissions=["change"])
    def mark_verified(self, request, queryset):
        self._apply(request, queryset, "marked as verified today", self._verify(request))

    @admin.action(description="Retire (status inactive; nothing is deleted)", permissions=["change"])
    def retire(self, request, queryset):
        self._apply(request, queryset, "retired", self._retire)

    @admin.action(description="Restore (status active)", permissions=["change"])
    def restore(self, request, queryset):
        self._apply(request, queryset, "restored", self._restore)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path("<path:object_id>/verify/", self.admin_site.admin_view(self.button_view("verify")), name="%s_%s_verify" % info),
            path("<path:object_id>/retire/", self.admin_site.admin_view(self.button_view("retire")), name="%s_%s_retire" % info),
            path("<path:object_id>/restore/", self.admin_site.admin_view(self.button_view("restore")), name="%s_%s_restore" % info),
        ] + super().get_urls()

    def button_view(self, which: str):
        def view(request, object_id):
            if request.method != "POST":
                return HttpResponseNotAllowed(["POST"])
            service = self.scoped_object(request, object_id)
            if not self.has_change_permission(request, service):
                raise PermissionDenied
            change = {"verify": self._verify(request), "retire": self._retire, "restore": self._restore}[which]
            verb = {"verify": "marked as verified today", "retire": "retired", "restore": "restored"}[which]
            self._apply(request, [service], verb, change)
            return redirect(reverse("admin:hsds_service_change", args=[service.pk]))
        return view

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_change_this"] = obj is not None and self.has_change_permission(request, obj)
        context["is_retired"] = obj is not None and obj.status in RETIRED
        return super().render_change_form(request, context, add, change, form_url, obj)


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
    fields = ("name", "alternate_name", "organization", "location_type", "description", "transportation",
              ("latitude", "longitude"), "url", "loaded_version")
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
    list_display = ("code", "name", "parent", "taxonomy")
    list_filter = ("taxonomy",)
    search_fields = ("code", "name")


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


# --- staff accounts (administrators only) -----------------------------------------------------------


class AdministratorsOnly:
    def has_module_permission(self, request):
        return roles.is_administrator(request.user)

    def has_view_permission(self, request, obj=None):
        return roles.is_administrator(request.user)

    def has_add_permission(self, request, *args):
        return roles.is_administrator(request.user)

    def has_change_permission(self, request, obj=None):
        return roles.is_administrator(request.user)

    def has_delete_permission(self, request, obj=None):
        return roles.is_administrator(request.user)


class StaffProfileInline(AdministratorsOnly, admin.StackedInline):
    model = m.StaffProfile
    can_delete = False
    extra = 1
    max_num = 1
    filter_horizontal = ("organizations",)
    verbose_name = "staff role"
    verbose_name_plural = "staff role (editors change only the organisations chosen here)"


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)
if admin.site.is_registered(Group):
    admin.site.unregister(Group)
if admin.site.is_registered(TokenProxy):
    admin.site.unregister(TokenProxy)


@admin.register(User)
class StaffUserAdmin(AdministratorsOnly, UserAdmin):
    inlines = [StaffProfileInline]
    list_display = ("username", "email", "role", "is_active", "last_login")
    list_filter = ("staff_profile__role", "is_active")

    @admin.display(description="role")
    def role(self, obj):
        return roles.role_of(obj) or "–"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user = form.instance
        if hasattr(user, "staff_profile") and not user.is_staff:
            user.is_staff = True  # the admin only lets staff in; the role decides what they may do
            user.save(update_fields=["is_staff"])


@admin.register(Group)
class StaffGroupAdmin(AdministratorsOnly, GroupAdmin):
    pass


@admin.register(TokenProxy)
class StaffTokenAdmin(AdministratorsOnly, TokenAdmin):
    pass


admin.site.site_header = "Newcomer services directory"
admin.site.site_title = "Directory staff"
admin.site.index_title = "Keep the directory current"
