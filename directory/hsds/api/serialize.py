"""Model → HSDS 3.0 JSON shapes (schema/compiled/*.json).

Plain functions rather than DRF serializers: the nesting rules differ per endpoint. Optional
fields that are empty are left out, as HSDS examples do.

Profile extensions: service text (name, description, eligibility_description, application_process,
fees_description, required_documents) comes in the language the client asked for (`lang`
parameter or `Accept-Language`, see `negotiate_language`), field by field falling back to the
default language; full records carry the audit trail as HSDS `metadata`, newest first.
"""
from collections import defaultdict
from functools import lru_cache
from types import SimpleNamespace

from django.db.models import F, Prefetch, Q
from django.db.models.functions import RowNumber
from django.db.models.expressions import Window

from hsds import audit
from hsds import models as m

from . import negotiation

# Newest changes shown in a record's `metadata`; the whole history stays in the staff admin.
METADATA_LIMIT = 50


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


def metadata_by_record(ids, limit: int = METADATA_LIMIT) -> dict:
    """HSDS `metadata` of many records (their own changes and their phones', hours', ...) in one query."""
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
        grouped[change.owner_id].append(audit.as_hsds_metadata(change))
    return grouped


def _compact(data: dict, required: tuple = ()) -> dict:
    return {k: v for k, v in data.items() if k in required or v not in (None, "")}


def _iso(value):
    return value.isoformat() if value is not None else None


def _hhmm(value):
    return value.strftime("%H:%M") if value is not None else None


def _number(value):
    return float(value) if value is not None else None


def organization(org: m.Organization) -> dict:
    return _compact(
        {
            "id": str(org.id),
            "name": org.name,
            "alternate_name": org.alternate_name,
            "description": org.description,
            "email": org.email,
            "website": org.website,
            "uri": org.uri,
            "parent_organization_id": str(org.parent_organization_id) if org.parent_organization_id else None,
        },
        required=("id", "name", "description"),
    )


def phone(p: m.Phone) -> dict:
    return _compact(
        {
            "id": str(p.id),
            "service_id": str(p.service_id) if p.service_id else None,
            "location_id": str(p.location_id) if p.location_id else None,
            "organization_id": str(p.organization_id) if p.organization_id else None,
            "service_at_location_id": str(p.service_at_location_id) if p.service_at_location_id else None,
            "number": p.number,
            "extension": p.extension,
            "type": p.type,
            "description": p.description,
            "languages": [],
            "attributes": [],
            "metadata": [],
        },
        required=("id", "number"),
    )


def schedule(s: m.Schedule) -> dict:
    return _compact(
        {
            "id": str(s.id),
            "service_id": str(s.service_id) if s.service_id else None,
            "location_id": str(s.location_id) if s.location_id else None,
            "service_at_location_id": str(s.service_at_location_id) if s.service_at_location_id else None,
            "valid_from": _iso(s.valid_from),
            "valid_to": _iso(s.valid_to),
            "freq": s.freq,
            "wkst": s.wkst,
            "byday": s.byday,
            "opens_at": _hhmm(s.opens_at),
            "closes_at": _hhmm(s.closes_at),
            "description": s.description,
            "attending_type": s.attending_type,
            "notes": s.notes,
            "attributes": [],
            "metadata": [],
        },
        required=("id",),
    )


def language(lang: m.Language) -> dict:
    return _compact(
        {
            "id": str(lang.id),
            "service_id": str(lang.service_id) if lang.service_id else None,
            "location_id": str(lang.location_id) if lang.location_id else None,
            "phone_id": str(lang.phone_id) if lang.phone_id else None,
            "name": lang.name,
            "code": lang.code,
            "note": lang.note,
            "attributes": [],
            "metadata": [],
        },
        required=("id",),
    )


def address(a: m.Address) -> dict:
    return _compact(
        {
            "id": str(a.id),
            "location_id": str(a.location_id),
            "attention": a.attention,
            "address_1": a.address_1,
            "address_2": a.address_2,
            "city": a.city,
            "region": a.region,
            "state_province": a.state_province,
            "postal_code": a.postal_code,
            "country": a.country,
            "address_type": a.address_type,
            "attributes": [],
            "metadata": [],
        },
        required=("id", "address_1", "city", "state_province", "postal_code", "country", "address_type"),
    )


def location(loc: m.Location, nested: bool = True) -> dict:
    data = _compact(
        {
            "id": str(loc.id),
            "location_type": loc.location_type,
            "url": loc.url,
            "organization_id": str(loc.organization_id) if loc.organization_id else None,
            "name": loc.name,
            "alternate_name": loc.alternate_name,
            "description": loc.description,
            "transportation": loc.transportation,
            "latitude": _number(loc.latitude),
            "longitude": _number(loc.longitude),
        },
        required=("id", "location_type"),
    )
    if nested:
        data.update(
            {
                "languages": [language(x) for x in _rows(loc, "languages")],
                "addresses": [address(x) for x in _rows(loc, "addresses")],
                "contacts": [],
                "accessibility": [],
                "phones": [phone(x) for x in _rows(loc, "phones")],
                "schedules": [schedule(x) for x in _rows(loc, "schedules")],
                "attributes": [],
                "metadata": [],
            }
        )
    return data


def taxonomy(t: m.Taxonomy) -> dict:
    return _compact(
        {"id": str(t.id), "name": t.name, "description": t.description, "uri": t.uri, "version": t.version, "metadata": []},
        required=("id", "name", "description"),
    )


def taxonomy_term(term: m.TaxonomyTerm) -> dict:
    return _compact(
        {
            "id": str(term.id),
            "code": term.code,
            "name": term.name,
            "description": term.description,
            "parent_id": str(term.parent_id) if term.parent_id else None,
            "taxonomy": term.taxonomy.name if term.taxonomy_id else None,
            "taxonomy_detail": taxonomy(term.taxonomy) if term.taxonomy_id else None,
            "language": term.language,
            "taxonomy_id": str(term.taxonomy_id) if term.taxonomy_id else None,
            "term_uri": term.term_uri,
            "metadata": [],
        },
        required=("id", "name", "description"),
    )


def attribute(attr: m.Attribute) -> dict:
    return _compact(
        {
            "id": str(attr.id),
            "link_id": str(attr.link_id),
            "taxonomy_term_id": str(attr.taxonomy_term_id),
            "link_type": attr.link_type,
            "link_entity": attr.link_entity,
            "value": attr.value,
            "taxonomy_term": taxonomy_term(attr.taxonomy_term),
            "metadata": [],
        },
        required=("id",),
    )


def attributes_by_link(entity: str, ids) -> dict:
    """All attributes of many records in one query (attributes link generically by id)."""
    grouped = defaultdict(list)
    rows = (
        m.Attribute.objects.filter(link_entity=entity, link_id__in=list(ids))
        .select_related("taxonomy_term__taxonomy")
        .order_by("taxonomy_term__code")
    )
    for attr in rows:
        grouped[attr.link_id].append(attribute(attr))
    return grouped


LOCATION_PREFETCH = ("languages", "addresses", "phones", "schedules")
SERVICE_PREFETCH = ("phones", "schedules", "languages", "required_documents")
# Where `load_full_relations` puts a relation's rows: a plain list on the record.
ROWS = "{}_rows"


def _rows(record, relation: str):
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
    """The columns the serializers read (all but `extra`, which the API never shows)."""
    return tuple(f.attname for f in model._meta.concrete_fields if f.name != "extra")


def _plain_rows(queryset):
    """The rows as plain records with the model's attribute names: the serializers only read them, and
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


def service_queryset(full: bool, lang: str = ""):
    """Services with their organization (and translation); `services` and `full_service` load what full services nest."""
    return m.Service.objects.select_related("organization").prefetch_related(*translation_prefetch(lang))


def service_at_locations(rows, full: bool, lang: str = "") -> list:
    """A page of service_at_locations; categories and changes of their services in one query each."""
    service_ids = {sal.service_id for sal in rows}
    attributes = attributes_by_link("service", service_ids) if full else {}
    metadata = metadata_by_record(service_ids) if full else {}
    return [
        service_at_location(sal, full, lang, attributes.get(sal.service_id, []), metadata.get(sal.service_id, []))
        for sal in rows
    ]


def service_at_location(sal: m.ServiceAtLocation, full: bool, lang: str = "", attributes: list = None, metadata: list = None) -> dict:
    """List items carry flat location and service; the full shape nests everything."""
    data = _compact(
        {"id": str(sal.id), "service_id": str(sal.service_id), "location_id": str(sal.location_id), "description": sal.description},
        required=("id",),
    )
    data["location"] = location(sal.location, nested=full)
    if full:
        data.update(
            {
                "contacts": [],
                "phones": [phone(x) for x in _rows(sal, "phones")],
                "schedules": [schedule(x) for x in _rows(sal, "schedules")],
                "attributes": [],
                "metadata": [],
            }
        )
        if attributes is None:
            attributes = attributes_by_link("service", [sal.service_id]).get(sal.service_id, [])
        if metadata is None:
            metadata = metadata_by_record([sal.service_id]).get(sal.service_id, [])
        data["service"] = service(sal.service, full=True, attributes=attributes, with_locations=False, lang=lang, metadata=metadata)
    else:
        data["service"] = service(sal.service, full=False, lang=lang)
    return data


def service(svc: m.Service, full: bool, attributes: list = None, with_locations: bool = True, lang: str = "", metadata: list = None) -> dict:
    translation = negotiation.translation_of(svc, lang)
    data = _compact(
        {
            "id": str(svc.id),
            "organization_id": str(svc.organization_id),
            "name": negotiation.translated_text(translation, "name", svc.name),
            "alternate_name": svc.alternate_name,
            "description": negotiation.translated_text(translation, "description", svc.description),
            "url": svc.url,
            "email": svc.email,
            "status": svc.status,
            "interpretation_services": svc.interpretation_services,
            "application_process": negotiation.translated_text(translation, "application_process", svc.application_process),
            "fees_description": negotiation.translated_text(translation, "fees_description", svc.fees_description),
            "wait_time": svc.wait_time,
            "eligibility_description": negotiation.translated_text(translation, "eligibility_description", svc.eligibility_description),
            "minimum_age": svc.minimum_age,
            "maximum_age": svc.maximum_age,
            "assured_date": _iso(svc.assured_date),
            "assurer_email": svc.assurer_email,
            "alert": svc.alert,
            "last_modified": _iso(svc.last_modified),
            "organization": organization(svc.organization),
        },
        required=("id", "name", "status"),
    )
    if full:
        documents = list(_rows(svc, "required_documents"))
        document_names = negotiation.translated_documents(translation, [d.document for d in documents])
        data.update(
            {
                "phones": [phone(x) for x in _rows(svc, "phones")],
                "schedules": [schedule(x) for x in _rows(svc, "schedules")],
                "service_areas": [],
                "languages": [language(x) for x in _rows(svc, "languages")],
                "funding": [],
                "cost_options": [],
                "required_documents": [
                    _compact({"id": str(d.id), "service_id": str(d.service_id), "document": name, "uri": d.uri, "attributes": [], "metadata": []}, required=("id",))
                    for d, name in zip(documents, document_names)
                ],
                "contacts": [],
                "attributes": attributes if attributes is not None else [],
                "metadata": metadata if metadata is not None else [],
            }
        )
        if with_locations:
            data["service_at_locations"] = [nested_service_at_location(x) for x in _rows(svc, "service_at_locations")]
    return data


def nested_service_at_location(sal: m.ServiceAtLocation) -> dict:
    """A service's own link to one of its locations (inside a full service)."""
    return _compact(
        {
            "id": str(sal.id),
            "service_id": str(sal.service_id),
            "location_id": str(sal.location_id),
            "description": sal.description,
            "contacts": [],
            "phones": [phone(x) for x in _rows(sal, "phones")],
            "schedules": [schedule(x) for x in _rows(sal, "schedules")],
            "location": location(sal.location),
            "attributes": [],
            "metadata": [],
        },
        required=("id",),
    )


def services(page_of_services, full: bool, lang: str = "") -> list:
    ids = [s.id for s in page_of_services]
    if full:
        load_full_relations(page_of_services)
    attributes = attributes_by_link("service", ids) if full else {}
    metadata = metadata_by_record(ids) if full else {}
    return [
        service(s, full=full, attributes=attributes.get(s.id, []), lang=lang, metadata=metadata.get(s.id, []))
        for s in page_of_services
    ]


def full_service(svc: m.Service, lang: str = "") -> dict:
    """One fully nested service with its categories and recent changes (detail and write responses)."""
    load_full_relations([svc])
    attributes = attributes_by_link("service", [svc.id]).get(svc.id, [])
    metadata = metadata_by_record([svc.id]).get(svc.id, [])
    return service(svc, full=True, attributes=attributes, lang=lang, metadata=metadata)
