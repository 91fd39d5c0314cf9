"""Staff accounts, groups and API tokens: administrators only."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from .. import roles
from .. import models as m


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
