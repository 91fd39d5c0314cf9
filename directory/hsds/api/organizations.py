"""/organizations: the public list and detail, and their writes: POST (administrators add an organisation),
PUT/PATCH /api/organizations/{id} (its editors and administrators)."""

from rest_framework.response import Response
from rest_framework.views import APIView

from hsds import models as m

from . import loading, parameters, permissions
from . import representations as shape
from .concurrency import etag
from .filters import words_match
from .mixins import CreateMixin, UpdateMixin
from .negotiation import LocalizedView
from .pagination import paged
from .writers import WRITABLE_PHONE_FIELDS, RecordWriter

WRITABLE_ORGANIZATION_FIELDS = ("name", "alternate_name", "description", "email", "website", "uri")


class OrganizationWriter(RecordWriter):
    fields = WRITABLE_ORGANIZATION_FIELDS
    nested = {"phones": (m.Phone, "phones", WRITABLE_PHONE_FIELDS, "organization")}
    kind = "organization"


class OrganizationResource:
    model, writer, collection = m.Organization, OrganizationWriter, "organizations"
    lang = ""

    def read(self, organization_id: str) -> Response:
        org = loading.get_or_404(m.Organization.objects.all(), organization_id)
        data = shape.organization_detail(
            org,
            phones=list(org.phones.all()),
            locations=list(loading.organization_locations(org)),
            services=list(loading.organization_services(org, self.lang)),
            changes=loading.changes_by_record([org.id]).get(org.id, []),
            lang=self.lang,
        )
        return Response(data, headers={"ETag": etag(org)})


class OrganizationCollectionView(CreateMixin, OrganizationResource, APIView):
    """GET: the public list. POST: administrators add an organisation."""

    def get(self, request):
        text = parameters.search_text(request.query_params)
        parameters.boolean(request.query_params, "full")
        parameters.boolean(request.query_params, "full_service")
        queryset = m.Organization.objects.all()
        if text:
            queryset = queryset.filter(words_match(("name", "alternate_name", "description"), text))
        return paged(request, queryset, lambda rows: [shape.organization(o) for o in rows])

    def check_create(self, request) -> None:
        permissions.require_administrator(request.user, "Only administrators add organisations; ask one to add yours and assign it to you.")


class OrganizationItemView(UpdateMixin, OrganizationResource, LocalizedView):
    """GET: the public detail. PUT/PATCH: editors of the organisation and administrators."""

    def get(self, request, organization_id):
        parameters.boolean(request.query_params, "full_service")
        return self.read(organization_id)
