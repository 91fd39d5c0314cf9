"""Response shapes: rows → HSDS 3.0 JSON (schema/compiled/*.json).

Plain functions rather than DRF serializers: the nesting rules differ per endpoint. Optional
fields that are empty are left out, as HSDS examples do. The rows come loaded (loading.py's
querysets and bulk loaders put what a record nests on it); a service's text comes in the requested
language, field by field falling back to the default language (negotiation.py). Full records carry
the audit trail as HSDS `metadata`, newest first.
"""
from hsds import audit
from hsds import models as m

from . import negotiation
from .loading import rows_of


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
                "languages": [language(x) for x in rows_of(loc, "languages")],
                "addresses": [address(x) for x in rows_of(loc, "addresses")],
                "contacts": [],
                "accessibility": [],
                "phones": [phone(x) for x in rows_of(loc, "phones")],
                "schedules": [schedule(x) for x in rows_of(loc, "schedules")],
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


def service_at_location(sal: m.ServiceAtLocation, full: bool, lang: str = "", attributes=(), changes=()) -> dict:
    """List items carry flat location and service; the full shape nests everything (and the service's
    categories, `attributes` rows, and `changes`, ChangeRecords)."""
    data = _compact(
        {"id": str(sal.id), "service_id": str(sal.service_id), "location_id": str(sal.location_id), "description": sal.description},
        required=("id",),
    )
    data["location"] = location(sal.location, nested=full)
    if full:
        data.update(
            {
                "contacts": [],
                "phones": [phone(x) for x in rows_of(sal, "phones")],
                "schedules": [schedule(x) for x in rows_of(sal, "schedules")],
                "attributes": [],
                "metadata": [],
            }
        )
        data["service"] = service(sal.service, full=True, lang=lang, attributes=attributes, changes=changes, with_locations=False)
    else:
        data["service"] = service(sal.service, full=False, lang=lang)
    return data


def service(svc: m.Service, full: bool, lang: str = "", attributes=(), changes=(), with_locations: bool = True) -> dict:
    """A service; the full shape nests its relations, its categories (`attributes` rows) and `changes` (ChangeRecords)."""
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
        documents = list(rows_of(svc, "required_documents"))
        document_names = negotiation.translated_documents(translation, [d.document for d in documents])
        data.update(
            {
                "phones": [phone(x) for x in rows_of(svc, "phones")],
                "schedules": [schedule(x) for x in rows_of(svc, "schedules")],
                "service_areas": [],
                "languages": [language(x) for x in rows_of(svc, "languages")],
                "funding": [],
                "cost_options": [],
                "required_documents": [
                    _compact({"id": str(d.id), "service_id": str(d.service_id), "document": name, "uri": d.uri, "attributes": [], "metadata": []}, required=("id",))
                    for d, name in zip(documents, document_names)
                ],
                "contacts": [],
                "attributes": [attribute(a) for a in attributes],
                "metadata": [audit.as_hsds_metadata(c) for c in changes],
            }
        )
        if with_locations:
            data["service_at_locations"] = [nested_service_at_location(x) for x in rows_of(svc, "service_at_locations")]
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
            "phones": [phone(x) for x in rows_of(sal, "phones")],
            "schedules": [schedule(x) for x in rows_of(sal, "schedules")],
            "location": location(sal.location),
            "attributes": [],
            "metadata": [],
        },
        required=("id",),
    )


def organization_detail(org: m.Organization, phones, locations, services, changes, lang: str = "") -> dict:
    """One organization with its phones, locations (loaded with theirs), plain services and recent changes."""
    data = organization(org)
    data.update(
        {
            "funding": [],
            "contacts": [],
            "phones": [phone(p) for p in phones],
            "locations": [location(loc) for loc in locations],
            "programs": [],
            "organization_identifiers": [],
            "attributes": [],
            "metadata": [audit.as_hsds_metadata(c) for c in changes],
            "services": [service(s, full=False, lang=lang) for s in services],
        }
    )
    return data
