from django.contrib import admin
from django.urls import include, path

from hsds.views import ChatPageView

urlpatterns = [
    path("", ChatPageView.as_view(), name="chat"),
    path("api/", include("hsds.api.urls")),
    path("", include("analytics.urls")),  # /analytics/unmet-needs and /admin/unmet-needs/ (before the admin)
    path("admin/", admin.site.urls),
]
