"""Record the directory API's responses (and the SQL queries each takes) on a fresh demo city.

Run by tests/directory/test_golden_api.py in a subprocess, never imported by pytest. Determinism:

- the database is a new SQLite file migrated and bootstrapped (demo city) inside this process;
- `uuid.uuid4` is replaced before Django loads the models by a seeded generator, so records and
  ChangeRecords created by the bootstrap and by the write requests get the same ids on every run
  (the demo loader's own ids are uuid5 already);
- `django.utils.timezone.now` is a clock that starts at FIXED_START and advances 1 ms per call, so
  `last_modified`, `metadata[].last_action_date` and `modified_after` results are the same on every run;
- tokens have fixed keys; PYTHONHASHSEED is fixed by the caller.

Nothing in a response is normalised after the fact: bodies are compared byte for byte.

Usage: golden_api.py OUTPUT_DIR  (writes one JSON file per request and language into OUTPUT_DIR);
       golden_api.py --regenerate  (replaces tests/directory/golden/ — see test_golden_api.py).
"""
import json
import os
import random
import sys
import tempfile
import uuid
from datetime import datetime, timedelta, timezone as dt_timezone
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
FIXED_START = datetime(2026, 1, 15, 9, 0, 0, tzinfo=dt_timezone.utc)
LANGUAGES = ("en", "es", "fr", "ar", "uk", "fa")
# Response headers that change from run to run (none are expected; listed here if one appears).
VOLATILE_HEADERS = {"date"}

_ids = random.Random(20260115)
uuid.uuid4 = lambda: uuid.UUID(int=_ids.getrandbits(128), version=4)


class Clock:
    def __init__(self) -> None:
        self.now = FIXED_START

    def __call__(self):
        self.now += timedelta(milliseconds=1)
        return self.now


def set_up_django(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "directory_site.settings")
    sys.path.insert(0, str(ROOT / "directory"))
    import django
    from django.utils import timezone

    timezone.now = Clock()
    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--no-input", verbosity=0)
    call_command("bootstrap_directory", stdout=open(os.devnull, "w"))


# The demo city has no translations: the harness adds some (partial ones, so fallback shows) to the
# first services by name, so that every language's responses differ where the API translates.
TRANSLATIONS = {
    "es": {"name": "Servicio de prueba", "description": "Descripción en español."},
    "fr": {"name": "Service d'essai", "eligibility_description": "Tout le monde.", "fees_description": "Gratuit"},
    "ar": {"name": "خدمة تجريبية", "description": "وصف بالعربية.", "application_process": "تعال مباشرة.", "required_documents": "جواز السفر\n"},
    "uk": {"name": "Тестова послуга", "required_documents": "\nДовідка"},
    "fa": {"name": "خدمت آزمایشی", "description": "توضیحات به فارسی.", "fees_description": "رایگان"},
}


def add_translations() -> None:
    from hsds import audit
    from hsds import models as m

    with audit.acting_as("golden", "system"):
        for svc in m.Service.objects.order_by("name")[:12:3]:
            for lang, fields in TRANSLATIONS.items():
                m.ServiceTranslation.objects.create(service=svc, language=lang, **fields)
        svc = m.Service.objects.filter(required_documents__isnull=False, translations=None).order_by("name").first()
        for lang, fields in TRANSLATIONS.items():
            m.ServiceTranslation.objects.create(service=svc, language=lang, **fields)


def demo_ids() -> dict:
    """Ids the cases name, looked up by stable keys (the demo loader's uuid5 ids)."""
    from hsds import models as m
    from hsds.demo_loader import stable_id

    translated = m.Service.objects.filter(required_documents__isnull=False, translations__language="ar").distinct().order_by("name").first()
    sal = m.ServiceAtLocation.objects.order_by("service__name", "id").first()
    located = m.Location.objects.exclude(latitude=None).order_by("name").first()
    orgs = list(m.Organization.objects.order_by("name").values_list("id", flat=True))
    return {
        "service": str(translated.id),
        "plain_service": str(m.Service.objects.order_by("-name").first().id),
        "sal": str(sal.id),
        "location": str(located.id),
        "lat": str(located.latitude),
        "lon": str(located.longitude),
        "org": str(orgs[0]),
        "other_org": str(orgs[1]),
        "other_location": str(m.Location.objects.filter(organization_id=orgs[1]).order_by("name").first().id),
        "health": str(stable_id("term", "health")),
        "health_doctor": str(stable_id("term", "health-doctor")),
        "taxonomy": str(m.Taxonomy.objects.order_by("name").first().id),
    }


def read_cases(ids: dict) -> list:
    """(name, path, query) of the public reads; each is requested once per language."""
    near = {"lat": ids["lat"], "lon": ids["lon"]}
    return [
        ("root", "", {}),
        ("services", "services", {}),
        ("services-page-2", "services", {"per_page": "5", "page": "2"}),
        ("services-last-page", "services", {"per_page": "25", "page": "3"}),
        ("services-full", "services", {"full": "true", "per_page": "4"}),
        ("services-minimal", "services", {"minimal": "true", "per_page": "3"}),
        ("services-search", "services", {"search": "clinic"}),
        ("services-search-two-words", "services", {"search": "language course", "full": "true", "per_page": "3"}),
        ("services-search-nothing", "services", {"search": "zzzznothing"}),
        ("services-term-code", "services", {"taxonomy_term_id": "health"}),
        ("services-term-parent-id", "services", {"taxonomy_term_id": ids["health"], "full": "true", "per_page": "3"}),
        ("services-term-child-id", "services", {"taxonomy_term_id": ids["health_doctor"]}),
        ("services-taxonomy", "services", {"taxonomy_id": ids["taxonomy"], "per_page": "5"}),
        ("services-organization", "services", {"organization_id": ids["org"]}),
        ("services-status", "services", {"status": "active,temporarily closed", "per_page": "5"}),
        ("services-spoken-language", "services", {"language": "ar"}),
        ("services-modified-after", "services", {"modified_after": "2026-01-15", "per_page": "5"}),
        ("services-modified-after-future", "services", {"modified_after": "2030-01-01T00:00:00Z"}),
        ("services-near", "services", {**near, "per_page": "6"}),
        ("services-near-proximity", "services", {**near, "proximity": "1500", "full": "true", "per_page": "3"}),
        ("services-near-page-2", "services", {**near, "proximity": "50000", "per_page": "5", "page": "2"}),
        ("service", f"services/{ids['service']}", {}),
        ("service-plain", f"services/{ids['plain_service']}", {}),
        ("service-at-locations", "service_at_locations", {"per_page": "5"}),
        ("service-at-locations-full", "service_at_locations", {"full": "true", "per_page": "3"}),
        ("service-at-locations-filtered", "service_at_locations", {"taxonomy_term_id": "housing", "search": "help"}),
        ("service-at-locations-near", "service_at_locations", {**near, "proximity": "2000", "per_page": "5"}),
        ("service-at-location", f"service_at_locations/{ids['sal']}", {}),
        ("organizations", "organizations", {"per_page": "5"}),
        ("organizations-search", "organizations", {"search": "city"}),
        ("organization", f"organizations/{ids['org']}", {}),
        ("location", f"locations/{ids['location']}", {}),
        ("taxonomies", "taxonomies", {}),
        ("taxonomies-search", "taxonomies", {"search": "newcomer"}),
        ("taxonomy", f"taxonomies/{ids['taxonomy']}", {}),
        ("taxonomy-terms", "taxonomy_terms", {"per_page": "8", "page": "2"}),
        ("taxonomy-terms-top", "taxonomy_terms", {"top_only": "true"}),
        ("taxonomy-terms-parent-code", "taxonomy_terms", {"parent_id": "health"}),
        ("taxonomy-terms-parent-id", "taxonomy_terms", {"parent_id": ids["health"], "search": "care"}),
        ("taxonomy-terms-taxonomy", "taxonomy_terms", {"taxonomy_id": ids["taxonomy"], "per_page": "3"}),
        ("taxonomy-term", f"taxonomy_terms/{ids['health_doctor']}", {}),
        # 400s, 404s
        ("error-page-zero", "services", {"page": "0"}),
        ("error-per-page-text", "services", {"per_page": "ten"}),
        ("error-page-huge", "services", {"page": "99999999999"}),
        ("error-format", "services", {"format": "xml"}),
        ("error-full", "services", {"full": "maybe"}),
        ("error-term-unknown", "services", {"taxonomy_term_id": "no-such-code"}),
        ("error-taxonomy-id", "services", {"taxonomy_id": "not-a-uuid"}),
        ("error-status", "services", {"status": "open"}),
        ("error-modified-after", "services", {"modified_after": "yesterday"}),
        ("error-search-long", "services", {"search": "x" * 201}),
        ("error-spoken-language", "services", {"language": "a1"}),
        ("error-lat-only", "services", {"lat": "47"}),
        ("error-lon-only", "service_at_locations", {"lon": "8"}),
        ("error-lat-empty", "services", {"lat": "", "lon": "8"}),
        ("error-lat-range", "services", {"lat": "91", "lon": "8"}),
        ("error-proximity-alone", "services", {"proximity": "100"}),
        ("error-proximity-zero", "services", {"lat": "47", "lon": "8", "proximity": "0"}),
        ("error-parent-unknown", "taxonomy_terms", {"parent_id": "nope"}),
        ("error-top-only", "taxonomy_terms", {"top_only": "perhaps"}),
        ("error-full-service", "organizations", {"full_service": "x"}),
        ("error-service-not-uuid", "services/not-a-uuid", {}),
        ("error-service-missing", f"services/{uuid.UUID(int=1)}", {}),
        ("error-unknown-endpoint", "no_such_thing", {}),
    ]


ACCEPT_LANGUAGE_CASES = [  # (name, header): the language chosen from Accept-Language instead of `lang`
    ("accept-fa-af", "fa-AF,en;q=0.5"),
    ("accept-dari", "prs"),
    ("accept-ar-sy", "ar-SY"),
    ("accept-q-values", "de, uk;q=0.9, es;q=0.8"),
    ("accept-star", "*"),
    ("accept-unknown", "de-CH"),
    ("accept-q-zero", "ar;q=0, fr;q=0.1"),
]


def write_cases(ids: dict) -> list:
    """(name, method, path, who, headers, body) in order: each depends on the state the earlier ones left."""
    new_id = str(uuid.UUID(int=0x601DE17))
    svc = f"services/{new_id}"
    location_id = str(uuid.UUID(int=0x10CA7))
    body = {
        "id": new_id, "organization_id": ids["org"], "name": "Golden test service", "description": "Made by the golden test.",
        "phones": [{"number": "+44 20 7946 0321", "type": "voice"}],
        "schedules": [{"byday": "MO,WE", "opens_at": "09:00", "closes_at": "12:30"}],
        "languages": [{"code": "ar", "name": "Arabic"}],
        "required_documents": [{"document": "Passport"}, {"document": "Proof of address"}],
        "translations": {"ar": {"name": "خدمة الاختبار", "required_documents": ["جواز السفر", ""]}},
        "version": 7, "metadata": [], "colour": "blue",
    }
    return [
        ("post-service-anonymous", "POST", "services", None, {}, body),
        ("post-service-viewer", "POST", "services", "viewer", {}, body),
        ("post-service-other-organization", "POST", "services", "editor", {}, {**body, "organization_id": ids["other_org"]}),
        ("post-service-invalid", "POST", "services", "editor", {}, {"organization_id": ids["org"], "name": "", "email": "nope", "phones": [{"number": ""}], "minimum_age": [1]}),
        ("post-service-not-object", "POST", "services", "editor", {}, ["a list"]),
        ("post-service", "POST", "services", "editor", {}, body),
        ("post-service-again", "POST", "services", "editor", {}, body),
        ("patch-service-stale", "PATCH", svc, "editor", {"HTTP_IF_MATCH": '"9"'}, {"name": "Stale"}),
        ("patch-service", "PATCH", f"{svc}?lang=ar", "editor", {"HTTP_IF_MATCH": '"1"'}, {"alert": "Closed on Friday", "translations": {"fa": {"name": "خدمت آزمایشی"}}, "organization": {}}),
        ("patch-service-other-editor", "PATCH", svc, "other-editor", {}, {"name": "Not mine"}),
        ("put-service", "PUT", svc, "editor", {"HTTP_IF_MATCH": 'W/"2", "3"'}, {**body, "name": "Golden test service, replaced", "phones": []}),
        ("post-location", "POST", "locations", "editor", {}, {"id": location_id, "organization_id": ids["org"], "name": "Golden hall", "latitude": 47.04123456, "longitude": 8.3, "addresses": [{"address_1": "1 Quay", "city": "Port Meridian", "state_province": "PM", "postal_code": "1000", "country": "PM"}]}),
        ("patch-location-stale", "PATCH", f"locations/{location_id}", "editor", {"HTTP_IF_MATCH": '"5"'}, {"name": "x"}),
        ("patch-location", "PATCH", f"locations/{location_id}", "editor", {}, {"transportation": "Tram 4", "unknown": 1}),
        ("get-location", "GET", f"locations/{location_id}", None, {}, None),
        ("patch-service-link-location", "PATCH", svc, "editor", {}, {"service_at_locations": [{"location_id": location_id, "description": "Main hall"}]}),
        ("patch-service-link-missing", "PATCH", svc, "editor", {}, {"service_at_locations": [{"location_id": str(uuid.UUID(int=5))}]}),
        ("delete-service", "DELETE", svc, "editor", {}, None),
        ("delete-collection", "DELETE", "services", "editor", {}, None),
        ("get-service-after-writes", "GET", f"{svc}?lang=fa", None, {}, None),
        ("post-organization-editor", "POST", "organizations", "editor", {}, {"name": "New org"}),
        ("post-organization", "POST", "organizations", "admin", {}, {"id": str(uuid.UUID(int=0x0E6)), "name": "Golden organisation", "description": "Made by the golden test.", "phones": [{"number": "+44 20 7946 0999"}], "services": []}),
        ("patch-organization", "PATCH", f"organizations/{uuid.UUID(int=0x0E6)}", "admin", {"HTTP_IF_MATCH": '"1"'}, {"website": "https://golden.example", "version": 1}),
        ("put-organization-editor", "PUT", f"organizations/{ids['other_org']}", "editor", {}, {"name": "Not mine"}),
        ("patch-service-bad-translations", "PATCH", svc, "editor", {}, {"translations": {"de": {"name": "Dienst"}, "en": {"name": "x"}, "ar": "text", "fa": {"required_documents": [1]}}}),
        ("patch-service-translations-not-object", "PATCH", svc, "editor", {}, {"translations": ["ar"]}),
        ("patch-service-remove-translation", "PATCH", f"{svc}?lang=ar", "editor", {"HTTP_IF_MATCH": "*"}, {"translations": {"ar": None}, "status": "active"}),
        ("patch-service-bad-nested", "PATCH", svc, "editor", {}, {"phones": {"number": "1"}, "schedules": [1], "languages": [{}] * 101, "name": {"en": "x"}}),
        ("patch-service-link-other-location", "PATCH", svc, "editor", {}, {"service_at_locations": [{"location_id": ids["other_location"]}]}),
        ("patch-service-bad-id", "PATCH", "services/zzz", "editor", {}, {"name": "x"}),
        ("post-service-bad-id", "POST", "services", "editor", {}, {**body, "id": "zzz"}),
        ("post-service-no-organization", "POST", "services", "editor", {}, {"name": "Orphan"}),
        ("post-service-admin-unknown-organization", "POST", "services", "admin", {}, {"name": "Orphan", "organization_id": str(uuid.UUID(int=77))}),
        ("post-service-admin-bad-organization", "POST", "services", "admin", {}, {"name": "Orphan", "organization_id": "x"}),
        ("put-service-move-organization-editor", "PUT", svc, "editor", {}, {**{k: v for k, v in body.items() if k != "version"}, "organization_id": ids["other_org"]}),
        ("post-service-admin-verified", "POST", "services?lang=es", "admin", {}, {"name": "Verified", "organization_id": ids["other_org"], "assured_date": "2026-01-10", "service_at_locations": [{"location_id": location_id}, {"location_id": location_id}]}),
        ("post-location-admin-shared", "POST", "locations", "admin", {}, {"name": "Shared hall", "latitude": 95, "longitude": 8}),
        ("post-location-editor-no-organization", "POST", "locations", "editor", {}, {"name": "Mine?"}),
        ("put-location-other-editor", "PUT", f"locations/{location_id}", "other-editor", {}, {"name": "x"}),
        ("post-location-item", "POST", f"locations/{location_id}", "editor", {}, {"name": "x"}),
        ("get-locations", "GET", "locations", None, {}, None),
        ("delete-location", "DELETE", f"locations/{location_id}", "editor", {}, None),
        ("patch-organization-editor", "PATCH", f"organizations/{ids['org']}?full_service=true", "editor", {}, {"phones": [], "alternate_name": "Bridges"}),
        ("delete-service-again", "DELETE", f"{svc}?lang=uk", "editor", {"HTTP_IF_MATCH": '"999"'}, None),
        ("post-service-bad-token", "POST", "services", "nobody", {}, body),
        ("post-location-shared", "POST", "locations", "admin", {}, {"id": str(uuid.UUID(int=0x5A4ED)), "name": "Shared hall", "latitude": 47.05, "longitude": 8.1}),
        ("patch-service-link-shared-location", "PATCH", f"{svc}?lang=fr", "editor", {}, {"service_at_locations": [{"location_id": str(uuid.UUID(int=0x5A4ED))}, {"location_id": location_id}]}),
        ("get-service-at-locations-after-writes", "GET", "service_at_locations?full=true&organization_id=" + ids["org"] + "&lang=ar&per_page=3", None, {}, None),
    ]


STAFF = {"admin": ("administrator", []), "editor": ("editor", ["org"]), "other-editor": ("editor", ["other_org"]), "viewer": ("viewer", [])}


def make_staff(ids: dict) -> dict:
    from django.contrib.auth.models import User
    from rest_framework.authtoken.models import Token

    from hsds import models as m

    keys = {}
    for name, (role, orgs) in STAFF.items():
        user = User.objects.create(username=f"golden-{name}", email=f"{name}@staff.example", is_superuser=role == "administrator")
        if role != "administrator":
            profile, _ = m.StaffProfile.objects.get_or_create(user=user)
            profile.role = role
            profile.save()
            profile.organizations.set(m.Organization.objects.filter(id__in=[ids[o] for o in orgs]))
        keys[name] = Token.objects.create(user=user, key=f"golden{name.replace('-', '')}".ljust(40, "0")[:40]).key
    return keys


def record(client, method: str, path: str, query: dict, headers: dict, body) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call = getattr(client, method.lower())
    url = f"/api/{path}" + (f"?{urlencode(query)}" if query else "")
    with CaptureQueriesContext(connection) as queries:
        if body is None:
            response = call(url, **headers)
        else:
            response = call(url, json.dumps(body, ensure_ascii=False), content_type="application/json", **headers)
    text = response.content.decode("utf-8")
    result = {
        "request": {"method": method, "path": f"/api/{path}", "query": query, "headers": headers, "body": body},
        "status": response.status_code,
        "headers": {k: v for k, v in sorted(response.headers.items()) if k.lower() not in VOLATILE_HEADERS},
        "queries": len(queries),
    }
    parsed = json.loads(text) if text else None
    if text and canonical(parsed) == text:
        result["body"] = parsed
    else:  # not DRF's compact form: keep the exact text
        result["body_text"] = text
    return result


def canonical(body) -> str:
    """The bytes DRF's JSONRenderer produces for `body` (compact, UTF-8)."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def main(output: Path) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        set_up_django(Path(scratch) / "golden.sqlite3")
        from django.test import Client

        add_translations()
        ids = demo_ids()
        keys = make_staff(ids)
        client = Client(HTTP_HOST="localhost")
        output.mkdir(parents=True, exist_ok=True)

        def save(name: str, result: dict) -> None:
            (output / f"{name}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

        save("openapi.en", record(client, "GET", "openapi.json", {}, {}, None))
        for name, path, query in read_cases(ids):
            for lang in LANGUAGES:
                save(f"{name}.{lang}", record(client, "GET", path, {**query, "lang": lang}, {}, None))
        save("services.default", record(client, "GET", "services", {"per_page": "3"}, {}, None))
        for name, header in ACCEPT_LANGUAGE_CASES:
            save(name, record(client, "GET", "services", {"per_page": "3", "full": "true"}, {"HTTP_ACCEPT_LANGUAGE": header}, None))
            save(f"{name}.organization", record(client, "GET", f"organizations/{ids['org']}", {}, {"HTTP_ACCEPT_LANGUAGE": header}, None))
        for path in ("", "services", f"services/{ids['service']}", "service_at_locations", f"service_at_locations/{ids['sal']}",
                     "organizations", f"organizations/{ids['org']}", "locations", f"locations/{ids['location']}", "taxonomies",
                     f"taxonomies/{ids['taxonomy']}", "taxonomy_terms", f"taxonomy_terms/{ids['health']}", "openapi.json", "nowhere"):
            name = path.split("/")[0] + ("-item" if "/" in path else "")
            save(f"options-{name or 'root'}", record(client, "OPTIONS", path, {}, {}, None))
        save("head-services", record(client, "HEAD", "services", {"per_page": "2"}, {"HTTP_ACCEPT_LANGUAGE": "ar"}, None))
        save("head-location", record(client, "HEAD", f"locations/{ids['location']}", {}, {}, None))
        for index, (name, method, path, who, headers, body) in enumerate(write_cases(ids)):
            path, _, raw_query = path.partition("?")
            query = dict(p.split("=", 1) for p in raw_query.split("&")) if raw_query else {}
            auth = {"HTTP_AUTHORIZATION": f"Token {keys.get(who, 'f' * 40)}"} if who else {}
            save(f"write-{index:02d}-{name}", record(client, method, path, query, {**headers, **auth}, body))


GOLDEN_DIR = Path(__file__).with_name("golden")

if __name__ == "__main__":
    if os.environ.get("PYTHONHASHSEED") != "0":  # set ordering of strings must not vary between runs
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})
    if sys.argv[1:] == ["--regenerate"]:
        for old in GOLDEN_DIR.glob("*.json"):
            old.unlink()
        main(GOLDEN_DIR)
    else:
        main(Path(sys.argv[1]))
