"""Service text in the reader's language (profile extension: `lang` / Accept-Language), against the real server."""

import json

import pytest
import requests
import django_harness
from hsds_checks import assert_valid

ARABIC_NAME = "مكتب الترحيب بالقادمين الجدد"
ENGLISH = {
    "name": "Newcomer Welcome Desk (language test)",
    "description": "Walk-in advice for people who have just arrived.",
    "eligibility_description": "Anyone new in the city.",
    "application_process": "Walk in during opening hours.",
    "fees_description": "Free",
}

# A service with an Arabic translation that lacks a description and the second document, and a
# Spanish one with only a name: fallback is field by field.
MAKE_SERVICE = """
import json, os
from hsds import audit, models as m
data = json.loads(os.environ["SERVICE"])
with audit.acting_as("language-tests", "system"):
    org = m.Organization.objects.order_by("name").first()
    svc = m.Service.objects.create(organization=org, **data["english"])
    m.RequiredDocument.objects.create(service=svc, document="Passport or ID card")
    m.RequiredDocument.objects.create(service=svc, document="Proof of address")
    m.ServiceTranslation.objects.create(service=svc, language="ar", name=data["arabic_name"],
        eligibility_description="كل شخص جديد في المدينة.", application_process="تعال خلال ساعات العمل.",
        fees_description="مجاني", required_documents="جواز السفر أو بطاقة الهوية\\n")
    m.ServiceTranslation.objects.create(service=svc, language="es", name="Punto de bienvenida")
print("SERVICE" + str(svc.id))
"""

QUERY_COUNTS = """
import json
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client = Client(HTTP_HOST="localhost")
counts = {}
for path in ("/api/services", "/api/service_at_locations"):
    for full in ("false", "true"):
        for per_page in (5, 50):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path, {"per_page": per_page, "full": full, "lang": "ar"})
            assert response.status_code == 200, response.content
            counts[f"{path} full={full} per_page={per_page}"] = len(queries)
print("COUNTS" + json.dumps(counts))
"""


def manage_shell(database_url: str, code: str, **env) -> str:
    return django_harness.run_script(code, database_url, env=env).stdout


@pytest.fixture(scope="module")
def service_id(directory_database, directory):
    out = manage_shell(directory_database, MAKE_SERVICE, SERVICE=json.dumps({"english": ENGLISH, "arabic_name": ARABIC_NAME}))
    return next(line for line in out.splitlines() if line.startswith("SERVICE"))[len("SERVICE") :]


def get(api, path, headers=None, **params):
    response = requests.get(f"{api}/{path}", params=params, headers=headers or {}, timeout=10)
    assert response.status_code == 200, response.text
    return response


def test_lang_parameter_gives_arabic_with_field_by_field_fallback(directory_api, service_id, hsds_schema):
    response = get(directory_api, f"services/{service_id}", lang="ar")
    assert response.headers["Content-Language"] == "ar"
    assert "Accept-Language" in response.headers["Vary"]
    body = response.json()
    assert_valid(body, hsds_schema("service"))
    assert body["name"] == ARABIC_NAME
    assert body["description"] == ENGLISH["description"], "no Arabic description: the default language's"
    assert body["fees_description"] == "مجاني"
    assert body["eligibility_description"] == "كل شخص جديد في المدينة."
    assert body["application_process"] == "تعال خلال ساعات العمل."
    assert [d["document"] for d in body["required_documents"]] == ["جواز السفر أو بطاقة الهوية", "Proof of address"]


def test_default_language_without_lang(directory_api, service_id):
    response = get(directory_api, f"services/{service_id}")
    assert response.headers["Content-Language"] == "en"
    assert response.json()["name"] == ENGLISH["name"]
    partial = get(directory_api, f"services/{service_id}", lang="es").json()
    assert partial["name"] == "Punto de bienvenida" and partial["fees_description"] == "Free"
    # A language with no translation at all: the whole record in the default language.
    french = get(directory_api, f"services/{service_id}", lang="fr")
    assert french.headers["Content-Language"] == "fr" and french.json()["name"] == ENGLISH["name"]


@pytest.mark.parametrize(
    "header,params,expected",
    [
        ("ar", {}, "ar"),
        ("ar-SY,ar;q=0.9,en;q=0.5", {}, "ar"),
        ("de-CH, fr;q=0.2, ar;q=0.9", {}, "ar"),
        ("ar;q=0, es;q=0.1", {}, "es"),
        ("xx, zz;q=0.5", {}, "en"),
        ("de", {}, "en"),
        ("*", {}, "en"),
        ("prs", {}, "fa"),
        ("", {"lang": "ar"}, "ar"),
        ("es", {"lang": "ar"}, "ar"),
        ("es", {"lang": "AR-eg"}, "ar"),
        ("es", {"lang": "klingon"}, "es"),
        ("", {"lang": "klingon"}, "en"),
        ("garbage;;q=x,,;", {}, "en"),
    ],
)
def test_language_negotiation(directory_api, service_id, header, params, expected):
    response = get(directory_api, f"services/{service_id}", headers={"Accept-Language": header}, **params)
    assert response.headers["Content-Language"] == expected


def test_lists_service_at_locations_and_organizations_are_translated(directory_api, service_id, hsds_schema):
    listed = get(directory_api, "services", lang="ar", search=ARABIC_NAME.split()[0], per_page=100).json()
    assert service_id in [s["id"] for s in listed["contents"]]
    for item in listed["contents"]:
        assert_valid(item, hsds_schema("service_list"))
    ours = next(s for s in listed["contents"] if s["id"] == service_id)
    assert ours["name"] == ARABIC_NAME

    full = get(directory_api, "services", headers={"Accept-Language": "ar"}, full="true", per_page=100, search=ENGLISH["name"]).json()
    assert [s["name"] for s in full["contents"]] == [ARABIC_NAME]
    assert_valid(full["contents"][0], hsds_schema("service"))

    organization = full["contents"][0]["organization_id"]
    detail = get(directory_api, f"organizations/{organization}", lang="ar")
    assert detail.headers["Content-Language"] == "ar"
    assert_valid(detail.json(), hsds_schema("organization"))
    assert ARABIC_NAME in [s["name"] for s in detail.json()["services"]]

    links = get(directory_api, "service_at_locations", lang="ar", per_page=50).json()
    for item in links["contents"]:
        assert_valid(item, hsds_schema("service_at_location_list"))
    detail = get(directory_api, f"service_at_locations/{links['contents'][0]['id']}", lang="ar")
    assert detail.headers["Content-Language"] == "ar"
    assert_valid(detail.json(), hsds_schema("service_at_location"))


def test_search_matches_translated_text(directory_api, service_id):
    for words in ("مكتب الترحيب", "Punto de bienvenida", "bienvenida"):
        found = get(directory_api, "services", search=words, per_page=100).json()
        assert service_id in [s["id"] for s in found["contents"]], words
    assert get(directory_api, "services", search="مكتب nonexistentword").json()["total_items"] == 0


def test_query_count_does_not_grow_with_page_size(directory_database, service_id):
    out = manage_shell(directory_database, QUERY_COUNTS, DIRECTORY_PAGE_CACHE_SIZE="0", DIRECTORY_SERVICE_DOCUMENTS="0")  # the work's queries, not the caches'
    counts = json.loads(next(line for line in out.splitlines() if line.startswith("COUNTS"))[len("COUNTS") :])
    for path in ("/api/services", "/api/service_at_locations"):
        for full in ("false", "true"):
            small, large = counts[f"{path} full={full} per_page=5"], counts[f"{path} full={full} per_page=50"]
            assert small == large, counts
    assert counts["/api/services full=true per_page=50"] <= 20, counts
