"""The audit trail: every saved or deleted directory record leaves ChangeRecords (HSDS `metadata`).

Recorded from model signals, so the admin, the write API, imports and commands are covered alike.
Who acted comes from `acting_as(...)`, set by each write path. Bulk queryset writes bypass signals and
are therefore not used for directory records, except by the tabular import, which writes the same
ChangeRecords itself from the helpers here (tabular/bulk_writes.py).
"""

import contextvars
from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from . import models as m

_actor = contextvars.ContextVar("directory_actor", default=("system", "system"))

RESOURCE_TYPES = {
    m.Organization: "organization",
    m.Service: "service",
    m.Location: "location",
    m.Address: "address",
    m.RegionName: "region_name",
    m.ServiceAtLocation: "service_at_location",
    m.Phone: "phone",
    m.Schedule: "schedule",
    m.Language: "language",
    m.RequiredDocument: "required_document",
    m.Taxonomy: "taxonomy",
    m.TaxonomyTerm: "taxonomy_term",
    m.CrosswalkMapping: "crosswalk_mapping",
    m.Attribute: "attribute",
    m.ServiceTranslation: "service_translation",
}
UNRECORDED_FIELDS = {"id", "last_modified", "version"}
RETIRED_STATUSES = {m.Service.Status.INACTIVE, m.Service.Status.DEFUNCT}


@contextmanager
def acting_as(who: str, via: str):
    """Attribute the changes made inside the block to `who` through `via` (admin, api, import)."""
    token = _actor.set((who or "unknown", via))
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor() -> tuple:
    return _actor.get()


def as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def recorded_values(instance) -> dict:
    return {field.attname: as_text(getattr(instance, field.attname)) for field in instance._meta.concrete_fields if field.attname not in UNRECORDED_FIELDS}


def owner_ids(instance, links: dict = None) -> list:
    """The records whose history should show this change: the record itself for services, locations,
    organisations and taxonomies; otherwise every service, location and organisation it references (a
    phone of A's service at B's location shows in both histories), the first being its main owner.
    `links`: service-at-location id -> (service id, location id), read beforehand by a bulk writer."""
    if isinstance(instance, (m.Service, m.Organization, m.Location, m.Taxonomy, m.TaxonomyTerm, m.CrosswalkMapping)):
        return [instance.id]
    if isinstance(instance, m.Attribute):
        return [instance.link_id]
    if isinstance(instance, m.Address):
        return [instance.location_id]
    owners = []
    for field in ("service_id", "location_id", "organization_id"):
        value = getattr(instance, field, None)
        if value and value not in owners:
            owners.append(value)
    link = getattr(instance, "service_at_location_id", None)
    if link:
        found = links[link] if links is not None and link in links else m.ServiceAtLocation.objects.filter(id=link).values_list("service_id", "location_id").first()
        for value in found or ():
            if value not in owners:
                owners.append(value)
    return owners or [None]


def touch_services(instance) -> None:
    """A changed phone, schedule or location makes its services 'modified' for HSDS `modified_after` readers."""
    now = timezone.now()
    if isinstance(instance, m.Location):
        m.Service.objects.filter(service_at_locations__location_id=instance.id).update(last_modified=now)
    elif isinstance(instance, m.Address):
        m.Service.objects.filter(service_at_locations__location_id=instance.location_id).update(last_modified=now)
    elif isinstance(instance, m.Attribute) and instance.link_entity == "service":
        m.Service.objects.filter(id=instance.link_id).update(last_modified=now)
    elif not isinstance(instance, m.Service) and getattr(instance, "service_id", None):
        m.Service.objects.filter(id=instance.service_id).update(last_modified=now)


def change_records(instance, owners: list, action: str, field: str = "", before: str = "", after: str = "") -> list:
    """One unsaved ChangeRecord per owner of the change, naming who acted (written one by one here, in bulk by imports)."""
    who, via = current_actor()
    return [
        m.ChangeRecord(
            resource_id=instance.id,
            resource_type=RESOURCE_TYPES[type(instance)],
            owner_id=owner,
            last_action_type=action,
            field_name=field,
            previous_value=before,
            replacement_value=after,
            updated_by=who,
            via=via,
        )
        for owner in owners
    ]


def write(instance, action: str, field: str = "", before: str = "", after: str = "") -> None:
    # One record per owner, so that each owner's history is one query; the copies share one time,
    # which is how history() shows the record's own change once.
    copies = change_records(instance, owner_ids(instance), action, field, before, after)
    for copy in copies:
        copy.save()
    if len(copies) > 1:
        m.ChangeRecord.objects.filter(id__in=[c.id for c in copies]).update(last_action_date=copies[0].last_action_date)


@receiver(pre_save)
def remember_previous_values(sender, instance, raw=False, **kwargs):
    if sender not in RESOURCE_TYPES or raw:
        return
    previous = None
    if not instance._state.adding:
        stored = sender.objects.filter(pk=instance.pk).first()
        previous = recorded_values(stored) if stored is not None else None
    instance._audit_previous = previous


@receiver(post_save)
def record_save(sender, instance, created, raw=False, **kwargs):
    if sender not in RESOURCE_TYPES or raw:
        return
    previous = getattr(instance, "_audit_previous", None)
    if created or previous is None:
        write(instance, m.ChangeRecord.Action.CREATE)
    else:
        for action, field, before, after in field_changes(sender, previous, recorded_values(instance)):
            write(instance, action, field, before, after)
    touch_services(instance)


def field_changes(sender, previous: dict, current: dict):
    """(action, field, before, after) for each recorded field that changed (retire/restore for a service's status)."""
    for field, value in current.items():
        if previous.get(field) == value:
            continue
        action = m.ChangeRecord.Action.UPDATE
        if sender is m.Service and field == "status":
            if value in RETIRED_STATUSES and previous[field] not in RETIRED_STATUSES:
                action = m.ChangeRecord.Action.RETIRE
            elif value not in RETIRED_STATUSES and previous[field] in RETIRED_STATUSES:
                action = m.ChangeRecord.Action.RESTORE
        yield action, field, previous.get(field, ""), value


@receiver(post_delete)
def record_delete(sender, instance, **kwargs):
    if sender not in RESOURCE_TYPES:
        return
    write(instance, m.ChangeRecord.Action.DELETE, before=str(instance)[:500])
    touch_services(instance)


def history(record_id) -> "m.QuerySet":
    """Changes to a record and to the records it owns (a service's phones, hours, translations)."""
    from django.db.models import Exists, OuterRef, Q

    # A change written once per owner (owner_ids) is the record's own change once: the copy of the smallest owner.
    twin = m.ChangeRecord.objects.filter(
        resource_id=OuterRef("resource_id"),
        last_action_date=OuterRef("last_action_date"),
        field_name=OuterRef("field_name"),
        last_action_type=OuterRef("last_action_type"),
        owner_id__lt=OuterRef("owner_id"),
    )
    return m.ChangeRecord.objects.filter(Q(owner_id=record_id) | (Q(resource_id=record_id) & ~Exists(twin)))


def as_hsds_metadata(change: "m.ChangeRecord") -> dict:
    """The HSDS 3.0 `metadata` object for a change."""
    return {
        "id": str(change.id),
        "resource_id": str(change.resource_id),
        "resource_type": change.resource_type,
        "last_action_date": change.last_action_date.date().isoformat(),
        "last_action_type": change.last_action_type,
        "field_name": change.field_name,
        "previous_value": change.previous_value,
        "replacement_value": change.replacement_value,
        "updated_by": change.updated_by,
    }
