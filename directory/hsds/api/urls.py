from django.urls import path, re_path

from . import locations, organizations, root, services, taxonomies

urlpatterns = [
    path("", root.ApiRootView.as_view(), name="api-root"),
    path("openapi.json", root.OpenApiView.as_view(), name="api-openapi"),
    # Reads are public; POST, PUT, PATCH and DELETE need a staff token (permissions.py).
    path("services", services.ServiceCollectionView.as_view(), name="services"),
    path("services/<str:service_id>", services.ServiceItemView.as_view(), name="service"),
    path("service_at_locations", locations.ServiceAtLocationListView.as_view(), name="service-at-locations"),
    path("service_at_locations/<str:sal_id>", locations.ServiceAtLocationDetailView.as_view(), name="service-at-location"),
    path("organizations", organizations.OrganizationCollectionView.as_view(), name="organizations"),
    path("organizations/<str:organization_id>", organizations.OrganizationItemView.as_view(), name="organization"),
    # Profile extension: locations to link services to (POST, PUT, PATCH need a token; GET one is public).
    path("regions", locations.RegionListView.as_view(), name="regions"),
    path("locations", locations.LocationCollectionView.as_view(), name="locations"),
    path("locations/<str:location_id>", locations.LocationItemView.as_view(), name="location"),
    path("taxonomies", taxonomies.TaxonomyListView.as_view(), name="taxonomies"),
    path("taxonomies/<str:taxonomy_id>", taxonomies.TaxonomyDetailView.as_view(), name="taxonomy"),
    path("taxonomy_terms", taxonomies.TaxonomyTermListView.as_view(), name="taxonomy-terms"),
    path("taxonomy_terms/<str:term_id>", taxonomies.TaxonomyTermDetailView.as_view(), name="taxonomy-term"),
    # Anything else under /api/ is a JSON 404, not an HTML page.
    re_path(r"^.*$", root.UnknownEndpointView.as_view()),
]
