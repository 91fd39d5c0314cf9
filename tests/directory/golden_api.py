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

from golden_cases import ACCEPT_LANGUAGE_CASES, read_cases, write_cases

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from contracts.languages import LANGUAGES  # noqa: E402

FIXED_START = datetime(2026, 1, 15, 9, 0, 0, tzinfo=dt_timezone.utc)
# Response headers that change from run to run (none are expected; listed here if one appears).
VOLATILE_HEADERS = {"date"}

_ids = random.Random(20260115)
uuid.uuid4 = lambda: uuid.UUID(int=_ids.getrandbits(128), version=4)


# Ticks the clock made while migrating when the golden files were recorded.
MIGRATE_TICKS = 26


class Clock:
    def __init__(self) -> None:
        self.now = FIXED_START

    def __call__(self):
        self.now += timedelta(milliseconds=1)
        return self.now


def set_up_django(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    # Each golden file records the queries the API's own work costs; a repeated request would be answered by the
    # page cache, a full service by its document (each tested on its own: tests/reliability/).
    os.environ["DIRECTORY_PAGE_CACHE_SIZE"] = "0"
    os.environ["DIRECTORY_SERVICE_DOCUMENTS"] = "0"
    sys.path.insert(0, str(ROOT / "tests"))
    import django_harness
    from django.utils import timezone

    timezone.now = Clock()
    django_harness.setup()
    from django.core.management import call_command

    call_command("migrate", "--no-input", verbosity=0)
    # Migrate reads the clock once per migration applied: restart it at a fixed point after, so that a new
    # migration does not move every recorded timestamp (the value the migrations of 2026-12 left it at).
    timezone.now.now = FIXED_START + timedelta(milliseconds=MIGRATE_TICKS)
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
        for path in (
            "",
            "services",
            f"services/{ids['service']}",
            "service_at_locations",
            f"service_at_locations/{ids['sal']}",
            "organizations",
            f"organizations/{ids['org']}",
            "locations",
            f"locations/{ids['location']}",
            "taxonomies",
            f"taxonomies/{ids['taxonomy']}",
            "taxonomy_terms",
            f"taxonomy_terms/{ids['health']}",
            "openapi.json",
            "nowhere",
        ):
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
