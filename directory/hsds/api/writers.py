"""Writers: apply one HSDS payload to a record (new or existing) and its nested lists, validating
everything before anything is saved (the role of DRF's serializers on writes). The rules hold for
every writable resource:

- Allow-list: only a resource's writable fields are stored. Anything else (id on update, version,
  last_modified, metadata, organization, attributes, service_at_locations' nested location, ...) is
  ignored, and its name is listed in the `Ignored-Fields` response header, so a client may PUT back
  what it GET.
- PUT replaces every writable field (a missing one becomes empty) and every nested list; PATCH
  changes only the fields it names, and a nested list it names replaces the whole list. Nested
  items that carry the `id` of an existing item of this record are updated in place; items
  without a known id are created; existing items missing from the list are deleted.
- `organization_id`: editors may only name organisations assigned to them (403 otherwise).
"""

import uuid
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models as dj

from hsds import models as m

from . import permissions
from .errors import InvalidRecord

WRITABLE_PHONE_FIELDS = ("number", "extension", "type", "description")
WRITABLE_SCHEDULE_FIELDS = (
    "valid_from",
    "valid_to",
    "freq",
    "wkst",
    "byday",
    "opens_at",
    "closes_at",
    "description",
    "attending_type",
    "notes",
)
WRITABLE_LANGUAGE_FIELDS = ("name", "code", "note")
# A write's nested lists are capped like the read API's pages.
MAX_NESTED_ITEMS = 100
SCALAR_TYPES = (str, int, float, bool, type(None))


def printable(name: str) -> str:
    """A field name safe for a response header (clients may send any JSON key)."""
    text = str(name)[:80].encode("ascii", "backslashreplace").decode("ascii")
    return "".join(c if c.isprintable() and c != "," else "?" for c in text)


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
        allowed = permissions.writable_organizations(self.user)
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
        permissions.require_assigned(allowed, org.id, f"You may only add a {self.kind} to the organisations assigned to you.")
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
