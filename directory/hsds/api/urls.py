from django.urls import path, re_path

from . import views, write

urlpatterns = [
    path("", views.ApiRootView.as_view(), name="api-root"),
    path("openapi.json", views.OpenApiView.as_view(), name="api-openapi"),
    # Reads are public; POST, PUT, PATCH and DELETE need a staff token (write.py).
    path("services", write.ServiceCollectionView.as_view(), name="services"),
    path("services/<str:service_id>", write.ServiceItemView.as_view(), name="service"),
    path("service_at_locations", views.ServiceAtLocationListView.as_view(), name="service-at-locations"),
    path("service_at_locations/<str:sal_id>", views.ServiceAtLocationDetailView.as_view(), name="service-at-location"),
    path("organizations", write.OrganizationCollectionView.as_view(), name="organizations"),
    path("organizations/<str:organization_id>", write.OrganizationItemView.as_view(), name="organization"),
    # Profile extension: locations to link services to (POST, PUT, PATCH need a token; GET one is public).
    path("locations", write.LocationCollectionView.as_view(), name="locations"),
    path("locations/<str:location_id>", write.LocationItemView.as_view(), name="location"),
    path("taxonomies", views.TaxonomyListView.as_view(), name="taxonomies"),
    path("taxonomies/<str:taxonomy_id>", views.TaxonomyDetailView.as_view(), name="taxonomy"),
    path("taxonomy_terms", views.TaxonomyTermListView.as_view(), name="taxonomy-terms"),
    path("taxonomy_terms/<str:term_id>", views.TaxonomyTermDetailView.as_view(), name="taxonomy-term"),
    # Anything else under /api/ is a JSON 404, not an HTML page.
    re_path(r"^.*$", views.UnknownEndpointView.as_view()),
]
