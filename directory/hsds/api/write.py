"""Write API for integrations: services (and organisations, locations) in the HSDS 3.0 shape, token-authenticated.

Endpoints: POST /api/services, PUT/PATCH/DELETE /api/services/{id}; POST /api/organizations
(administrators), PUT/PATCH /api/organizations/{id}; POST /api/locations, GET/PUT/PATCH
/api/locations/{id} (profile extension). The same rules hold for all of them:

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
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models as dj, transaction
from django.db.models import F
from django.http import Http404
from rest_framework import status
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import MethodNotAllowed, ParseError, PermissionDenied
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

    def initial(self, request, *args, **kwargs):
        # A method this endpoint lacks (TRACE, DELETE on a collection) is 405 before any authentication.
        if request.method.lower() not in self.http_method_names or not hasattr(self, request.method.lower()):
            raise MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)

    lang = ""

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
        if isinstance(field, dj.DecimalField) and isinstance(value, (int, float, str)) and not isinstance(value, bool):
            value = rounded(value, field.decimal_places)
        setattr(instance, field.attname, value)
        given = True
    return given


def rounded(value, places: int):
    """Coordinates from GPS often carry more digits than stored: round them (JSON floats via their text)."""
    try:
        return Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
    except (InvalidOperation, ValueError):
        return value  # full_clean explains what is wrong with it


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


class RecordWriter:
    """Applies one HSDS payload to a record (new or existing) and its nested lists, after validating everything.

    Nothing is saved unless every value passes; the caller runs it inside a transaction.
    """

    fields: tuple = ()  # writable fields of the record itself
    nested: dict = {}  # payload key → (model, related name, writable fields, field naming the parent)
    special: tuple = ("id", "version")
    kind = "record"

    def __init__(self, user, record, data: dict, replace: bool, creating: bool):
        self.user, self.record, self.data, self.replace, self.creating = user, record, data, replace, creating
        self.errors, self.ignored = {}, []
        self.children = []  # nested records to save
        self.doomed = []  # nested records to delete
        self.changed = creating

    # -- field allow-list ---------------------------------------------------------------------
    def note_ignored(self, data: dict, allowed: tuple, where: str = "") -> None:
        for name in data:
            if name not in allowed:
                self.ignored.append(printable(f"{where}{name}"))

    # -- the record itself --------------------------------------------------------------------
    def apply_record(self) -> None:
        self.note_ignored(self.data, self.fields + self.special + tuple(self.nested))
        if "id" in self.data and not self.creating:
            self.ignored.append("id")
        if "version" in self.data and self.creating:
            self.ignored.append("version")
        before = values_of(self.record, self.fields)
        assign(self.record, self.data, self.fields, self.replace, self.errors, "")
        self.apply_organization()
        self.apply_extra()
        try:
            self.record.full_clean(exclude=["organization", "parent_organization"])
        except ValidationError as error:
            collect(error, self.errors, "", ())
        if values_of(self.record, self.fields) != before:
            self.changed = True

    def apply_extra(self) -> None:
        """Record-specific rules (hook)."""

    def apply_organization(self) -> None:
        """`organization_id`: editors may only name organisations assigned to them (403 otherwise)."""
        if "organization_id" not in self.special:
            return
        raw = self.data.get("organization_id")
        allowed = roles.editable_organization_ids(self.user)
        if raw in (None, ""):
            if self.creating and (self.organization_required or allowed is not None):
                self.errors["organization_id"] = [f"Name the organisation that provides the {self.kind} (organization_id)."]
            return
        try:
            org_id = uuid.UUID(str(raw))
        except ValueError:
            self.errors["organization_id"] = [f"'{str(raw)[:40]}' is not an organisation id (a UUID)."]
            return
        if not self.creating and org_id == self.record.organization_id:
            return
        org = m.Organization.objects.filter(id=org_id).first()
        if org is None:
            self.errors["organization_id"] = ["No organisation has this id."]
            return
        if allowed is not None and org.id not in allowed:
            raise PermissionDenied(f"You may only add a {self.kind} to the organisations assigned to you.")
        self.record.organization = org
        self.changed = True

    organization_required = True

    # -- nested lists -------------------------------------------------------------------------
    def existing_item(self, key: str, item: dict, existing: dict):
        return existing.get(str(item.get("id"))) if item.get("id") else None

    def check_item(self, key: str, item: dict, where: str) -> None:
        """Item-specific rules (hook)."""

    def apply_nested(self) -> None:
        for key, (model, related, fields, parent) in self.nested.items():
            if key not in self.data:
                if self.replace and not self.creating:
                    self.doomed.extend(getattr(self.record, related).all())
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
            existing = {} if self.creating else {str(x.id): x for x in getattr(self.record, related).all()}
            exclude = [f.name for f in model._meta.fields if f.is_relation and f.attname not in fields]
            kept = set()
            for index, item in enumerate(items):
                where = f"{key}[{index}]."
                if not isinstance(item, dict):
                    self.errors[where.rstrip(".")] = ["Give an object."]
                    continue
                self.note_ignored(item, fields + ("id",), where)
                instance = self.existing_item(key, item, existing)
                is_new = instance is None or str(instance.id) in kept
                if is_new:
                    instance = model(**{parent: self.record})
                kept.add(str(instance.id))
                before = None if is_new else values_of(instance, fields)
                self.check_item(key, item, where)
                assign(instance, item, fields, True, self.errors, where)
                try:
                    instance.full_clean(exclude=exclude)
                except ValidationError as error:
                    collect(error, self.errors, where, fields)
                if is_new or values_of(instance, fields) != before:
                    self.children.append((instance, parent))
                    self.changed = True
            self.doomed.extend(x for i, x in existing.items() if i not in kept)
        if self.doomed:
            self.changed = True

    def apply_more(self) -> None:
        """Further nested content (hook)."""

    # -- all together -------------------------------------------------------------------------
    def run(self):
        self.apply_record()
        self.apply_nested()
        self.apply_more()
        if self.errors:
            raise InvalidRecord(self.errors)
        if self.changed:
            self.record.save()
        for child in self.doomed:
            child.delete()
        for child, parent in self.children:
            setattr(child, parent, self.record)
            child.save()
        return self.record


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
        allowed = roles.editable_organization_ids(self.user)
        if allowed is not None and location.organization_id is not None and location.organization_id not in allowed:
            raise PermissionDenied("You may only link locations of the organisations assigned to you.")

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


WRITABLE_ORGANIZATION_FIELDS = ("name", "alternate_name", "description", "email", "website", "uri")
WRITABLE_LOCATION_FIELDS = ("location_type", "url", "name", "alternate_name", "description", "transportation", "latitude", "longitude")
WRITABLE_ADDRESS_FIELDS = (
    "attention", "address_1", "address_2", "city", "region", "state_province", "postal_code", "country", "address_type",
)


class OrganizationWriter(RecordWriter):
    fields = WRITABLE_ORGANIZATION_FIELDS
    nested = {"phones": (m.Phone, "phones", WRITABLE_PHONE_FIELDS, "organization")}
    kind = "organization"


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


# -- views --------------------------------------------------------------------------------------

def new_record(model, data: dict):
    record = model()
    raw_id = data.get("id")
    if raw_id not in (None, ""):
        try:
            record.id = uuid.UUID(str(raw_id))
        except ValueError:
            raise InvalidRecord({"id": [f"'{str(raw_id)[:40]}' is not a UUID; leave it out to get one."]})
    if model.objects.filter(id=record.id).exists():
        raise Conflict(f"A record with id {record.id} exists already; update it with PUT or PATCH.")
    return record


def locked(model, raw_id: str, user):
    """The record, locked for this transaction so that two writers cannot both pass the version check."""
    try:
        record_id = uuid.UUID(raw_id)
        # A no-op write first: it takes SQLite's write lock (select_for_update is a no-op there)
        # and PostgreSQL's row lock, so a concurrent writer reads the version only after we commit.
        model.objects.filter(id=record_id).update(version=F("version"))
        record = model.objects.select_for_update().get(id=record_id)
    except (ValueError, model.DoesNotExist):
        raise Http404("No record has this id.")
    if not roles.can_change(user, record):
        raise PermissionDenied(f"This {model._meta.model_name} belongs to an organisation that is not assigned to you.")
    return record


class ItemWriteMixin(WriteMixin):
    """PUT and PATCH of one record with If-Match; subclasses name the model and writer."""

    model = None
    writer = None

    def update(self, request, record_id, replace: bool):
        data = payload(request)
        with audit.acting_as(request.user.username, "api"), transaction.atomic():
            record = locked(self.model, record_id, request.user)
            check_version(request, data, record)
            writer = self.writer(request.user, record, data, replace=replace, creating=False)
            writer.run()
        return self.respond(record, writer.ignored)

    def put(self, request, **kwargs):
        return self.update(request, next(iter(kwargs.values())), replace=True)

    def patch(self, request, **kwargs):
        return self.update(request, next(iter(kwargs.values())), replace=False)


class ServiceCollectionView(WriteMixin, views.ServiceListView):
    """GET: the public list. POST: create a service (201, Location, ETag)."""

    def post(self, request):
        data = payload(request)
        with audit.acting_as(request.user.username, "api"), transaction.atomic():
            svc = new_record(m.Service, data)
            writer = ServiceWriter(request.user, svc, data, replace=True, creating=True)
            writer.run()
        return self.respond(svc, writer.ignored, status.HTTP_201_CREATED)


class ServiceItemView(ItemWriteMixin, views.ServiceDetailView):
    """GET: the public detail. PUT/PATCH: update; DELETE: retire (status inactive)."""

    model, writer = m.Service, ServiceWriter

    def delete(self, request, service_id):
        """Retire, never delete: the record, its history and its links stay; PATCH status restores it."""
        with audit.acting_as(request.user.username, "api"), transaction.atomic():
            svc = locked(m.Service, service_id, request.user)
            check_version(request, {}, svc)
            if svc.status not in audit.RETIRED_STATUSES:
                svc.status = m.Service.Status.INACTIVE
                svc.save()
        return self.respond(svc, [])


class OrganizationCollectionView(WriteMixin, views.OrganizationListView):
    """GET: the public list. POST: administrators add an organisation."""

    def post(self, request):
        if not roles.is_administrator(request.user):
            raise PermissionDenied("Only administrators add organisations; ask one to add yours and assign it to you.")
        data = payload(request)
        with audit.acting_as(request.user.username, "api"), transaction.atomic():
            org = new_record(m.Organization, data)
            writer = OrganizationWriter(request.user, org, data, replace=True, creating=True)
            writer.run()
        return self.respond(org, writer.ignored, status.HTTP_201_CREATED)

    def respond(self, org, ignored, status_code=status.HTTP_200_OK):
        return organization_response(self, org, ignored, status_code)


def organization_response(view, org, ignored, status_code):
    response = views.OrganizationDetailView.get(view, view.request, str(org.id))
    response.status_code = status_code
    if ignored:
        response["Ignored-Fields"] = ", ".join(sorted(set(ignored)))[:2000]
    if status_code == status.HTTP_201_CREATED:
        response["Location"] = view.request.build_absolute_uri(f"/api/organizations/{org.id}")
    return response


class OrganizationItemView(ItemWriteMixin, views.OrganizationDetailView):
    """GET: the public detail. PUT/PATCH: editors of the organisation and administrators."""

    model, writer = m.Organization, OrganizationWriter

    def respond(self, org, ignored, status_code=status.HTTP_200_OK):
        return organization_response(self, org, ignored, status_code)


def location_queryset():
    return m.Location.objects.prefetch_related(*serialize.LOCATION_PREFETCH)


class LocationCollectionView(WriteMixin, views.APIView):
    """POST: add a location (profile extension; link it to services with `service_at_locations`)."""

    def post(self, request):
        data = payload(request)
        with audit.acting_as(request.user.username, "api"), transaction.atomic():
            location = new_record(m.Location, data)
            writer = LocationWriter(request.user, location, data, replace=True, creating=True)
            writer.run()
        return self.respond(location, writer.ignored, status.HTTP_201_CREATED)

    def respond(self, location, ignored, status_code=status.HTTP_200_OK):
        location = location_queryset().get(id=location.id)
        headers = {"ETag": views.etag(location)}
        if ignored:
            headers["Ignored-Fields"] = ", ".join(sorted(set(ignored)))[:2000]
        if status_code == status.HTTP_201_CREATED:
            headers["Location"] = self.request.build_absolute_uri(f"/api/locations/{location.id}")
        return Response(serialize.location(location), status=status_code, headers=headers)


class LocationItemView(ItemWriteMixin, LocationCollectionView):
    """GET: one location with its addresses, phones and hours (public). PUT/PATCH: staff."""

    model, writer = m.Location, LocationWriter
    http_method_names = ["get", "put", "patch", "head", "options"]

    def get(self, request, location_id):
        location = views.get_or_404(location_queryset(), location_id)
        return Response(serialize.location(location), headers={"ETag": views.etag(location)})
