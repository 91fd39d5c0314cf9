"""The import's writes, a sheet at a time: bulk inserts and updates in batches, with the same audit trail
as one save() per record would leave (audit.py's signals), written in bulk too.

Each record validated by ModelledRows is queued; at the end of its sheet (before the next table, whose
rows refer to it) the queue is written in batches of BATCH records, each batch in a savepoint. Per
record, the ChangeRecords are those the signals write: one `create` per owner, or one entry per
changed field per owner, all of one record sharing one time; the services a phone, hour, location or
category belongs to are marked modified. Should the database refuse a batch (a value the checks did
not foresee), that batch is saved again record by record, the old way, so the refused row is named.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Dict, Iterable, List, Optional

from django.db import DataError, IntegrityError, transaction
from django.utils import timezone

from .. import audit, models as m
from .import_report import Counts
from .reading import Sheet

BATCH = 500
UPDATE_BATCH = 100
ID_CHUNK = 500


@dataclass
class Queued:
    instance: object
    existing: Optional[object]  # the stored copy; None when the row creates the record
    number: int  # the row, for messages
    key: str
    stamp: Optional[datetime] = None  # a created service's last_modified from the file


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _bump(instance, now) -> None:
    """What save() does to an updated record: a new version (Versioned), auto_now fields set."""
    if isinstance(instance, m.Versioned):
        instance.version += 1
    for field in instance._meta.concrete_fields:
        if getattr(field, "auto_now", False):
            setattr(instance, field.attname, now)


def _unbump(instance) -> None:
    if isinstance(instance, m.Versioned):
        instance.version -= 1


def write_sheet(importer, sheet: Sheet, counts: Counts, queue: List[Queued]) -> None:
    """Write `queue` (records of one model); rows the database refuses become row errors of `sheet`."""
    if not queue:
        return
    model = type(queue[0].instance)
    fields = [f.name for f in model._meta.concrete_fields if not f.primary_key]
    for batch in _chunks(queue, BATCH):
        now = timezone.now()
        updates = [q for q in batch if q.existing is not None]
        for item in updates:
            _bump(item.instance, now)
        try:
            with transaction.atomic():
                model.objects.bulk_create([q.instance for q in batch if q.existing is None], batch_size=BATCH)
                if updates:
                    model.objects.bulk_update([q.instance for q in updates], fields, batch_size=UPDATE_BATCH)
                write_audit(batch, now)
        except (IntegrityError, DataError):
            for item in updates:
                _unbump(item.instance)
            _save_one_by_one(importer, sheet, counts, batch)


def _save_one_by_one(importer, sheet: Sheet, counts: Counts, batch: List[Queued]) -> None:
    for item in batch:
        item.instance._state.adding = item.existing is None
        try:
            with transaction.atomic():
                item.instance.save()  # the signals write its audit trail
        except (IntegrityError, DataError) as problem:
            importer.error(sheet, item.number, f"the database refused the row ({str(problem).splitlines()[0][:200]})")
            outcome = "created" if item.existing is None else "updated"
            setattr(counts, outcome, getattr(counts, outcome) - 1)
            counts.errors += 1
            importer.failed_ids[sheet.name][item.key] = item.number
            importer.known.get(type(item.instance), set()).discard(item.instance.pk)
            importer.created_services.pop(item.instance.pk, None)


def write_audit(batch: List[Queued], now) -> None:
    """The ChangeRecords and modified services the signals would have written for these saves."""
    link_ids = {getattr(q.instance, "service_at_location_id", None) for q in batch} - {None}
    links = {row[0]: row[1:] for row in m.ServiceAtLocation.objects.filter(id__in=link_ids).values_list("id", "service_id", "location_id")} if link_ids else {}
    entries = []
    for item in batch:
        instance = item.instance
        if item.existing is None:
            changes = [(m.ChangeRecord.Action.CREATE, "", "", "")]
        else:
            changes = audit.field_changes(type(instance), audit.recorded_values(item.existing), audit.recorded_values(instance))
        owners = audit.owner_ids(instance, links)
        for action, field, before, after in changes:
            entries += audit.change_records(instance, owners, action, field, before, after)
    m.ChangeRecord.objects.bulk_create(entries, batch_size=BATCH)
    # auto_now_add gave each entry its own time; the copies of one change must share theirs (audit.history).
    for ids in _chunks([e.id for e in entries], ID_CHUNK):
        m.ChangeRecord.objects.filter(id__in=ids).update(last_action_date=now)
    _touch_services([q.instance for q in batch], now)


def _touch_services(instances: list, now) -> None:
    """audit.touch_services for many records: their services become 'modified' (HSDS modified_after)."""
    services, locations = set(), set()
    for instance in instances:
        if isinstance(instance, m.Location):
            locations.add(instance.id)
        elif isinstance(instance, m.Address):
            locations.add(instance.location_id)
        elif isinstance(instance, m.Attribute):
            if instance.link_entity == "service":
                services.add(instance.link_id)
        elif not isinstance(instance, m.Service) and getattr(instance, "service_id", None):
            services.add(instance.service_id)
    for ids in _chunks(sorted(services), ID_CHUNK):
        m.Service.objects.filter(id__in=ids).update(last_modified=now)
    for ids in _chunks(sorted(locations), ID_CHUNK):
        m.Service.objects.filter(service_at_locations__location_id__in=ids).update(last_modified=now)


def stamp_created_services(stamps: Dict[object, datetime]) -> None:
    """Created services keep the last_modified their source gave them (set once their rows are in)."""
    by_stamp: Dict[datetime, list] = {}
    for service_id, stamp in stamps.items():
        by_stamp.setdefault(stamp, []).append(service_id)
    for stamp, ids in by_stamp.items():
        for chunk in _chunks(ids, ID_CHUNK):
            m.Service.objects.filter(id__in=chunk).update(last_modified=stamp)
