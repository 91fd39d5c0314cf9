"""Load the taxonomy and the fictional demo city into the directory.

Ids are derived from stable keys (uuid5), so loading twice changes nothing and the demo city's
records keep the same ids on every machine.
"""

import uuid
from datetime import date
from pathlib import Path

import yaml
from django.db import transaction

from contracts.languages import record_name
from contracts.needs import TAXONOMY_FILE

from . import models as m

NAMESPACE = uuid.UUID("6f1c3a52-4d0e-4b8a-9a57-1f0f6a6e2c11")
DEMO_FILE = Path(__file__).resolve().parents[1] / "demo" / "city.yml"


def stable_id(*parts: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, "/".join(parts))


@transaction.atomic
def load_taxonomy(path: Path = TAXONOMY_FILE) -> int:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    count = 0

    def upsert_term(taxonomy, term, parent):
        nonlocal count
        obj, _ = m.TaxonomyTerm.objects.update_or_create(
            id=stable_id("term", term["code"]),
            defaults={
                "code": term["code"],
                "name": term["name"],
                "description": term["description"],
                "parent": parent,
                "taxonomy": taxonomy,
                "language": "en",
            },
        )
        count += 1
        for child in term.get("children", []):
            upsert_term(taxonomy, child, obj)

    for tax in data["taxonomies"]:
        taxonomy, _ = m.Taxonomy.objects.update_or_create(
            id=stable_id("taxonomy", tax["key"]),
            defaults={"name": tax["name"], "description": tax["description"], "version": tax.get("version", "")},
        )
        for term in tax["terms"]:
            upsert_term(taxonomy, term, None)
    return count


@transaction.atomic
def load_demo_city(path: Path = DEMO_FILE) -> int:
    """Create the demo city's records (replacing earlier copies of the same records)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    city = data["city"]
    terms = {t.code: t for t in m.TaxonomyTerm.objects.all()}

    organizations = {}
    for org in data["organizations"]:
        organizations[org["key"]], _ = m.Organization.objects.update_or_create(
            id=stable_id("organization", org["key"]),
            defaults={
                "name": org["name"],
                "description": org["description"],
                "email": org.get("email", ""),
                "website": org.get("website", ""),
            },
        )

    locations = {}
    for svc in data["services"]:
        org = organizations[svc["organization"]]
        service, _ = m.Service.objects.update_or_create(
            id=stable_id("service", svc["key"]),
            defaults={
                "organization": org,
                "name": svc["name"],
                "description": svc.get("description", ""),
                "status": svc.get("status", "active"),
                "alert": svc.get("alert", ""),
                "eligibility_description": svc.get("eligibility_description", ""),
                "application_process": svc.get("application_process", ""),
                "fees_description": svc.get("fees_description", ""),
                "email": svc.get("email", ""),
                "url": svc.get("url", ""),
                "assured_date": date(2026, 11, 1),
            },
        )
        # Children are rebuilt from the file: simplest way to stay idempotent.
        service.phones.all().delete()
        service.schedules.all().delete()
        service.languages.all().delete()
        service.required_documents.all().delete()
        m.Attribute.objects.filter(link_entity="service", link_id=service.id).delete()

        m.Phone.objects.create(id=stable_id("phone", svc["key"]), service=service, number=svc["phone"], type="voice")
        for rule in svc.get("schedules", []):
            m.Schedule.objects.create(
                id=stable_id("schedule", svc["key"], rule["byday"], rule["opens_at"]),
                service=service,
                freq="WEEKLY",
                byday=rule["byday"],
                opens_at=rule["opens_at"],
                closes_at=rule["closes_at"],
            )
        for code in svc.get("languages", []):
            m.Language.objects.create(id=stable_id("language", svc["key"], code), service=service, code=code, name=record_name(code))
        for position, document in enumerate(svc.get("required_documents", [])):
            m.RequiredDocument.objects.create(id=stable_id("document", svc["key"], str(position)), service=service, document=document)
        codes = list(svc["categories"]) + (["appointment-required"] if svc.get("appointment_only") else ["walk-in"])
        codes += [f"eligibility-{group}" for group in svc.get("eligibility", [])]
        for code in codes:
            m.Attribute.objects.create(
                id=stable_id("attribute", svc["key"], code),
                link_id=service.id,
                link_entity="service",
                link_type="category",
                taxonomy_term=terms[code],
            )

        place = svc["location"]
        location_key = f"{place['name']}|{place['address_1']}"
        if location_key not in locations:
            location, _ = m.Location.objects.update_or_create(
                id=stable_id("location", location_key),
                defaults={
                    "organization": org,
                    "location_type": "physical",
                    "name": place["name"],
                    "latitude": place["latitude"],
                    "longitude": place["longitude"],
                },
            )
            m.Address.objects.update_or_create(
                id=stable_id("address", location_key),
                defaults={
                    "location": location,
                    "address_1": place["address_1"],
                    "city": city["name"],
                    "region": place["neighbourhood"],
                    "state_province": city["name"],
                    "postal_code": place["postal_code"],
                    "country": city.get("country", "XM"),
                    "address_type": "physical",
                },
            )
            locations[location_key] = location
        m.ServiceAtLocation.objects.update_or_create(
            id=stable_id("service_at_location", svc["key"]),
            defaults={"service": service, "location": locations[location_key]},
        )
    return len(data["services"])
