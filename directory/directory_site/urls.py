from django.contrib import admin
from django.urls import include, path

from directory_site.security import ThrottledAdminLoginForm
from hsds.views import ChatPageView

admin.site.login_form = ThrottledAdminLoginForm

urlpatterns = [
    path("", ChatPageView.as_view(), name="chat"),
    path("api/", include("hsds.api.urls")),
    path("", include("analytics.urls")),  # /analytics/unmet-needs and /admin/unmet-needs/ (before the admin)
    path("admin/", include("hsds.staff_views")),  # staff pages: stale services, missing translations
    path("admin/", include("hsds.import_views")),  # staff pages: HSDS import (preview, apply) and export
    path("admin/", admin.site.urls),
]
