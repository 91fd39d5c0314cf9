"""Loading rows for the responses: the querysets each endpoint reads, and bulk loaders that fetch what a
page of records nests in a fixed number of queries, whatever the page size.

Loaders return rows (model instances or plain records); representations.py turns them into HSDS shapes.
"""

import uuid
from collections import defaultdict
from functools import lru_cache
from types import SimpleNamespace

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import F, Prefetch, Q
from django.db.models.expressions import Window
from django.db.models.functions import RowNumber
from django.http import Http404

from hsds import models as m

from . import negotiation

# Newest changes shown in a record's `metadata`; the whole history stays in the staff admin.
METADATA_LIMIT = 50
LOCATION_PREFETCH = ("languages", "addresses", "phones", "schedules")
SERVICE_PREFETCH = ("phones", "schedules", "languages", "required_documents")
# Where `load_full_relations` puts a relation's rows: a plain list on the record.
ROWS = "{}_rows"


def translation_prefetch(lang: str, path: str = "") -> list:
    """Prefetch only the requested language's translation (one query per list, none for the default)."""
    if negotiation.is_default(lang):
        return []
    return [
        Prefetch(
            f"{path}translations",
            queryset=m.ServiceTranslation.objects.filter(language=lang),
            to_attr="selected_translations",
        )
    ]


def service_queryset(lang: str = ""):
    """Services with their organization (and translation); `load_full_relations` loads what full services nest."""
    return m.Service.objects.select_related("organization").prefetch_related(*translation_prefetch(lang))


def service_at_location_queryset(lang: str = "", full: bool = True):
    return (
        m.ServiceAtLocation.objects.select_related("service__organization", "location")
        .prefetch_related(
            *[f"location__{name}" for name in LOCATION_PREFETCH],
            "phones",
            "schedules",
            *[f"service__{name}" for name in SERVICE_PREFETCH if full],
            *translation_prefetch(lang, "service__"),
        )
        .order_by("service__name", "id")
    )


def location_queryset():
    return m.Location.objects.prefetch_related(*LOCATION_PREFETCH)


def organization_services(org, lang: str):
    return org.services.select_related("organization").prefetch_related(*translation_prefetch(lang))


def organization_locations(org):
    return org.locations.prefetch_related(*LOCATION_PREFETCH)


def changes_by_record(ids, limit: int = METADATA_LIMIT) -> dict:
    """The newest changes of many records (their own and their phones', hours', ...) in one query, by record."""
    ids = list(ids)
    if not ids:
        return {}
    rows = (
        m.ChangeRecord.objects.filter(owner_id__in=ids)
        .annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("owner_id")],
                order_by=[F("last_action_date").desc(), F("resource_type").asc(), F("field_name").asc()],
            )
        )
        .filter(position__lte=limit)
        .order_by("owner_id", "position")
    )
    grouped = defaultdict(list)
    for change in rows:
        grouped[change.owner_id].append(change)
    return grouped


def attributes_by_link(entity: str, ids) -> dict:
    """All attributes (with their terms) of many records in one query, by record (attributes link generically by id)."""
    grouped = defaultdict(list)
    rows = m.Attribute.objects.filter(link_entity=entity, link_id__in=list(ids)).select_related("taxonomy_term__taxonomy").order_by("taxonomy_term__code")
    for attr in rows:
        grouped[attr.link_id].append(attr)
    return grouped


def rows_of(record, relation: str):
    """The rows of `record.<relation>`: the list put there by `load_full_relations`, else the manager's (prefetched) rows."""
    rows = getattr(record, ROWS.format(relation), None)
    return rows if rows is not None else getattr(record, relation).all()


def _distribute(rows, owners: dict) -> None:
    """Append each row to the lists of the records it belongs to; `owners` maps a foreign key column to {id: [records]}."""
    for row in rows:
        for column, (relation, records) in owners.items():
            for record in records.get(getattr(row, column), ()):
                getattr(record, ROWS.format(relation)).append(row)


@lru_cache(maxsize=None)
def _fields(model) -> tuple:
    """The columns the representations read (all but `extra`, which the API never shows)."""
    return tuple(f.attname for f in model._meta.concrete_fields if f.name != "extra")


def _plain_rows(queryset):
    """The rows as plain records with the model's attribute names: the representations only read them, and
    building model instances (and decoding their `extra` JSON) was most of the time of a page of full services."""
    return [SimpleNamespace(**row) for row in queryset.values(*_fields(queryset.model))]


def load_full_relations(services) -> None:
    """What full services nest (phones, schedules, languages, documents, service_at_locations with their
    phones and schedules, locations with their languages, addresses, phones and schedules), for many
    services in six queries: phones, schedules and languages each in one query whoever they belong to.

    Django's prefetch_related would take eleven queries and build a queryset per record and relation,
    which cost more than the SQL itself for a page of 100 full services.
    """
    services = [s for s in services if getattr(s, ROWS.format("phones"), None) is None]
    if not services:
        return
    by_service, by_sal, by_location = defaultdict(list), defaultdict(list), defaultdict(list)
    for svc in services:
        by_service[svc.id].append(svc)
        for relation in (*SERVICE_PREFETCH, "service_at_locations"):
            setattr(svc, ROWS.format(relation), [])
    sal_fields, location_fields = _fields(m.ServiceAtLocation), _fields(m.Location)
    rows = m.ServiceAtLocation.objects.filter(service_id__in=list(by_service)).values(*sal_fields, *[f"location__{f}" for f in location_fields])
    for row in rows:
        sal = SimpleNamespace(**{f: row[f] for f in sal_fields}, phones_rows=[], schedules_rows=[])
        sal.location = SimpleNamespace(**{f: row[f"location__{f}"] for f in location_fields}, **{ROWS.format(r): [] for r in LOCATION_PREFETCH})
        by_sal[sal.id].append(sal)
        by_location[sal.location_id].append(sal.location)
        for svc in by_service[sal.service_id]:
            svc.service_at_locations_rows.append(sal)
    _distribute(
        _plain_rows(m.Phone.objects.filter(Q(service_id__in=list(by_service)) | Q(location_id__in=list(by_location)) | Q(service_at_location_id__in=list(by_sal)))),
        {"service_id": ("phones", by_service), "location_id": ("phones", by_location), "service_at_location_id": ("phones", by_sal)},
    )
    _distribute(
        _plain_rows(m.Schedule.objects.filter(Q(service_id__in=list(by_service)) | Q(location_id__in=list(by_location)) | Q(service_at_location_id__in=list(by_sal)))),
        {"service_id": ("schedules", by_service), "location_id": ("schedules", by_location), "service_at_location_id": ("schedules", by_sal)},
    )
    _distribute(
        _plain_rows(m.Language.objects.filter(Q(service_id__in=list(by_service)) | Q(location_id__in=list(by_location)))),
        {"service_id": ("languages", by_service), "location_id": ("languages", by_location)},
    )
    _distribute(_plain_rows(m.RequiredDocument.objects.filter(service_id__in=list(by_service))), {"service_id": ("required_documents", by_service)})
    if by_location:
        _distribute(_plain_rows(m.Address.objects.filter(location_id__in=list(by_location))), {"location_id": ("addresses", by_location)})


def get_or_404(queryset, raw_id):
    """The row of `queryset` with this id; a 404 for an unknown or malformed id."""
    try:
        return queryset.get(id=uuid.UUID(raw_id))
    except (ValueError, ObjectDoesNotExist):
        raise Http404("No record has this id.")
