"""/service_at_locations (public reads: services at their locations, filtered and ordered like /services)
and /locations (profile extension: POST to add a location, GET one publicly, PUT/PATCH it with a token;
link it to services with their `service_at_locations`).
"""

from rest_framework.response import Response
from rest_framework.views import APIView

from hsds import models as m

from . import loading, parameters
from . import representations as shape
from .concurrency import etag
from .filters import filter_services
from .ranking import ordered
from .mixins import CreateMixin, UpdateMixin
from .negotiation import LocalizedView
from .pagination import paged
from .writers import WRITABLE_LANGUAGE_FIELDS, WRITABLE_PHONE_FIELDS, WRITABLE_SCHEDULE_FIELDS, RecordWriter

WRITABLE_LOCATION_FIELDS = ("location_type", "url", "name", "alternate_name", "description", "transportation", "latitude", "longitude")
WRITABLE_ADDRESS_FIELDS = (
    "attention",
    "address_1",
    "address_2",
    "city",
    "region",
    "state_province",
    "postal_code",
    "country",
    "address_type",
)


def service_at_locations_page(rows, full: bool, lang: str) -> list:
    """A page of service_at_locations; categories and changes of their services in one query each."""
    service_ids = {sal.service_id for sal in rows}
    attributes = loading.attributes_by_link("service", service_ids) if full else {}
    changes = loading.changes_by_record(service_ids) if full else {}
    return [shape.service_at_location(sal, full, lang, attributes.get(sal.service_id, []), changes.get(sal.service_id, [])) for sal in rows]


class ServiceAtLocationListView(LocalizedView):
    def get(self, request):
        full = parameters.boolean(request.query_params, "full")
        queryset = filter_services(request, loading.service_at_location_queryset(self.lang, full), service_field="service")
        queryset = ordered(request, queryset, service_links=False, lang=self.lang)
        return paged(request, queryset, lambda rows: service_at_locations_page(rows, full, self.lang))


class ServiceAtLocationDetailView(LocalizedView):
    def get(self, request, sal_id):
        sal = loading.get_or_404(loading.service_at_location_queryset(self.lang), sal_id)
        return Response(service_at_locations_page([sal], True, self.lang)[0])


class LocationWriter(RecordWriter):
    fields = WRITABLE_LOCATION_FIELDS
    nested = {
        "addresses": (m.Address, "addresses", WRITABLE_ADDRESS_FIELDS, "location"),
        "phones": (m.Phone, "phones", WRITABLE_PHONE_FIELDS, "location"),
        "schedules": (m.Schedule, "schedules", WRITABLE_SCHEDULE_FIELDS, "location"),
        "languages": (m.Language, "languages", WRITABLE_LANGUAGE_FIELDS, "location"),
    }
    special = ("id", "version", "organization_id")
    kind = "location"
    organization_required = False  # administrators may add shared locations; editors must name their organisation


class LocationResource(APIView):
    model, writer, collection = m.Location, LocationWriter, "locations"
    lang = ""

    def read(self, location_id: str) -> Response:
        location = loading.get_or_404(loading.location_queryset(), location_id)
        return Response(shape.location(location), headers={"ETag": etag(location)})


class LocationCollectionView(CreateMixin, LocationResource):
    """POST: add a location (profile extension; link it to services with `service_at_locations`)."""


class LocationItemView(UpdateMixin, LocationResource):
    """GET: one location with its addresses, phones and hours (public). PUT/PATCH: staff."""

    def get(self, request, location_id):
        return self.read(location_id)


class RegionListView(APIView):
    """Profile extension GET /api/regions: the neighbourhoods the `region` parameter accepts (the assistant
    recognises them in what users write)."""

    def get(self, request):
        # `alternative_names`: other names staff added ({"إيستغيت": "Eastgate"}), accepted by `region` too.
        # `postal_codes`: the codes the addresses give, accepted by `postal_code`.
        return Response({"regions": m.Address.neighbourhoods(), "alternative_names": m.RegionName.alternatives(), "postal_codes": m.Address.postal_codes()})
