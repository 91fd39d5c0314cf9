"""Write API for integrations: services in the HSDS 3.0 shape, token-authenticated.

- Authentication: `Authorization: Token <key>` (DRF TokenAuthentication), only for writes; reads
  on the same URLs stay anonymous. No token → 401; a viewer, or an editor writing another
  organisation's service → 403.
- Allow-list: only the fields in WRITABLE_* below are stored. Anything else (id on update,
  version, last_modified, metadata, organization, attributes, service_at_locations' nested
  location, ...) is ignored, and its name is listed in the `Ignored-Fields` response header, so a
  client may PUT back what it GET.
- PUT replaces every writable field (a missing one becomes empty) and every nested list; PATCH
  changes only the fields it names, and a nested list it names replaces the whole list. Nested
  items that carry the `id` of an existing item of this service are updated in place; items
  without a known id are created; existing items missing from the list are deleted.
- `translations` (profile extension): `{"ar": {"name": ..., "description": ..., "required_documents":
  ["...", "..."]}}`; on PATCH a language set to null is removed, languages not named are kept.
- Optimistic concurrency: responses carry `ETag: "<version>"`; a write may send `If-Match` (or a
  `version` field); if it does not name the current version → 412 with `current_version`.
- DELETE retires (status `inactive`); PATCH `{"status": "active"}` restores.
- Every write is one transaction, recorded in the audit trail as the token's user via "api".
"""
import uuid

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models as dj, transaction
from django.db.models import F
from django.http import Http404
from rest_framework import status
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import ParseError, PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle

from hsds import audit, roles
from hsds import models as m

from . import serialize, views
from .errors import Conflict, InvalidRecord, VersionMismatch

WRITABLE_SERVICE_FIELDS = (
    "name", "alternate_name", "description", "url", "email", "status", "interpretation_services",
    "application_process", "fees_description", "wait_time", "eligibility_description", "minimum_age",
    "maximum_age", "assured_date", "assurer_email", "alert",
)
WRITABLE_PHONE_FIELDS = ("number", "extension", "type", "description")
WRITABLE_SCHEDULE_FIELDS = (
    "valid_from", "valid_to", "freq", "wkst", "byday", "opens_at", "closes_at", "description", "attending_type", "notes",
)
WRITABLE_LANGUAGE_FIELDS = ("name", "code", "note")
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
# A write's nested lists are capped like the read API's pages.
MAX_NESTED_ITEMS = 100
SCALAR_TYPES = (str, int, float, bool, type(None))


class WriteRateThrottle(UserRateThrottle):
    """Writes per token (user): DIRECTORY_WRITE_RATE, e.g. 120/min; reads are not counted."""

    scope = "write"

    def allow_request(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)


class CanWriteDirectory(BasePermission):
    message = "Your account may only read the directory; writing needs an editor or administrator account."

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        user = request.user
        if user is None or not user.is_authenticated:
            return False  # → 401 (the view has an authenticator)
        return roles.role_of(user) in (roles.ADMINISTRATOR, roles.EDITOR)


class WriteMixin:
    """Token authentication and throttling for unsafe methods only: public reads stay anonymous."""

    permission_classes = [CanWriteDirectory]
    throttle_classes = [WriteRateThrottle]

    def get_authenticators(self):
        if self.request.method in SAFE_METHODS:
            return []
        return [TokenAuthentication()]

    def respond(self, svc: m.Service, ignored: list, status_code=status.HTTP_200_OK) -> Response:
        svc = serialize.service_queryset(full=True, lang=self.lang).get(id=svc.id)
        headers = {"ETag": views.etag(svc)}
        if ignored:
            headers["Ignored-Fields"] = ", ".join(sorted(set(ignored)))[:2000]
        if status_code == status.HTTP_201_CREATED:
            headers["Location"] = self.request.build_absolute_uri(f"/api/services/{svc.id}")
        return Response(serialize.full_service(svc, lang=self.lang), status=status_code, headers=headers)


def printable(name: str) -> str:
    """A field name safe for a response header (clients may send any JSON key)."""
    text = str(name)[:80].encode("ascii", "backslashreplace").decode("ascii")
    return "".join(c if c.isprintable() and c != "," else "?" for c in text)


def payload(request) -> dict:
    data = request.data
    if not isinstance(data, dict):
        raise ParseError("Send one service as a JSON object.")
    return data


def expected_version(request, data):
    """The version the client read, from If-Match or a `version` field; None when it sent neither."""
    sent = []
    header = request.META.get("HTTP_IF_MATCH", "").strip()
    if header and header != "*":
        for tag in header.split(","):
            tag = tag.strip()
            if tag.startswith("W/"):
                tag = tag[2:]
            sent.append(tag.strip('"'))
    if "version" in data and data["version"] not in (None, ""):
        sent.append(str(data["version"]))
    return sent or None


def check_version(request, data, svc: m.Service) -> None:
    sent = expected_version(request, data)
    if sent is not None and str(svc.version) not in sent:
        raise VersionMismatch(", ".join(sent)[:40], svc.version)


def _blank(field):
    if field.null:
        return None
    if isinstance(field, (dj.CharField, dj.TextField)):
        return ""
    return field.get_default()


def assign(instance, data: dict, allowed: tuple, replace: bool, errors: dict, where: str) -> bool:
    """Copy allowed fields from `data` onto `instance`; returns whether anything was given."""
    given = False
    for name in allowed:
        if name not in data:
            if replace:
                field = instance._meta.get_field(name)
                setattr(instance, field.attname, field.get_default() if field.has_default() else _blank(field))
            continue
        value = data[name]
        if not isinstance(value, SCALAR_TYPES):
            errors[f"{where}{name}"] = ["Give a single value (text, number or date), not a list or object."]
            continue
        field = instance._meta.get_field(name)
        if value is None:
            value = _blank(field)
        elif isinstance(value, str):
            value = value.strip()
            if value == "" and field.null:
                value = None
        setattr(instance, field.attname, value)
        given = True
    return given


def collect(error: ValidationError, errors: dict, where: str, fields: tuple) -> None:
    """Django's validation errors under the API's field names (`phones[0].number`)."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            if f"{name}_id" in fields:
                name = f"{name}_id"
            key = where.rstrip(".") if name == NON_FIELD_ERRORS or (fields and name not in fields and name != "id") else f"{where}{name}"
            errors.setdefault(key or "record", []).extend(messages)
    else:
        errors.setdefault(where.rstrip(".") or "record", []).extend(error.messages)


def values_of(instance, fields) -> dict:
    return {name: getattr(instance, instance._meta.get_field(name).attname) for name in fields}


class ServiceWriter:
    """Applies one HSDS service payload to a service (new or existing) after validating everything."""

    def __init__(self, user, svc: m.Service, data: dict, replace: bool, creating: bool):
        self.user, self.svc, self.data, self.replace, self.creating = user, svc, data, replace, creating
        self.errors, self.ignored = {}, []
        self.children = []  # (instance, is_new)
        self.doomed = []  # existing children to delete
        self.translations = []  # (instance, is_new)
        self.dropped_translations = []
        self.changed = creating

    # -- field allow-list ---------------------------------------------------------------------
    def note_ignored(self, data: dict, allowed: tuple, where: str = "") -> None:
        for name in data:
            if name not in allowed:
                self.ignored.append(printable(f"{where}{name}"))

    # -- the service and its organisation -----------------------------------------------------
    def apply_service(self) -> None:
        allowed = WRITABLE_SERVICE_FIELDS + SPECIAL_FIELDS + tuple(NESTED)
        self.note_ignored(self.data, allowed)
        if "id" in self.data and not self.creating:
            self.ignored.append("id")
        if "version" in self.data and self.creating:
            self.ignored.append("version")
        before = values_of(self.svc, WRITABLE_SERVICE_FIELDS)
        assign(self.svc, self.data, WRITABLE_SERVICE_FIELDS, self.replace, self.errors, "")
        self.apply_organization()
        if "assured_date" in self.data and self.data.get("assured_date") and "assurer_email" not in self.data and self.user.email:
            self.svc.assurer_email = self.user.email  # "verified by" defaults to who verified it
        try:
            self.svc.full_clean(exclude=["organization"])
        except ValidationError as error:
            collect(error, self.errors, "", ())
        if values_of(self.svc, WRITABLE_SERVICE_FIELDS) != before:
            self.changed = True

    def apply_organization(self) -> None:
        raw = self.data.get("organization_id")
        if raw in (None, ""):
            if self.creating:
                self.errors["organization_id"] = ["Name the organisation that provides the service (organization_id)."]
            return
        try:
            org_id = uuid.UUID(str(raw))
        except ValueError:
            self.errors["organization_id"] = [f"'{str(raw)[:40]}' is not an organisation id (a UUID)."]
            return
        if not self.creating and org_id == self.svc.organization_id:
            return
        org = m.Organization.objects.filter(id=org_id).first()
        if org is None:
            self.errors["organization_id"] = ["No organisation has this id."]
            return
        allowed = roles.editable_organization_ids(self.user)
        if allowed is not None and org.id not in allowed:
            raise PermissionDenied("You may only add services to the organisations assigned to you.")
        self.svc.organization = org
        self.changed = True

    # -- nested lists -------------------------------------------------------------------------
    def apply_nested(self) -> None:
        for key, (model, related, fields) in NESTED.items():
            if key not in self.data:
                if self.replace and not self.creating:
                    self.doomed.extend(getattr(self.svc, related).all())
                continue
            items = self.data[key]
            if items is None:
                items = []
            if not isinstance(items, list):
                self.errors[key] = ["Give a list."]
                continue
            if len(items) > MAX_NESTED_ITEMS:
                self.errors[key] = [f"At most {MAX_NESTED_ITEMS} items."]
                continue
            existing = {} if self.creating else {str(x.id): x for x in getattr(self.svc, related).all()}
            kept = set()
            for index, item in enumerate(items):
                where = f"{key}[{index}]."
                if not isinstance(item, dict):
                    self.errors[where.rstrip(".")] = ["Give an object."]
                    continue
                self.note_ignored(item, fields + ("id",), where)
                instance = existing.get(str(item.get("id"))) if item.get("id") else None
                if instance is None and key == "service_at_locations":
                    instance = next((x for x in existing.values() if str(x.location_id) == str(item.get("location_id"))), None)
                is_new = instance is None or str(instance.id) in kept
                if is_new:
                    instance = model(service=self.svc)
                kept.add(str(instance.id))
                before = None if is_new else values_of(instance, fields)
                if key == "service_at_locations":
                    self.check_location(item, where)
                assign(instance, item, fields, True, self.errors, where)
                try:
                    instance.full_clean(exclude=["service", "location", "organization", "phone", "service_at_location"] if key != "service_at_locations" else ["service"])
                except ValidationError as error:
                    collect(error, self.errors, where, fields)
                if is_new or values_of(instance, fields) != before:
                    self.children.append((instance, is_new))
                    self.changed = True
            self.doomed.extend(x for i, x in existing.items() if i not in kept)
        if self.doomed:
            self.changed = True

    def check_location(self, item: dict, where: str) -> None:
        raw = item.get("location_id")
        try:
            location = m.Location.objects.filter(id=uuid.UUID(str(raw))).first()
        except ValueError:
            location = None
        if location is None:
            self.errors[f"{where}location_id"] = ["Link an existing location: no location has this id."]
            return
        allowed = roles.editable_organization_ids(self.user)
        if allowed is not None and location.organization_id is not None and location.organization_id not in allowed:
            raise PermissionDenied("You may only link locations of the organisations assigned to you.")

    # -- translations (profile extension) -----------------------------------------------------
    def apply_translations(self) -> None:
        existing = {} if self.creating else {t.language: t for t in self.svc.translations.all()}
        if "translations" not in self.data:
            if self.replace:
                self.dropped_translations.extend(existing.values())
            return
        given = self.data["translations"] or {}
        if not isinstance(given, dict):
            self.errors["translations"] = ['Give an object by language, e.g. {"ar": {"name": "..."}}.']
            return
        if self.replace:
            self.dropped_translations.extend(t for lang, t in existing.items() if lang not in given)
        for lang, fields in given.items():
            where = f"translations.{printable(lang)}."
            if fields is None:
                if lang in existing:
                    self.dropped_translations.append(existing[lang])
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
                instance = m.ServiceTranslation(service=self.svc, language=lang)
            before = None if is_new else values_of(instance, TRANSLATED_FIELDS)
            assign(instance, fields, TRANSLATED_FIELDS, self.replace or is_new, self.errors, where)
            try:
                instance.full_clean(exclude=["service"])
            except ValidationError as error:
                collect(error, self.errors, where, TRANSLATED_FIELDS + ("language",))
            if is_new or values_of(instance, TRANSLATED_FIELDS) != before:
                self.translations.append((instance, is_new))
                self.changed = True
        if self.dropped_translations:
            self.changed = True

    # -- all together -------------------------------------------------------------------------
    def run(self) -> m.Service:
        self.apply_service()
        self.apply_nested()
        self.apply_translations()
        if self.errors:
            raise InvalidRecord(self.errors)
        if self.changed:
            self.svc.save()
        for record in self.doomed + self.dropped_translations:
            record.delete()
        for record, _ in self.children + self.translations:
            record.service = self.svc
            record.save()
        return self.svc


class ServiceCollectionView(WriteMixin, views.ServiceListView):
    """GET: the public list. POST: create a service (201, Location, ETag)."""

    def post(self, request):
        data = payload(request)
        svc = m.Service()
        raw_id = data.get("id")
        if raw_id not in (None, ""):
            try:
                svc.id = uuid.UUID(str(raw_id))
            except ValueError:
                raise InvalidRecord({"id": [f"'{str(raw_id)[:40]}' is not a UUID; leave it out to get one."]})
        with audit.acting_as(request.user.username, "api"), transaction.atomic():
            if m.Service.objects.filter(id=svc.id).exists():
                raise Conflict(f"A service with id {svc.id} exists already; update it with PUT or PATCH /api/services/{svc.id}.")
            writer = ServiceWriter(request.user, svc, data, replace=True, creating=True)
            writer.run()
        return self.respond(svc, writer.ignored, status.HTTP_201_CREATED)


class ServiceItemView(WriteMixin, views.ServiceDetailView):
    """GET: the public detail. PUT/PATCH: update; DELETE: retire (status inactive)."""

    def editable_service(self, service_id) -> m.Service:
        """The service, locked for this transaction so that two writers cannot both pass the version check."""
        try:
            record_id = uuid.UUID(service_id)
            # A no-op write first: it takes SQLite's write lock (select_for_update is a no-op there)
            # and PostgreSQL's row lock, so a concurrent writer reads the version only after we commit.
            m.Service.objects.filter(id=record_id).update(version=F("version"))
            svc = m.Service.objects.select_for_update().get(id=record_id)
        except (ValueError, m.Service.DoesNotExist):
            raise Http404("No record has this id.")
        if not roles.can_change(self.request.user, svc):
            raise PermissionDenied("This service belongs to an organisation that is not assigned to you.")
        return svc

    def update(self, request, service_id, replace: bool):
        data = payload(request)
        with audit.acting_as(request.user.username, "api"), transaction.atomic():
            svc = self.editable_service(service_id)
            check_version(request, data, svc)
            writer = ServiceWriter(request.user, svc, data, replace=replace, creating=False)
            writer.run()
        return self.respond(svc, writer.ignored)

    def put(self, request, service_id):
        return self.update(request, service_id, replace=True)

    def patch(self, request, service_id):
        return self.update(request, service_id, replace=False)

    def delete(self, request, service_id):
        """Retire, never delete: the record, its history and its links stay; PATCH status restores it."""
        with audit.acting_as(request.user.username, "api"), transaction.atomic():
            svc = self.editable_service(service_id)
            check_version(request, {}, svc)
            if svc.status not in audit.RETIRED_STATUSES:
                svc.status = m.Service.Status.INACTIVE
                svc.save()
        return self.respond(svc, [])
