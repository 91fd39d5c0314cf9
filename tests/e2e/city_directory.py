"""A small city directory as a 211 database converts it to HSDS 3.0 CSV: numeric ids, its own taxonomy
(211/AIRS-style codes and names, a category in Spanish), and the ordinary mess of real data (national phone
formats with extensions, language names, 12-hour times, web addresses without a scheme, a blank status, the
same taxonomy link twice), plus one broken service (an e-mail address that is not one) that an import with
ON_ERROR=skip must leave out and explain. None of its services is tagged with our needs."""

import csv
from pathlib import Path

# (code, name, description) of the city's own taxonomy; id = position + 1.
TERMS = [
    ("LV-1600", "Dental Care", "Dental examinations, cleaning, fillings and extractions."),
    ("BH-1800.8500", "Homeless Shelter", "Overnight beds for people without a home."),
    ("ND-3500", "Job Search Assistance", "Help with finding job openings and applying for them."),
    ("LN-1500", "Community Clinics", "Primary health care at low cost."),
    ("HH-0500.8000", "English as a Second Language", "Classes in English for adults whose first language is another."),
    ("C-77", "Consejería de salud mental", "Apoyo psicológico y orientación."),
    ("FT-4500", "Tenant Rights Counseling", "Advice for renters facing eviction or landlord disputes."),
    ("PN-9999", "Pet Food", "Food for dogs and cats of low-income owners."),
]
# (name, term numbers): twenty services; the dental and shelter ones are what the questions must find.
SERVICES = [
    ("Harbour Smiles Dental Clinic", [1]),
    ("Bayside Night Shelter", [2]),
    ("Northside Job Club", [3]),
    ("Riverside Community Clinic", [4]),
    ("Evening English for Adults", [5]),
    ("Centro de Apoyo Emocional", [6]),
    ("Renters' Rights Desk", [7]),
    ("Paws Pantry", [8]),
    ("Westside Health Centre", [4]),
    ("Career Corner", [3]),
    ("Family Shelter at St. Anne's", [2, 2]),
    ("Conversation Café ESL", [5]),
    ("Tenants United Hotline", [7]),
    ("Lakeside Walk-in Clinic", [4]),
    ("Second Chance Jobs", [3]),
    ("Hope House Shelter", [2]),
    ("Mindful Newcomers Counselling", [6]),
    ("Learn English Library Program", [5]),
    ("Eastside Clinic for Families", [4]),
    ("Job Ready Workshop", [3]),
]
BROKEN = ("Gleaming Teeth Outreach", [1])  # its e-mail is not an address: left out with its rows, and said why
PHONES = ["(305) 555-0100 ext 12", "305.555.0101", "305-555-0102", "+1 305 555 0103", "(305) 555-0104 / 305 555 0105"]
LANGUAGES = ["Spanish", "Haitian Creole", "Arabic", "English", "French"]
HOURS = [("9:00am", "5:00pm"), ("8:30 am", "12 noon"), ("10:00 AM", "6:00 p.m.")]


def _write(folder: Path, name: str, rows: list) -> None:
    with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def write_city_directory(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    services = SERVICES + [BROKEN]
    _write(folder, "organizations", [{"id": "1", "name": "Bayside United Way", "description": "The city's 211 directory.", "website": "www.bayside211.example.org"}])
    _write(folder, "taxonomies", [{"id": "1", "name": "Bayside 211 Taxonomy", "description": "AIRS-style categories."}])
    _write(folder, "taxonomy_terms", [{"id": str(i + 1), "code": code, "name": name, "description": text, "taxonomy_id": "1"} for i, (code, name, text) in enumerate(TERMS)])
    _write(
        folder,
        "services",
        [
            {
                "id": str(i + 1),
                "organization_id": "1",
                "name": name,
                "description": f"{name}: open to everyone in Bayside.",
                "url": f"bayside211.example.org/s/{i + 1}",
                "email": "not-an-address" if (name, terms) == BROKEN else f"desk{i + 1}@bayside211.example.org",
                "status": "" if i % 7 == 3 else "active",
            }
            for i, (name, terms) in enumerate(services)
        ],
    )
    _write(
        folder,
        "locations",
        [
            {"id": str(i + 1), "location_type": "physical", "organization_id": "1", "name": f"Site {i + 1}", "latitude": f"{25.7617 + i / 1000:.8f}", "longitude": f"{-80.1918 - i / 1000:.8f}"}
            for i in range(len(services))
        ],
    )
    _write(
        folder,
        "addresses",
        [
            {
                "id": str(i + 1),
                "location_id": str(i + 1),
                "address_1": f"{100 + i} Main St",
                "city": "Bayside",
                "state_province": "FL",
                "postal_code": "33101",
                "country": "US",
                "address_type": "physical",
            }
            for i in range(len(services))
        ],
    )
    _write(folder, "service_at_location", [{"id": str(i + 1), "service_id": str(i + 1), "location_id": str(i + 1)} for i in range(len(services))])
    _write(folder, "phones", [{"id": str(i + 1), "service_id": str(i + 1), "number": PHONES[i % len(PHONES)], "type": "voice"} for i in range(len(services))])
    _write(folder, "languages", [{"id": str(i + 1), "service_id": str(i + 1), "name": LANGUAGES[i % len(LANGUAGES)]} for i in range(len(services))])
    _write(
        folder,
        "schedules",
        [
            {"id": str(i + 1), "service_id": str(i + 1), "freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR", "opens_at": HOURS[i % len(HOURS)][0], "closes_at": HOURS[i % len(HOURS)][1]}
            for i in range(len(services))
        ],
    )
    links = [(i + 1, term) for i, (_, terms) in enumerate(services) for term in terms]
    _write(folder, "attributes", [{"id": str(n + 1), "link_id": str(service), "taxonomy_term_id": str(term), "link_entity": "service"} for n, (service, term) in enumerate(links)])
    return folder
