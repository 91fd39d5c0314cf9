"""Public, anonymous, read-only HSDS 3.0 API."""
import json
import uuid
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from rest_framework.response import Response
from rest_framework.views import APIView

from hsds import models as m

from . import parameters as params
from . import serialize
from .filters import filter_services, nearest_first, resolve_term, words_match
from .negotiation import LocalizedView
from .pagination import paged

HSDS_VERSION = "3.0"
OPENAPI_FILE = Path(__file__).with_name("openapi.json")


def get_or_404(queryset, raw_id):
    try:
        return queryset.get(id=uuid.UUID(raw_id))
    except (ValueError, ObjectDoesNotExist):
        raise Http404("No record has this id.")


class ApiRootView(APIView):
    def get(self, request):
        return Response(
            {
                "version": HSDS_VERSION,
                "profile": request.build_absolute_uri("/api/openapi.json"),
                "openapi_url": request.build_absolute_uri("/api/openapi.json"),
            }
        )


@lru_cache(maxsize=1)
def openapi_document() -> dict:
    return json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))


class OpenApiView(APIView):
    def get(self, request):
        return Response(openapi_document())


def etag(record) -> str:
    """The record's version as an entity tag; writes may send it back in If-Match."""
    return f'"{record.version}"'


class ServiceListView(LocalizedView):
    def get(self, request):
        full = params.boolean(request.query_params, "full")
        params.boolean(request.query_params, "minimal")  # validated; the full list shape is always served
        queryset = filter_services(request, serialize.service_queryset(full, lang=self.lang))
        queryset = nearest_first(request, queryset, service_links=True)
        return paged(request, queryset, lambda rows: serialize.services(rows, full=full, lang=self.lang))


class ServiceDetailView(LocalizedView):
    def get(self, request, service_id):
        svc = get_or_404(serialize.service_queryset(full=True, lang=self.lang), service_id)
        return Response(serialize.full_service(svc, lang=self.lang), headers={"ETag": etag(svc)})


def service_at_location_queryset(lang: str = "", full: bool = True):
    return m.ServiceAtLocation.objects.select_related("service__organization", "location").prefetch_related(
        *[f"location__{name}" for name in serialize.LOCATION_PREFETCH], "phones", "schedules",
        *[f"service__{name}" for name in serialize.SERVICE_PREFETCH if full], *serialize.translation_prefetch(lang, "service__"),
    ).order_by("service__name", "id")


class ServiceAtLocationListView(LocalizedView):
    def get(self, request):
        full = params.boolean(request.query_params, "full")
        queryset = filter_services(request, service_at_location_queryset(self.lang, full), service_field="service")
        queryset = nearest_first(request, queryset, service_links=False)
        return paged(request, queryset, lambda rows: serialize.service_at_locations(rows, full=full, lang=self.lang))


class ServiceAtLocationDetailView(LocalizedView):
    def get(self, request, sal_id):
        sal = get_or_404(service_at_location_queryset(self.lang), sal_id)
        return Response(serialize.service_at_location(sal, full=True, lang=self.lang))


class OrganizationListView(APIView):
    def get(self, request):
        text = params.search_text(request.query_params)
        params.boolean(request.query_params, "full")
        params.boolean(request.query_params, "full_service")
        queryset = m.Organization.objects.all()
        if text:
            queryset = queryset.filter(words_match(("name", "alternate_name", "description"), text))
        return paged(request, queryset, lambda rows: [serialize.organization(o) for o in rows])


class OrganizationDetailView(LocalizedView):
    def get(self, request, organization_id):
        params.boolean(request.query_params, "full_service")
        org = get_or_404(m.Organization.objects.all(), organization_id)
        data = serialize.organization(org)
        data.update(
            {
                "funding": [],
                "contacts": [],
                "phones": [serialize.phone(p) for p in org.phones.all()],
                "locations": [serialize.location(loc) for loc in org.locations.prefetch_related(*serialize.LOCATION_PREFETCH)],
                "programs": [],
                "organization_identifiers": [],
                "attributes": [],
                "metadata": serialize.metadata_by_record([org.id]).get(org.id, []),
                "services": [
                    serialize.service(s, full=False, lang=self.lang)
                    for s in org.services.select_related("organization").prefetch_related(*serialize.translation_prefetch(self.lang))
                ],
            }
        )
        return Response(data, headers={"ETag": etag(org)})


class TaxonomyListView(APIView):
    def get(self, request):
        text = params.search_text(request.query_params)
        queryset = m.Taxonomy.objects.all()
        if text:
            queryset = queryset.filter(words_match(("name", "description"), text))
        return paged(request, queryset, lambda rows: [serialize.taxonomy(t) for t in rows])


class TaxonomyDetailView(APIView):
    def get(self, request, taxonomy_id):
        return Response(serialize.taxonomy(get_or_404(m.Taxonomy.objects.all(), taxonomy_id)))


class TaxonomyTermListView(APIView):
    def get(self, request):
        query = request.query_params
        queryset = m.TaxonomyTerm.objects.select_related("taxonomy")
        text = params.search_text(query)
        if text:
            queryset = queryset.filter(words_match(("name", "code", "description"), text))
        taxonomy_id = params.uuid_value(query, "taxonomy_id")
        if taxonomy_id is not None:
            queryset = queryset.filter(taxonomy_id=taxonomy_id)
        if params.boolean(query, "top_only"):
            queryset = queryset.filter(parent__isnull=True)
        parent = resolve_term(params.taxonomy_term(query, "parent_id"))
        if parent is not None:
            queryset = queryset.filter(parent=parent)
        return paged(request, queryset, lambda rows: [serialize.taxonomy_term(t) for t in rows])


class TaxonomyTermDetailView(APIView):
    def get(self, request, term_id):
        return Response(serialize.taxonomy_term(get_or_404(m.TaxonomyTerm.objects.select_related("taxonomy"), term_id)))


class UnknownEndpointView(APIView):
    def get(self, request):
        raise Http404("No such endpoint or record.")
