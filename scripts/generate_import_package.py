"""Write a real-world-shaped HSDS 3.0 CSV package (as a 211 directory converts to HSDS) for import benchmarks.

    python scripts/generate_import_package.py OUT_FOLDER [SERVICES]     (default 4,000 services)

The shape of issue 13 for 4,000 services: 1,000 organisations, 11,000 opening-hour rows, 26,000
taxonomy links, plus locations, addresses, service-at-location links, phones and languages, all
scaled with SERVICES. Ids are numbers (as a 211 database numbers its records), and the cells carry the
ordinary mess the importer normalises: national phone formats with extensions and two numbers in one
cell, 8-decimal coordinates, language names, 9:00am times, web addresses without a scheme, a blank
status, the same taxonomy link twice. Every record is valid once normalised, so an all-or-nothing
import applies everything when run with CITY_PHONE_REGION=US and CITY_BOUNDS=off (Miami numbers and
coordinates). The same SERVICES and seed always write the same files. `make bench` also breaks one service
in 40 beyond repair (`broken_every`) and imports with ON_ERROR=skip: those are left out, each row with its reason.
"""

import csv
import random
import sys
from pathlib import Path
from typing import Dict

SEED = 13
COLUMNS = {
    "organizations": "id name description email website",
    "services": "id organization_id name description url email status eligibility_description",
    "locations": "id location_type organization_id name latitude longitude",
    "addresses": "id location_id address_1 city state_province postal_code country address_type",
    "service_at_location": "id service_id location_id",
    "phones": "id service_id number type",
    "schedules": "id service_id freq byday opens_at closes_at",
    "languages": "id service_id name",
    "taxonomies": "id name description",
    "taxonomy_terms": "id code name description parent_id taxonomy_id",
    "attributes": "id link_id taxonomy_term_id link_entity",
}
WORDS = ("community food family youth senior legal health dental housing shelter job career language " "immigrant refugee women children clinic counselling transit utility tax school").split()
KINDS = ("Center", "Services", "Alliance", "Network", "Clinic", "Outreach", "Foundation", "Ministries")
LANGUAGES = ("English", "Spanish", "Haitian Creole", "Creole", "French", "Portuguese", "Russian", "Arabic", "Español")
DAYS = ("MO,TU,WE,TH,FR", "MO,WE,FR", "TU,TH", "SA", "MO", "TU", "WE", "TH", "FR")
OPENS = ("8:00am", "8:30 am", "9:00am", "9am", "10:00 AM", "1:00pm")
CLOSES = ("5:00pm", "5 PM", "12 noon", "4:30pm", "6:00 p.m.", "8:00pm")
AREA_CODES = ("305", "786", "954")


def _phone(rng: random.Random) -> str:
    area = rng.choice(AREA_CODES)
    exchange, line = rng.randint(201, 989), rng.randint(1000, 9999)
    if exchange % 100 == 11:
        exchange += 1
    shape = rng.random()
    if shape < 0.35:
        return f"({area}) {exchange}-{line}"
    if shape < 0.55:
        return f"{area}.{exchange}.{line} ext {rng.randint(1, 999)}"
    if shape < 0.65:
        return f"({area}) {exchange}-{line} / {area} {exchange} {(line + 1) % 10000:04d}"
    if shape < 0.85:
        return f"{area}-{exchange}-{line}"
    return f"+1 {area} {exchange} {line}"


def _name(rng: random.Random) -> str:
    return " ".join(w.capitalize() for w in rng.sample(WORDS, 2)) + " " + rng.choice(KINDS)


def package_rows(services: int = 4000, seed: int = SEED, broken_every: int = 0) -> Dict[str, list]:
    """Every table's rows as dicts, for `services` services (the other tables scaled to issue 13's shape);
    with `broken_every`, every so many services carry a mistake no rule can mend (an e-mail address that is
    not one), as real data does: an import with ON_ERROR=skip leaves each out with its rows, and says why."""
    rng = random.Random(seed)
    organizations = max(1, services // 4)
    tables: Dict[str, list] = {name: [] for name in COLUMNS}
    tables["taxonomies"].append({"id": "1", "name": "211 LA County Taxonomy (AIRS)", "description": "Categories of services."})
    terms = max(20, min(400, services // 10))
    for number in range(1, terms + 1):
        parent = "" if number <= 10 else str(rng.randint(1, 10))
        letters = "ABDFHLNPRT"[(number - 1) % 10]
        tables["taxonomy_terms"].append(
            {
                "id": str(number),
                "code": f"{letters}{letters}-{1000 + number}.{number % 7 * 100:04d}",
                "name": f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} {number}",
                "description": "A category of services.",
                "parent_id": parent,
                "taxonomy_id": "1",
            }
        )
    for number in range(1, organizations + 1):
        tables["organizations"].append(
            {
                "id": str(number),
                "name": f"{_name(rng)} {number}",
                "description": "A community organisation.",
                "email": f"info{number}@example.org",
                "website": rng.choice((f"www.org{number}.example.org", f"https://org{number}.example.org")),
            }
        )
        for place in range(rng.choice((1, 1, 1, 2))):
            location = len(tables["locations"]) + 1
            tables["locations"].append(
                {
                    "id": str(location),
                    "location_type": "physical",
                    "organization_id": str(number),
                    "name": f"Site {location}",
                    "latitude": f"{25.55 + rng.random() * 0.4:.8f}",
                    "longitude": f"{-80.45 + rng.random() * 0.3:.8f}",
                }
            )
            tables["addresses"].append(
                {
                    "id": str(location),
                    "location_id": str(location),
                    "address_1": f"{rng.randint(1, 9999)} NW {rng.randint(1, 200)}th St",
                    "city": "Miami",
                    "state_province": "FL",
                    "postal_code": f"331{rng.randint(10, 99)}",
                    "country": "US",
                    "address_type": "physical",
                }
            )
    locations_of: Dict[str, list] = {}
    for location in tables["locations"]:
        locations_of.setdefault(location["organization_id"], []).append(location["id"])
    for number in range(1, services + 1):
        organization = str((number - 1) % organizations + 1)
        service = str(number)
        tables["services"].append(
            {
                "id": service,
                "organization_id": organization,
                "name": f"{_name(rng)} program {number}",
                "description": "Help for residents of the county.",
                "url": rng.choice(("", f"www.org{organization}.example.org/s{number}")),
                "email": "not-an-address" if broken_every and number % broken_every == 0 else "",
                "status": "" if number % 97 == 0 else "active",
                "eligibility_description": "Residents of the county.",
            }
        )
        tables["service_at_location"].append({"id": service, "service_id": service, "location_id": rng.choice(locations_of[organization])})
        tables["phones"].append({"id": service, "service_id": service, "number": _phone(rng), "type": "voice"})
    # Exactly 2.75 opening-hour rows, 6.5 taxonomy links and 1.5 languages per service, spread at random.
    for index in range(services * 11 // 4):
        service = str(index % services + 1)
        tables["schedules"].append(
            {
                "id": str(index + 1),
                "service_id": service,
                "freq": "WEEKLY",
                "byday": rng.choice(DAYS),
                "opens_at": rng.choice(OPENS[:5]),
                "closes_at": rng.choice(CLOSES),
            }
        )
    links = set()
    for index in range(services * 13 // 2):
        service = str(index % services + 1)
        term = str(rng.randint(1, terms))
        while (service, term) in links:
            term = str(rng.randint(1, terms))
        links.add((service, term))
        tables["attributes"].append({"id": str(index + 1), "link_id": service, "taxonomy_term_id": term, "link_entity": "service"})
    # The same link twice (categories from two sources): merged on import, with a note.
    for index in range(0, len(tables["attributes"]), 1000):
        row = dict(tables["attributes"][index], id=str(len(tables["attributes"]) + 1))
        tables["attributes"].append(row)
    for index in range(services * 3 // 2):
        service = str(index % services + 1)
        tables["languages"].append({"id": str(index + 1), "service_id": service, "name": LANGUAGES[index % len(LANGUAGES)] if index >= services else "English"})
    return tables


def write_package(folder: Path, services: int = 4000, seed: int = SEED, broken_every: int = 0) -> Dict[str, int]:
    """Write the CSV files into `folder`; return the number of rows of each table."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, rows in package_rows(services, seed, broken_every).items():
        with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS[name].split())
            writer.writeheader()
            writer.writerows(rows)
        counts[name] = len(rows)
    return counts


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    written = write_package(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) == 3 else 4000)
    print(", ".join(f"{name} {count:,}" for name, count in written.items()))
