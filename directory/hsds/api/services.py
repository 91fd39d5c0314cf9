"""/services: the public list and detail (HSDS 3.0, with the profile extensions of filters.py and
negotiation.py), and their writes: POST /api/services, PUT/PATCH/DELETE /api/services/{id}.

- `translations` (profile extension): `{"ar": {"name": ..., "description": ..., "required_documents":
  ["...", "..."]}}`; on PATCH a language set to null is removed, languages not named are kept.
- DELETE retires (status `inactive`); PATCH `{"status": "active"}` restores.
- Nested `service_at_locations` link existing locations (POST /api/locations makes new ones).
"""

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from rest_framework.response import Response

from hsds import audit
from hsds import models as m

from . import loading, page_cache, parameters, permissions, service_documents
from . import representations as shape
from .concurrency import check_version, etag, locked
from .filters import filter_services
from .ranking import ordered
from .mixins import CreateMixin, UpdateMixin
from .negotiation import LocalizedView
from .pagination import paged
from .writers import (
    WRITABLE_LANGUAGE_FIELDS,
    WRITABLE_PHONE_FIELDS,
    WRITABLE_SCHEDULE_FIELDS,
    RecordWriter,
    assign,
    collect,
    printable,
    values_of,
)

WRITABLE_SERVICE_FIELDS = (
    "name",
    "alternate_name",
    "description",
    "url",
    "email",
    "status",
    "interpretation_services",
    "application_process",
    "fees_description",
    "wait_time",
    "eligibility_description",
    "minimum_age",
    "maximum_age",
    "assured_date",
    "assurer_email",
    "alert",
)
WRITABLE_DOCUMENT_FIELDS = ("document", "uri")
WRITABLE_LINK_FIELDS = ("location_id", "description")  # service_at_locations: links to existing locations
TRANSLATED_FIELDS = m.ServiceTranslation.TRANSLATED_FIELDS
# Fields with a special rule: organization_id (scoped), id (create only), version (concurrency), translations.
SPECIAL_FIELDS = ("organization_id", "id", "version", "translations")

# name in the payload → (model, related name on Service, writable fields)
NESTED = {
    "phones": (m.Phone, "phones", WRITABLE_PHONE_FIELDS),
    "schedules": (m.Schedule, "schedules", WRITABLE_SCHEDULE_FIELDS),
    "languages": (m.Language, "languages", WRITABLE_LANGUAGE_FIELDS),
    "required_documents": (m.RequiredDocument, "required_documents", WRITABLE_DOCUMENT_FIELDS),
    "service_at_locations": (m.ServiceAtLocation, "service_at_locations", WRITABLE_LINK_FIELDS),
}


def services_page(request, rows, full: bool, lang: str) -> list:
    """A page of services; full ones from the documents held for the data version (service_documents.py), else
    rendered with what they nest, their categories and changes in a fixed number of queries."""
    if full:
        return service_documents.full_page(request, rows, lang)
    return [shape.service(s, full=False, lang=lang) for s in rows]


def full_service(svc: m.Service, lang: str) -> dict:
    """One fully nested service with its categories and recent changes (detail and write responses)."""
    return service_documents.rendered([svc], lang)[0]


class ServiceWriter(RecordWriter):
    fields = WRITABLE_SERVICE_FIELDS
    nested = {key: (model, related, fields, "service") for key, (model, related, fields) in NESTED.items()}
    special = SPECIAL_FIELDS
    kind = "service"

    def apply_extra(self) -> None:
        if self.data.get("assured_date") and "assurer_email" not in self.data and self.user.email:
            self.record.assurer_email = self.user.email  # "verified by" defaults to who verified it

    def existing_item(self, key, item, existing):
        instance = super().existing_item(key, item, existing)
        if instance is None and key == "service_at_locations":
            instance = next((x for x in existing.values() if str(x.location_id) == str(item.get("location_id"))), None)
        return instance

    def check_item(self, key, item, where) -> None:
        if key != "service_at_locations":
            return
        try:
            location = m.Location.objects.filter(id=uuid.UUID(str(item.get("location_id")))).first()
        except ValueError:
            location = None
        if location is None:
            self.errors[f"{where}location_id"] = ["Link an existing location: no location has this id."]
            return
        allowed = permissions.writable_organizations(self.user)
        if location.organization_id is not None:  # a shared location (no organisation) is anyone's to link
            permissions.require_assigned(allowed, location.organization_id, "You may only link locations of the organisations assigned to you.")

    # -- translations (profile extension) -----------------------------------------------------
    def apply_more(self) -> None:
        existing = {} if self.creating else {t.language: t for t in self.record.translations.all()}
        if "translations" not in self.data:
            if self.replace:
                self.doomed.extend(existing.values())
                self.changed = self.changed or bool(existing)
            return
        given = self.data["translations"] or {}
        if not isinstance(given, dict):
            self.errors["translations"] = ['Give an object by language, e.g. {"ar": {"name": "..."}}.']
            return
        dropped = [t for lang, t in existing.items() if (self.replace and lang not in given) or (lang in given and given[lang] is None)]
        for lang, fields in given.items():
            where = f"translations.{printable(lang)}."
            if fields is None:
                continue
            if not isinstance(fields, dict):
                self.errors[where.rstrip(".")] = ["Give an object of translated fields."]
                continue
            self.note_ignored(fields, TRANSLATED_FIELDS, where)
            fields = dict(fields)
            documents = fields.get("required_documents")
            if isinstance(documents, list):
                if not all(isinstance(d, (str, type(None))) for d in documents):
                    self.errors[f"{where}required_documents"] = ["Give the documents as a list of texts."]
                    continue
                fields["required_documents"] = "\n".join((d or "").replace("\n", " ").strip() for d in documents)
            instance = existing.get(lang)
            is_new = instance is None
            if is_new:
                instance = m.ServiceTranslation(service=self.record, language=lang)
            before = None if is_new else values_of(instance, TRANSLATED_FIELDS)
            assign(instance, fields, TRANSLATED_FIELDS, self.replace or is_new, self.errors, where)
            try:
                instance.full_clean(exclude=["service"])
            except ValidationError as error:
                collect(error, self.errors, where, TRANSLATED_FIELDS + ("language",))
            if is_new or values_of(instance, TRANSLATED_FIELDS) != before:
                self.children.append((instance, "service"))
                self.changed = True
        if dropped:
            self.doomed.extend(dropped)
            self.changed = True


class ServiceResource(LocalizedView):
    model, writer, collection = m.Service, ServiceWriter, "services"

    def read(self, service_id: str) -> Response:
        svc = loading.get_or_404(loading.service_queryset(self.lang), service_id)
        return Response(full_service(svc, self.lang), headers={"ETag": etag(svc)})


class ServiceCollectionView(CreateMixin, ServiceResource):
    """GET: the public list. POST: create a service (201, Location, ETag)."""

    def get(self, request):
        full = parameters.boolean(request.query_params, "full")
        parameters.boolean(request.query_params, "minimal")  # validated; the full list shape is always served

        def page() -> Response:
            queryset = filter_services(request, loading.service_queryset(self.lang))
            queryset = ordered(request, queryset, service_links=True, lang=self.lang)
            return paged(request, queryset, lambda rows: services_page(request, rows, full, self.lang))

        return page_cache.cached(request, self.lang, page)


class ServiceItemView(UpdateMixin, ServiceResource):
    """GET: the public detail. PUT/PATCH: update; DELETE: retire (status inactive)."""

    def get(self, request, service_id):
        return self.read(service_id)

    def delete(self, request, service_id):
        """Retire, never delete: the record, its history and its links stay; PATCH status restores it."""
        with audit.acting_as(request.user.username, "api"), transaction.atomic():
            svc = locked(m.Service, service_id, request.user)
            check_version(request, {}, svc)
            if svc.status not in audit.RETIRED_STATUSES:
                svc.status = m.Service.Status.INACTIVE
                svc.save()
        return self.written(svc, [])
