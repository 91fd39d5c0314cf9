"""The service admin: its forms, inlines and list filters (opening days as checkboxes, categories, translations)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.core.exceptions import PermissionDenied
from django.db import models as dj_models, transaction
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from .. import audit, validation
from .. import models as m

from .base import RoleAwareInline, VersionCheckedForm, VersionedAdmin, who
from .filters import CategoryFilter, LanguageSpokenFilter, MissingTranslationFilter, StalenessFilter
from .queries import RETIRED, language_label, missing_translations, stale_cutoff, translation_languages


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
        queryset=m.TaxonomyTerm.objects.all(),
        required=False,
        widget=FilteredSelectMultiple("categories", is_stacked=False),
        help_text="What the assistant files this service under (and flags such as 'appointment required').",
    )

    class Meta:
        model = m.Service
        fields = "__all__"
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4, "cols": 80}),
            **{f: forms.Textarea(attrs={"rows": 2, "cols": 80}) for f in ("interpretation_services", "application_process", "fees_description", "eligibility_description", "alert")},
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


@admin.register(m.Service)
class ServiceAdmin(VersionedAdmin):
    form = ServiceForm
    list_display = ("name", "organization", "status_badge", "verified", "translated")
    list_display_links = ("name",)
    list_filter = (CategoryFilter, ("organization", admin.RelatedOnlyFieldListFilter), LanguageSpokenFilter, "status", StalenessFilter, MissingTranslationFilter)
    search_fields = ("name", "alternate_name", "description", "organization__name", "translations__name")
    list_select_related = ("organization",)
    actions = ("mark_verified", "retire", "restore")
    inlines = [PhoneInline, ScheduleInline, LanguageInline, RequiredDocumentInline, TranslationInline]
    fieldsets = (
        (None, {"fields": ("name", "alternate_name", "organization", "status", "description", "categories", "loaded_version")}),
        (
            "Who can use it and how",
            {"fields": ("eligibility_description", "application_process", "fees_description", "required_documents_note", "minimum_age", "maximum_age", "wait_time", "interpretation_services")},
        ),
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
