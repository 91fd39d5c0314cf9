"""Shared admin behaviour: permissions from the staff member's role, scoped querysets, audit, optimistic concurrency."""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.template.response import TemplateResponse

from .. import audit, roles
from .. import models as m


CONFLICT_MESSAGE = (
    "Someone else changed this {what} since you opened it (you opened version {loaded}, it is now version "
    "{current}). Nothing was saved, so their changes are kept. Open the {what} again to see what changed, "
    "then make your changes once more."
)


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
        return self.hard_delete and self.has_change_permission(request, obj) and (self.role(request) == roles.ADMINISTRATOR or obj is not None)

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
