"""Response shapes of the records the API serves whole: rows → HSDS 3.0 JSON (schema/compiled/*.json);
the records they nest are shaped in record_shapes.py.

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
from .record_shapes import address, attribute, compact, iso, language, number, phone, ref, schedule


def organization(org: m.Organization) -> dict:
    return compact(
        {
            "id": str(org.id),
            "name": org.name,
            "alternate_name": org.alternate_name,
            "description": org.description,
            "email": org.email,
            "website": org.website,
            "uri": org.uri,
            "parent_organization_id": ref(org.parent_organization_id),
        },
        required=("id", "name", "description"),
    )


def location(loc: m.Location, nested: bool = True) -> dict:
    data = compact(
        {
            "id": str(loc.id),
            "location_type": loc.location_type,
            "url": loc.url,
            "organization_id": ref(loc.organization_id),
            "name": loc.name,
            "alternate_name": loc.alternate_name,
            "description": loc.description,
            "transportation": loc.transportation,
            "latitude": number(loc.latitude),
            "longitude": number(loc.longitude),
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


def service_at_location(sal: m.ServiceAtLocation, full: bool, lang: str = "", attributes=(), changes=()) -> dict:
    """List items carry flat location and service; the full shape nests everything (and the service's
    categories, `attributes` rows, and `changes`, ChangeRecords)."""
    data = compact(
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
    """A service; the full shape nests its relations, its categories (`attributes` rows) and `changes` (ChangeRecords).
    Rendered in the default language, then localized (the shape service_documents.py keeps is the default one)."""
    data = compact(
        {
            "id": str(svc.id),
            "organization_id": str(svc.organization_id),
            "name": svc.name,
            "alternate_name": svc.alternate_name,
            "description": svc.description,
            "url": svc.url,
            "email": svc.email,
            "status": svc.status,
            "interpretation_services": svc.interpretation_services,
            "application_process": svc.application_process,
            "fees_description": svc.fees_description,
            "wait_time": svc.wait_time,
            "eligibility_description": svc.eligibility_description,
            "minimum_age": svc.minimum_age,
            "maximum_age": svc.maximum_age,
            "assured_date": iso(svc.assured_date),
            "assurer_email": svc.assurer_email,
            "alert": svc.alert,
            "last_modified": iso(svc.last_modified),
            "organization": organization(svc.organization),
        },
        required=("id", "name", "status"),
    )
    if full:
        data.update(
            {
                "phones": [phone(x) for x in rows_of(svc, "phones")],
                "schedules": [schedule(x) for x in rows_of(svc, "schedules")],
                "service_areas": [],
                "languages": [language(x) for x in rows_of(svc, "languages")],
                "funding": [],
                "cost_options": [],
                "required_documents": [
                    compact({"id": str(d.id), "service_id": str(d.service_id), "document": d.document, "uri": d.uri, "attributes": [], "metadata": []}, required=("id",))
                    for d in rows_of(svc, "required_documents")
                ],
                "contacts": [],
                "attributes": [attribute(a) for a in attributes],
                "metadata": [audit.as_hsds_metadata(c) for c in changes],
            }
        )
        if with_locations:
            data["service_at_locations"] = [nested_service_at_location(x) for x in rows_of(svc, "service_at_locations")]
    return negotiation.localized(data, negotiation.translation_of(svc, lang))


def nested_service_at_location(sal: m.ServiceAtLocation) -> dict:
    """A service's own link to one of its locations (inside a full service)."""
    return compact(
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
