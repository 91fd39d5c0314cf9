"""Public, anonymous, read-only HSDS 3.0 API."""
import json
import math
import uuid
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q
from django.http import Http404
from django.utils.cache import patch_vary_headers
from rest_framework.response import Response
from rest_framework.views import APIView

from hsds import geo
from hsds import models as m

from . import params, serialize
from .errors import BadParameter

HSDS_VERSION = "3.0"
OPENAPI_FILE = Path(__file__).with_name("openapi.json")


def paged(request, queryset, render) -> Response:
    """The HSDS paged list shape around one page of `queryset`."""
    page, per_page = params.paging(request.query_params)
    total = queryset.count()
    total_pages = max(1, math.ceil(total / per_page))
    rows = list(queryset[(page - 1) * per_page : page * per_page])
    contents = render(rows)
    return Response(
        {
            "total_items": total,
            "total_pages": total_pages,
            "page_number": page,
            "size": len(contents),
            "first_page": page == 1,
            "last_page": page >= total_pages,
            "empty": len(contents) == 0,
            "contents": contents,
        }
    )


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


def words_match(fields: tuple, text: str) -> Q:
    """Every word of `text` must appear in at least one of `fields` (case-insensitive)."""
    query = Q()
    for word in text.split()[:10]:
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{field}__icontains": word})
        query &= any_field
    return query


def filter_services(request, queryset, service_field: str = ""):
    """Filters shared by /services and /service_at_locations; `service_field` prefixes lookups."""
    query = request.query_params
    prefix = f"{service_field}__" if service_field else ""
    id_field = f"{service_field}_id" if service_field else "id"

    term = params.taxonomy_term(query)
    if term is not None:
        linked = m.Attribute.objects.filter(link_entity="service", taxonomy_term_id__in=term.descendant_ids())
        queryset = queryset.filter(**{f"{id_field}__in": linked.values("link_id")})

    taxonomy_id = params.uuid_value(query, "taxonomy_id")
    if taxonomy_id is not None:
        linked = m.Attribute.objects.filter(link_entity="service", taxonomy_term__taxonomy_id=taxonomy_id)
        queryset = queryset.filter(**{f"{id_field}__in": linked.values("link_id")})

    organization_id = params.uuid_value(query, "organization_id")
    if organization_id is not None:
        queryset = queryset.filter(**{f"{prefix}organization_id": organization_id})

    since = params.modified_after(query)
    if since is not None:
        queryset = queryset.filter(**{f"{prefix}last_modified__gte": since})

    wanted_statuses = params.statuses(query)
    if wanted_statuses:
        queryset = queryset.filter(**{f"{prefix}status__in": wanted_statuses})

    spoken = (query.get("language") or "").strip().lower()
    if spoken:
        if not spoken.isalpha() or len(spoken) > 8:
            raise BadParameter("language", "'language' must be a language code such as 'ar' or 'uk'.")
        queryset = queryset.filter(**{f"{id_field}__in": m.Language.objects.filter(code=spoken, service__isnull=False).values("service_id")})

    text = params.search_text(query)
    if text:
        for word in text.split()[:10]:
            queryset = queryset.filter(
                words_match(tuple(prefix + f for f in ("name", "alternate_name", "description", "eligibility_description")), word)
                | Q(**{f"{id_field}__in": services_matching_elsewhere(word)})
            )
    return queryset


def services_matching_elsewhere(word: str):
    """Ids of the services whose organization name, category (term name or code), neighbourhood or
    location name, or translated text holds `word`, as one subquery: each is looked up in its small table
    first, and the services are then tested against one list instead of four (text search scans them all)."""
    organizations = m.Organization.objects.filter(name__icontains=word).values("id")
    terms = m.TaxonomyTerm.objects.filter(Q(name__icontains=word) | Q(code__icontains=word)).values("id")
    places = m.Location.objects.filter(Q(addresses__region__icontains=word) | Q(name__icontains=word)).values("id")
    return (
        m.Service.objects.filter(organization_id__in=organizations).order_by().values("id")
        .union(
            m.Attribute.objects.filter(link_entity="service", taxonomy_term_id__in=terms).order_by().values("link_id"),
            m.ServiceAtLocation.objects.filter(location_id__in=places).order_by().values("service_id"),
            m.ServiceTranslation.objects.filter(words_match(("name", "description", "eligibility_description"), word)).order_by().values("service_id"),
            all=True,
        )
    )


class NearestFirst:
    """Rows of `queryset` in the order of `ids` (nearest first), sliceable and countable like a queryset."""

    def __init__(self, queryset, ids: list) -> None:
        self.queryset, self.ids = queryset, ids

    def count(self) -> int:
        return len(self.ids)

    def __getitem__(self, window: slice) -> list:
        ids = self.ids[window]
        rows = {row.id: row for row in self.queryset.filter(id__in=ids)}
        return [rows[i] for i in ids if i in rows]


def by_distance(queryset, where, located, id_field: str) -> NearestFirst:
    """Profile extension lat/lon/proximity: `queryset` ordered by distance from the point, nearest first.

    `located` holds the service_at_locations of the filtered rows and `id_field` names the row each belongs
    to; a row with several locations is as far as its nearest one. Without `proximity`, rows without
    coordinates come last; with it, only rows within `proximity` metres are kept. Ties keep the usual order.
    """
    lat, lon, radius = where
    located = located.filter(location__latitude__isnull=False, location__longitude__isnull=False)
    if radius is not None:  # bounding-box prefilter in the database, exact distance below
        box = geo.bounding_box(lat, lon, radius)
        located = located.filter(location__latitude__gte=box["lat_min"], location__latitude__lte=box["lat_max"])
        if "lon_min" in box:
            located = located.filter(location__longitude__gte=box["lon_min"], location__longitude__lte=box["lon_max"])
    nearest = {}
    for row_id, row_lat, row_lon in located.values_list(id_field, "location__latitude", "location__longitude"):
        metres = geo.haversine_metres(lat, lon, float(row_lat), float(row_lon))
        if metres < nearest.get(row_id, math.inf):
            nearest[row_id] = metres
    usual_order = list(queryset.prefetch_related(None).values_list("id", flat=True))
    position = {row_id: index for index, row_id in enumerate(usual_order)}
    within = [i for i in nearest if i in position and (radius is None or nearest[i] <= radius)]
    ids = sorted(within, key=lambda i: (nearest[i], position[i]))
    if radius is None:
        ids += [i for i in usual_order if i not in nearest]
    return NearestFirst(queryset, ids)


def nearest_first(request, queryset, service_links: bool):
    where = params.point(request.query_params)
    if where is None:
        return queryset
    if service_links:  # /services: a service's locations are its service_at_locations
        return by_distance(queryset, where, m.ServiceAtLocation.objects.filter(service_id__in=queryset.values("id")), "service_id")
    return by_distance(queryset, where, queryset.prefetch_related(None).order_by(), "id")  # /service_at_locations: one location per row


class LocalizedView(APIView):
    """Service text in the requested language (profile extension: `lang` or Accept-Language)."""

    lang = ""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.lang = serialize.negotiate_language(request)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.lang and response.status_code < 400:
            response["Content-Language"] = self.lang
        patch_vary_headers(response, ["Accept-Language"])
        return response


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
        parent = params.taxonomy_term(query, "parent_id")
        if parent is not None:
            queryset = queryset.filter(parent=parent)
        return paged(request, queryset, lambda rows: [serialize.taxonomy_term(t) for t in rows])


class TaxonomyTermDetailView(APIView):
    def get(self, request, term_id):
        return Response(serialize.taxonomy_term(get_or_404(m.TaxonomyTerm.objects.select_related("taxonomy"), term_id)))


class UnknownEndpointView(APIView):
    def get(self, request):
        raise Http404("No such endpoint or record.")
