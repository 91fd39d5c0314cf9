"""Shapes of the HSDS 3.0 records that services, locations and organizations nest (phones, schedules,
languages, addresses, taxonomies, taxonomy terms, attributes), and the small conversions every shape
uses. Optional fields that are empty are left out, as HSDS examples do."""

from hsds import models as m


def compact(data: dict, required: tuple = ()) -> dict:
    return {k: v for k, v in data.items() if k in required or v not in (None, "")}


def iso(value):
    return value.isoformat() if value is not None else None


def hhmm(value):
    return value.strftime("%H:%M") if value is not None else None


def number(value):
    return float(value) if value is not None else None


def ref(value):
    """An optional reference (a foreign key id) as HSDS writes it: its string, or left out."""
    return str(value) if value else None


def phone(p: m.Phone) -> dict:
    return compact(
        {
            "id": str(p.id),
            "service_id": ref(p.service_id),
            "location_id": ref(p.location_id),
            "organization_id": ref(p.organization_id),
            "service_at_location_id": ref(p.service_at_location_id),
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
    return compact(
        {
            "id": str(s.id),
            "service_id": ref(s.service_id),
            "location_id": ref(s.location_id),
            "service_at_location_id": ref(s.service_at_location_id),
            "valid_from": iso(s.valid_from),
            "valid_to": iso(s.valid_to),
            "freq": s.freq,
            "wkst": s.wkst,
            "byday": s.byday,
            "opens_at": hhmm(s.opens_at),
            "closes_at": hhmm(s.closes_at),
            "description": s.description,
            "attending_type": s.attending_type,
            "notes": s.notes,
            "attributes": [],
            "metadata": [],
        },
        required=("id",),
    )


def language(lang: m.Language) -> dict:
    return compact(
        {
            "id": str(lang.id),
            "service_id": ref(lang.service_id),
            "location_id": ref(lang.location_id),
            "phone_id": ref(lang.phone_id),
            "name": lang.name,
            "code": lang.code,
            "note": lang.note,
            "attributes": [],
            "metadata": [],
        },
        required=("id",),
    )


def address(a: m.Address) -> dict:
    return compact(
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


def taxonomy(t: m.Taxonomy) -> dict:
    return compact(
        {"id": str(t.id), "name": t.name, "description": t.description, "uri": t.uri, "version": t.version, "metadata": []},
        required=("id", "name", "description"),
    )


def taxonomy_term(term: m.TaxonomyTerm) -> dict:
    return compact(
        {
            "id": str(term.id),
            "code": term.code,
            "name": term.name,
            "description": term.description,
            "parent_id": ref(term.parent_id),
            "taxonomy": term.taxonomy.name if term.taxonomy_id else None,
            "taxonomy_detail": taxonomy(term.taxonomy) if term.taxonomy_id else None,
            "language": term.language,
            "taxonomy_id": ref(term.taxonomy_id),
            "term_uri": term.term_uri,
            "metadata": [],
        },
        required=("id", "name", "description"),
    )


def attribute(attr: m.Attribute) -> dict:
    return compact(
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
