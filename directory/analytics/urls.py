"""Included at the site root, before the admin: the report endpoint and the staff page under /admin/."""

from django.contrib import admin
from django.urls import path

from . import views

app_name = "analytics"

urlpatterns = [
    path("analytics/unmet-needs", views.report, name="report"),
    path("analytics/neighbourhoods", views.neighbourhood_names, name="neighbourhoods"),
    path("admin/unmet-needs/", admin.site.admin_view(views.staff_page), name="staff"),
    path("admin/unmet-needs/export.csv", admin.site.admin_view(views.export_csv), name="export"),
    path("admin/unmet-needs/examples/delete/", admin.site.admin_view(views.delete_examples), name="delete_examples"),
]
