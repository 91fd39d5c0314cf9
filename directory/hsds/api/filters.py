"""Filtering and ordering of the service lists (/services and /service_at_locations) by their query parameters.

Parameters are parsed by parameters.py; what they name (a taxonomy term by code or id) is looked up here,
in the order the parameters are applied, so that the first bad parameter is the one reported.
"""

import math

from django.db.models import Q, Value
from django.db.models.functions import Replace, Upper
from django.utils import timezone

from contracts.weekly_hours import EVENING, days_asked
from hsds import geo
from hsds import models as m

from . import page_cache, parameters
from .errors import BadParameter


def words_match(fields: tuple, text: str) -> Q:
    """Every word of `text` must appear in at least one of `fields` (case-insensitive)."""
    query = Q()
    for word in text.split()[:10]:
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{field}__icontains": word})
        query &= any_field
    return query


def resolve_term(reference):
    """The TaxonomyTerm a parsed `parameters.TermReference` names (a 400 naming the parameter if none)."""
    if reference is None:
        return None
    term = m.TaxonomyTerm.objects.filter(**reference.lookup).first()
    if term is None:
        raise BadParameter(reference.parameter, f"'{reference.parameter}': no taxonomy term has the id or code '{reference.raw[:64]}'.")
    return term


def asked_term(request):
    """The TaxonomyTerm `taxonomy_term_id` names, looked up once per request (the filters and the ranking both ask)."""
    if not hasattr(request, "asked_term"):
        reference = parameters.taxonomy_term(request.query_params)
        key = ("term", *sorted(reference.lookup.items())) if reference is not None else ("term",)
        request.asked_term = page_cache.remembered(request, key, lambda: resolve_term(reference))
    return request.asked_term


def filter_services(request, queryset, service_field: str = ""):
    """Filters shared by /services and /service_at_locations; `service_field` prefixes lookups."""
    query = request.query_params
    prefix = f"{service_field}__" if service_field else ""
    id_field = f"{service_field}_id" if service_field else "id"

    term = asked_term(request)
    if term is not None:
        below = page_cache.remembered(request, ("below", term.id), lambda: tuple(term.descendant_ids(through_crosswalk=True)))
        linked = m.Attribute.objects.filter(link_entity="service", taxonomy_term_id__in=below)
        queryset = queryset.filter(**{f"{id_field}__in": linked.values("link_id")})

    taxonomy_id = parameters.uuid_value(query, "taxonomy_id")
    if taxonomy_id is not None:
        linked = m.Attribute.objects.filter(link_entity="service", taxonomy_term__taxonomy_id=taxonomy_id)
        queryset = queryset.filter(**{f"{id_field}__in": linked.values("link_id")})

    organization_id = parameters.uuid_value(query, "organization_id")
    if organization_id is not None:
        queryset = queryset.filter(**{f"{prefix}organization_id": organization_id})

    since = parameters.modified_after(query)
    if since is not None:
        queryset = queryset.filter(**{f"{prefix}last_modified__gte": since})

    wanted_statuses = parameters.statuses(query)
    if wanted_statuses:
        queryset = queryset.filter(**{f"{prefix}status__in": wanted_statuses})

    spoken = parameters.spoken_language(query)
    if spoken:
        queryset = queryset.filter(**{f"{id_field}__in": m.Language.objects.filter(code=spoken, service__isnull=False).values("service_id")})

    when = parameters.opening(query)
    if when:
        queryset = queryset.filter(**{f"{id_field}__in": open_services(when)})

    district = parameters.region(query)
    if district:
        queryset = queryset.filter(**{f"{id_field}__in": services_in_region(request, district)})

    code = parameters.postal_code(query)
    if code:
        queryset = queryset.filter(**{f"{id_field}__in": services_at_postal_code(code)})

    if parameters.flag(query, "free"):
        queryset = queryset.filter(**{f"{prefix}fees_description__iregex": FREE_OF_CHARGE})

    if parameters.flag(query, "walk_in"):
        walk_in = m.Attribute.objects.filter(link_entity="service", taxonomy_term__code=WALK_IN_TERM)
        queryset = queryset.filter(**{f"{id_field}__in": walk_in.values("link_id")})

    for group in parameters.eligibility(query):
        eligible = m.Attribute.objects.filter(link_entity="service", taxonomy_term__code=parameters.ELIGIBILITY_PREFIX + group)
        queryset = queryset.filter(**{f"{id_field}__in": eligible.values("link_id")})

    text = parameters.search_text(query)
    if text:
        for word in text.split()[:10]:
            queryset = queryset.filter(
                words_match(tuple(prefix + f for f in ("name", "alternate_name", "description", "eligibility_description")), word) | Q(**{f"{id_field}__in": services_matching_elsewhere(word)})
            )
    return queryset


# `free=true`: the fees say free, and nothing else ("Free", "free of charge", "gratuit", "مجاني"); "Free for
# jobseekers; EUR 30 for others" is not free for everyone and does not count.
FREE_WORDS = (
    "free",
    "free of charge",
    "no charge",
    "no cost",
    "gratis",
    "gratuit",
    "gratuite",
    "gratuito",
    "gratuita",
    "sin costo",
    "kostenlos",
    "مجاني",
    "مجانا",
    "مجانًا",
    "безкоштовно",
    "безоплатно",
    "رایگان",
)
FREE_OF_CHARGE = r"^\s*(" + "|".join(FREE_WORDS) + r")\s*[.!]?\s*$"
# `walk_in=true`: services tagged with this service-features term (taxonomy/newcomer_needs.yml).
WALK_IN_TERM = "walk-in"


def services_in_region(request, name: str):
    """The ids of services at a location whose address is in the neighbourhood `name` (any letter case, or
    another name staff added for it);
    a name no address gives is a 400 naming `region` and the known names (GET /api/regions)."""
    # Its own name, or another name staff added (models.RegionName): still one query.
    addresses = m.Address.objects.filter(Q(region__iexact=name) | Q(region__in=m.RegionName.objects.filter(name__iexact=name).values("region")))
    if not page_cache.remembered(request, ("region", name), addresses.exists):  # the name as given: the database decides which spellings match
        raise BadParameter("region", f"'region': no address is in a neighbourhood called '{name[:60]}'; GET /api/regions lists them.")
    return m.ServiceAtLocation.objects.filter(location_id__in=addresses.values("location_id")).values("service_id")


def compact(expression):
    """A postal code without its spaces and hyphens, in capitals: "pm 1004" and "PM-1004" are the same code."""
    return Replace(Replace(Upper(expression), Value(" "), Value("")), Value("-"), Value(""))


def services_at_postal_code(code: str):
    """The ids of services at a location whose address has this postal code (spaces, hyphens and letter case
    aside), or whose code starts with it as its first part ("SW1A" for "SW1A 1AA"), as one subquery. A code
    no address has is no error: nothing is there."""
    wanted = code.replace(" ", "").replace("-", "")
    addresses = m.Address.objects.annotate(compact_code=compact("postal_code")).filter(Q(compact_code=wanted) | Q(postal_code__istartswith=f"{code} "))
    return m.ServiceAtLocation.objects.filter(location_id__in=addresses.values("location_id")).values("service_id")


def open_services(when: str):
    """Ids of the services with a weekly schedule (their own or at one of their locations) matching `when`
    (parameters.OPEN_VALUES), evaluated now in the city's time zone, as one subquery."""
    now = timezone.localtime()
    on_day = Q()
    for day in days_asked(when, now):
        on_day |= Q(byday__contains=day)
    current = Q(valid_from__isnull=True) | Q(valid_from__lte=now.date())
    current &= Q(valid_to__isnull=True) | Q(valid_to__gte=now.date())
    schedules = m.Schedule.objects.filter(on_day, current)
    if when == "now":
        schedules = schedules.filter(opens_at__lte=now.time(), closes_at__gt=now.time())
    elif when == "evening":
        schedules = schedules.filter(closes_at__gt=EVENING)
    return (
        schedules.filter(service__isnull=False)
        .order_by()
        .values("service_id")
        .union(schedules.filter(service_at_location__isnull=False).order_by().values("service_at_location__service_id"), all=True)
    )


def services_matching_elsewhere(word: str):
    """Ids of the services whose organization name, category (term name or code), neighbourhood or
    location name, or translated text holds `word`, as one subquery: each is looked up in its small table
    first, and the services are then tested against one list instead of four (text search scans them all)."""
    organizations = m.Organization.objects.filter(name__icontains=word).values("id")
    terms = m.TaxonomyTerm.objects.filter(Q(name__icontains=word) | Q(code__icontains=word)).values("id")
    places = m.Location.objects.filter(Q(addresses__region__icontains=word) | Q(name__icontains=word)).values("id")
    return (
        m.Service.objects.filter(organization_id__in=organizations)
        .order_by()
        .values("id")
        .union(
            m.Attribute.objects.filter(link_entity="service", taxonomy_term_id__in=terms).order_by().values("link_id"),
            m.ServiceAtLocation.objects.filter(location_id__in=places).order_by().values("service_id"),
            m.ServiceTranslation.objects.filter(words_match(("name", "description", "eligibility_description"), word)).order_by().values("service_id"),
            all=True,
        )
    )


class NearestFirst:
    """Rows of `queryset` in the order of `ids` (nearest first), sliceable and countable like a queryset;
    `distances`: {row id: metres from the point asked about}, for the page's Distance-Metres header."""

    def __init__(self, queryset, ids: list, distances: dict = None) -> None:
        self.queryset, self.ids, self.distances = queryset, ids, distances or {}

    def count(self) -> int:
        return len(self.ids)

    def __getitem__(self, window: slice) -> list:
        ids = self.ids[window]
        rows = {row.id: row for row in self.queryset.filter(id__in=ids)}
        return [rows[i] for i in ids if i in rows]


def nearest_metres(where, located, id_field: str) -> dict:
    """{row id: metres from the point to the row's nearest location} in one query (within the radius, if any)."""
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
    return nearest


def by_distance(queryset, where, located, id_field: str) -> NearestFirst:
    """Profile extension lat/lon/proximity: `queryset` ordered by distance from the point, nearest first.

    `located` holds the service_at_locations of the filtered rows and `id_field` names the row each belongs
    to; a row with several locations is as far as its nearest one. Without `proximity`, rows without
    coordinates come last; with it, only rows within `proximity` metres are kept. Ties keep the usual order.
    """
    radius = where[2]
    nearest = nearest_metres(where, located, id_field)
    usual_order = list(queryset.prefetch_related(None).values_list("id", flat=True))
    position = {row_id: index for index, row_id in enumerate(usual_order)}
    within = [i for i in nearest if i in position and (radius is None or nearest[i] <= radius)]
    ids = sorted(within, key=lambda i: (nearest[i], position[i]))
    if radius is None:
        ids += [i for i in usual_order if i not in nearest]
    return NearestFirst(queryset, ids, nearest)


def nearest_first(request, queryset, service_links: bool):
    where = parameters.point(request.query_params)
    if where is None:
        return queryset
    if service_links:  # /services: a service's locations are its service_at_locations
        return by_distance(queryset, where, m.ServiceAtLocation.objects.filter(service_id__in=queryset.values("id")), "service_id")
    return by_distance(queryset, where, queryset.prefetch_related(None).order_by(), "id")  # /service_at_locations: one location per row
