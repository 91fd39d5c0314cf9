"""An entry on the admin index ("Unmet needs") leading to the staff page; counts are read-only."""

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse

from hsds.roles import role_of

from .models import UnmetNeedCount


@admin.register(UnmetNeedCount)
class UnmetNeedCountAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):
        return role_of(request.user) is not None

    def has_view_permission(self, request, obj=None):
        return role_of(request.user) is not None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        return HttpResponseRedirect(reverse("analytics:staff"))
