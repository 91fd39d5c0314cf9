"""The write API for integrations, over HTTP against the real directory server.

Staff accounts and tokens are made with `manage.py shell` against the test database; every write
test works on services it creates itself (the demo services other tests assert on stay as they are).
"""
import json
import os
import sqlite3
import subprocess
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
import requests
from servers import ROOT, VENV_BIN, directory_server
from test_api import assert_valid

MAKE_STAFF = """
import json, os
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
from hsds import models as m
spec = json.loads(os.environ["STAFF_SPEC"])
out = {}
for name, (role, org_ids) in spec.items():
    user, _ = User.objects.get_or_create(username=name, defaults={"email": name + "@staff.example"})
    if role == "administrator":
        user.is_superuser = True
        user.save()
    else:
        profile, _ = m.StaffProfile.objects.get_or_create(user=user)
        profile.role = role
        profile.save()
        profile.organizations.set(m.Organization.objects.filter(id__in=org_ids))
    out[name] = Token.objects.get_or_create(user=user)[0].key
print("TOKENS" + json.dumps(out))
"""


def make_staff(database_url: str, spec: dict) -> dict:
    """{username: (role, [organization ids])} → {username: token}; one `manage.py shell` run."""
    result = subprocess.run(
        [str(VENV_BIN / "python"), "manage.py", "shell", "-c", MAKE_STAFF],
        cwd=ROOT / "directory", env={**os.environ, "DATABASE_URL": database_url, "STAFF_SPEC": json.dumps(spec)},
        check=True, capture_output=True, text=True, timeout=120,
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("TOKENS"))
    return json.loads(line[len("TOKENS"):])


@pytest.fixture(scope="module")
def orgs(directory_api):
    page = requests.get(f"{directory_api}/organizations", params={"per_page": 100}, timeout=10).json()
    ids = [o["id"] for o in page["contents"]]
    return {"own": ids[0], "other": ids[1]}


@pytest.fixture(scope="module")
def tokens(directory_database, directory, orgs):
    suffix = uuid.uuid4().hex[:6]
    spec = {
        f"admin-{suffix}": ("administrator", []),
        f"editor-{suffix}": ("editor", [orgs["own"]]),
        f"other-editor-{suffix}": ("editor", [orgs["other"]]),
        f"viewer-{suffix}": ("viewer", []),
        f"burst-{suffix}": ("editor", [orgs["own"]]),
    }
    keys = make_staff(directory_database, spec)
    return {name.rsplit("-", 1)[0]: {"token": key, "username": name} for name, key in keys.items()}


def auth(tokens, who: str) -> dict:
    return {"Authorization": f"Token {tokens[who]['token']}"}


def call(method: str, url: str, headers=None, **kwargs):
    return requests.request(method, url, headers=headers or {}, timeout=15, **kwargs)


def new_service(orgs, **fields) -> dict:
    body = {
        "organization_id": orgs["own"],
        "name": f"Integration test service {uuid.uuid4().hex[:8]}",
        "description": "Created by the write API tests.",
        "phones": [{"number": "+44 20 7946 0321", "type": "voice"}],
        "schedules": [{"byday": "MO,WE", "opens_at": "09:00", "closes_at": "12:30"}],
        "languages": [{"code": "ar", "name": "Arabic"}],
        "required_documents": [{"document": "Passport"}, {"document": "Proof of address"}],
    }
    body.update(fields)
    return body


@pytest.fixture
def created(directory_api, tokens, orgs, hsds_schema):
    response = call("POST", f"{directory_api}/services", auth(tokens, "editor"), json=new_service(orgs))
    assert response.status_code == 201, response.text
    assert_valid(response.json(), hsds_schema("service"))
    return response.json()


def changes(database_url: str, record_id: str) -> list:
    """ChangeRecords of a service (and its phones, hours, ...) straight from the test database."""
    path = database_url[len("sqlite:///"):]
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT last_action_type, field_name, updated_by, via FROM hsds_changerecord WHERE owner_id = ?",
            (uuid.UUID(record_id).hex,),
        ).fetchall()
    return rows


def test_anonymous_and_bad_tokens_cannot_write(directory_api, created):
    url = f"{directory_api}/services/{created['id']}"
    for method, target in (("POST", f"{directory_api}/services"), ("PATCH", url), ("PUT", url), ("DELETE", url)):
        response = call(method, target, json={"name": "anonymous"})
        assert response.status_code == 401, (method, response.text)
        assert response.headers["WWW-Authenticate"] == "Token"
        assert response.json()["error"] == "not_authenticated"
        bad = call(method, target, {"Authorization": "Token not-a-real-token"}, json={"name": "anonymous"})
        assert bad.status_code == 401
    # Reads stay anonymous, and a stray token does not break them.
    assert call("GET", url, {"Authorization": "Token not-a-real-token"}).status_code == 200
    assert call("GET", url).json()["name"] == created["name"]


def test_editor_creates_a_full_service_in_their_organisation(directory_api, created, tokens, hsds_schema):
    assert created["organization_id"]
    assert [p["number"] for p in created["phones"]] == ["+442079460321"]  # stored in E.164
    assert created["schedules"][0]["byday"] == "MO,WE" and created["schedules"][0]["closes_at"] == "12:30"
    assert [lang["code"] for lang in created["languages"]] == ["ar"]
    assert [d["document"] for d in created["required_documents"]] == ["Passport", "Proof of address"]
    assert created["status"] == "active"
    response = call("GET", f"{directory_api}/services/{created['id']}")
    assert response.headers["ETag"] == '"1"'
    assert_valid(response.json(), hsds_schema("service"))
    listed = call("GET", f"{directory_api}/services", params={"search": created["name"]}).json()
    assert [s["id"] for s in listed["contents"]] == [created["id"]]


def test_create_answers_location_and_etag(directory_api, tokens, orgs):
    response = call("POST", f"{directory_api}/services", auth(tokens, "editor"), json=new_service(orgs))
    assert response.status_code == 201
    assert response.headers["Location"].endswith(f"/api/services/{response.json()['id']}")
    assert response.headers["ETag"] == '"1"'
    assert call("GET", response.headers["Location"]).status_code == 200


def test_editor_cannot_write_another_organisations_services(directory_api, tokens, orgs, created):
    response = call("POST", f"{directory_api}/services", auth(tokens, "editor"), json=new_service(orgs, organization_id=orgs["other"]))
    assert response.status_code == 403 and response.json()["error"] == "permission_denied"
    theirs = call("GET", f"{directory_api}/services", params={"organization_id": orgs["other"]}).json()["contents"][0]
    for method in ("PATCH", "PUT", "DELETE"):
        response = call(method, f"{directory_api}/services/{theirs['id']}", auth(tokens, "editor"), json={"name": "Taken over"})
        assert response.status_code == 403, method
    assert call("GET", f"{directory_api}/services/{theirs['id']}").json()["name"] == theirs["name"]
    # ... and the other organisation's editor cannot touch ours.
    response = call("PATCH", f"{directory_api}/services/{created['id']}", auth(tokens, "other-editor"), json={"name": "Taken over"})
    assert response.status_code == 403


def test_viewer_cannot_write(directory_api, tokens, orgs, created):
    assert call("POST", f"{directory_api}/services", auth(tokens, "viewer"), json=new_service(orgs)).status_code == 403
    response = call("PATCH", f"{directory_api}/services/{created['id']}", auth(tokens, "viewer"), json={"name": "Viewed"})
    assert response.status_code == 403 and response.json()["error"] == "permission_denied"


def test_administrator_writes_any_organisation(directory_api, tokens, orgs):
    response = call("POST", f"{directory_api}/services", auth(tokens, "admin"), json=new_service(orgs, organization_id=orgs["other"]))
    assert response.status_code == 201 and response.json()["organization_id"] == orgs["other"]


def test_fields_outside_the_allow_list_are_ignored(directory_api, tokens, orgs, created, hsds_schema):
    url = f"{directory_api}/services/{created['id']}"
    response = call(
        "PATCH", url, auth(tokens, "editor"),
        json={
            "name": "Renamed by the integration",
            "id": str(uuid.uuid4()),
            "last_modified": "2000-01-01T00:00:00Z",
            "metadata": [{"id": str(uuid.uuid4()), "updated_by": "someone else"}],
            "organization": {"id": orgs["other"], "name": "Hijacked"},
            "attributes": [{"taxonomy_term_id": str(uuid.uuid4())}],
            "is_superuser": True,
            "phones": [{"number": "+44 20 7946 0322", "service_id": str(uuid.uuid4()), "languages": [{"code": "fr"}]}],
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert_valid(body, hsds_schema("service"))
    ignored = {name.strip() for name in response.headers["Ignored-Fields"].split(",")}
    assert {"id", "last_modified", "metadata", "organization", "attributes", "is_superuser", "phones[0].service_id", "phones[0].languages"} <= ignored
    assert body["id"] == created["id"] and body["name"] == "Renamed by the integration"
    assert body["organization_id"] == created["organization_id"]
    assert body["phones"][0]["service_id"] == created["id"]
    assert body["last_modified"] > "2001"
    assert all(entry["updated_by"] != "someone else" for entry in body["metadata"])
    # Moving the service to an organisation the editor does not have is refused, not ignored.
    moved = call("PATCH", url, auth(tokens, "editor"), json={"organization_id": orgs["other"]})
    assert moved.status_code == 403
    assert call("GET", url).json()["organization_id"] == created["organization_id"]


def test_a_get_body_can_be_put_back_unchanged(directory_api, tokens, created):
    url = f"{directory_api}/services/{created['id']}"
    read = call("GET", url)
    response = call("PUT", url, {**auth(tokens, "editor"), "If-Match": read.headers["ETag"]}, json=read.json())
    assert response.status_code == 200, response.text
    assert response.headers["ETag"] == read.headers["ETag"], "nothing changed, so no new version"
    after = response.json()
    assert [p["id"] for p in after["phones"]] == [p["id"] for p in created["phones"]]
    assert after["required_documents"] == created["required_documents"]


def test_invalid_values_are_a_400_naming_the_field(directory_api, tokens, created, orgs):
    url = f"{directory_api}/services/{created['id']}"
    response = call(
        "PATCH", url, auth(tokens, "editor"),
        json={"name": "Must not be saved", "phones": [{"number": "+33 12"}], "schedules": [{"byday": "MO", "opens_at": "17:00", "closes_at": "09:00"}], "email": "not-an-email"},
    )
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid"
    assert "'+33 12' is not a valid phone number" in body["fields"]["phones[0].number"][0]
    assert "after opening time" in body["fields"]["schedules[0].closes_at"][0]
    assert "email" in body["fields"]
    assert "phones[0].number" in body["detail"]
    after = call("GET", url).json()
    assert after["name"] == created["name"] and after["phones"] == created["phones"], "all or nothing"

    missing = call("POST", f"{directory_api}/services", auth(tokens, "editor"), json={"name": "No organisation"})
    assert missing.status_code == 400 and "organization_id" in missing.json()["fields"]
    blank = call("POST", f"{directory_api}/services", auth(tokens, "editor"), json=new_service(orgs, name=""))
    assert blank.status_code == 400 and "name" in blank.json()["fields"]
    wrong_type = call("PATCH", url, auth(tokens, "editor"), json={"minimum_age": "twelve", "phones": "+44"})
    assert wrong_type.status_code == 400 and {"minimum_age", "phones"} <= set(wrong_type.json()["fields"])
    not_json = call("PATCH", url, {**auth(tokens, "editor"), "Content-Type": "application/json"}, data="{not json")
    assert not_json.status_code == 400 and not_json.json()["error"] == "parse_error"


def test_nested_lists_are_capped(directory_api, tokens, created):
    phones = [{"number": "+44 20 7946 0100"}] * 101
    response = call("PATCH", f"{directory_api}/services/{created['id']}", auth(tokens, "editor"), json={"phones": phones})
    assert response.status_code == 400 and "At most 100" in response.json()["fields"]["phones"][0]


def test_stale_if_match_or_version_is_a_412(directory_api, tokens, created):
    url = f"{directory_api}/services/{created['id']}"
    first = call("PATCH", url, {**auth(tokens, "editor"), "If-Match": '"1"'}, json={"alert": "Closed on Friday"})
    assert first.status_code == 200 and first.headers["ETag"] == '"2"'
    stale = call("PATCH", url, {**auth(tokens, "editor"), "If-Match": '"1"'}, json={"alert": "Overwritten?"})
    assert stale.status_code == 412
    body = stale.json()
    assert body["error"] == "version_mismatch" and body["current_version"] == 2
    assert "changed since you read it" in body["detail"]
    assert call("PATCH", url, auth(tokens, "editor"), json={"alert": "Overwritten?", "version": 1}).status_code == 412
    assert call("DELETE", url, {**auth(tokens, "editor"), "If-Match": '"1"'}).status_code == 412
    assert call("GET", url).json()["alert"] == "Closed on Friday"
    assert call("PATCH", url, {**auth(tokens, "editor"), "If-Match": '"2"'}, json={"alert": ""}).status_code == 200


def test_concurrent_writers_of_one_version_do_not_overwrite_each_other(directory_api, tokens, created):
    url = f"{directory_api}/services/{created['id']}"

    def write(i):
        headers = {**auth(tokens, "editor"), "If-Match": '"1"'}
        return call("PATCH", url, headers, json={"alert": f"writer {i}"}).status_code

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = sorted(pool.map(write, range(4)))
    assert statuses == [200, 412, 412, 412]
    assert call("GET", url).headers["ETag"] == '"2"'


def test_odd_field_names_are_reported_safely(directory_api, tokens, created):
    response = call("PATCH", f"{directory_api}/services/{created['id']}", auth(tokens, "editor"), json={"اسم": "x", "a\nb": 1, "c,d": 2})
    assert response.status_code == 200
    assert "\\u0627" in response.headers["Ignored-Fields"] and "a?b" in response.headers["Ignored-Fields"]


def test_delete_retires_and_patch_restores(directory_api, directory_database, tokens, created, hsds_schema):
    url = f"{directory_api}/services/{created['id']}"
    response = call("DELETE", url, auth(tokens, "editor"))
    assert response.status_code == 200 and response.json()["status"] == "inactive"
    assert_valid(response.json(), hsds_schema("service"))
    still_there = call("GET", url)
    assert still_there.status_code == 200 and still_there.json()["status"] == "inactive"
    active = call("GET", f"{directory_api}/services", params={"status": "active", "search": created["name"]}).json()
    assert active["total_items"] == 0
    assert call("DELETE", url, auth(tokens, "editor")).status_code == 200, "retiring twice is harmless"

    restored = call("PATCH", url, auth(tokens, "editor"), json={"status": "active"})
    assert restored.status_code == 200 and restored.json()["status"] == "active"
    active = call("GET", f"{directory_api}/services", params={"status": "active", "search": created["name"]}).json()
    assert active["total_items"] == 1
    actions = [row[0] for row in changes(directory_database, created["id"]) if row[1] == "status"]
    assert sorted(actions) == ["restore", "retire"]


def test_changes_are_audited_as_the_token_user_via_api(directory_api, directory_database, tokens, created, hsds_schema):
    url = f"{directory_api}/services/{created['id']}"
    response = call("PATCH", url, auth(tokens, "editor"), json={"description": "Audited change"})
    assert response.status_code == 200
    username = tokens["editor"]["username"]
    rows = changes(directory_database, created["id"])
    assert ("update", "description", username, "api") in rows
    assert ("create", "", username, "api") in rows
    assert all(via == "api" and who == username for _, _, who, via in rows)

    detail = call("GET", url).json()
    assert_valid(detail, hsds_schema("service"))
    newest = detail["metadata"][0]
    assert newest["field_name"] == "description" and newest["last_action_type"] == "update"
    assert newest["previous_value"] == "Created by the write API tests." and newest["replacement_value"] == "Audited change"
    assert newest["updated_by"] == username and newest["resource_id"] == created["id"]
    assert {entry["resource_type"] for entry in detail["metadata"]} >= {"service", "phone", "schedule"}
    dates = [entry["last_action_date"] for entry in detail["metadata"]]
    assert dates == sorted(dates, reverse=True)


def test_nested_items_are_updated_in_place_added_and_removed(directory_api, tokens, created):
    url = f"{directory_api}/services/{created['id']}"
    phone_id = created["phones"][0]["id"]
    response = call(
        "PATCH", url, auth(tokens, "editor"),
        json={"phones": [{"id": phone_id, "number": "+44 20 7946 0399", "type": "voice"}, {"number": "+44 20 7946 0400", "type": "fax"}],
              "required_documents": [{"document": "Passport"}]},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    numbers = {p["id"]: p["number"] for p in body["phones"]}
    assert numbers[phone_id] == "+442079460399" and len(numbers) == 2
    assert [d["document"] for d in body["required_documents"]] == ["Passport"]
    assert body["schedules"] == created["schedules"], "lists not named in a PATCH stay"
    # PUT replaces everything: what it leaves out becomes empty.
    put = call("PUT", url, auth(tokens, "editor"), json={"organization_id": created["organization_id"], "name": "Only a name"})
    assert put.status_code == 200
    assert put.json()["phones"] == [] and put.json()["schedules"] == [] and "description" not in put.json()


def test_translations_are_written_and_read_back(directory_api, tokens, orgs, hsds_schema):
    body = new_service(orgs, translations={
        "ar": {"name": "خدمة الاختبار", "required_documents": ["جواز السفر", ""], "colour": "blue"},
        "uk": {"description": "Створено тестами."},
    })
    response = call("POST", f"{directory_api}/services", auth(tokens, "editor"), json=body)
    assert response.status_code == 201, response.text
    assert "translations.ar.colour" in response.headers["Ignored-Fields"]
    url = f"{directory_api}/services/{response.json()['id']}"
    arabic = call("GET", url, params={"lang": "ar"})
    assert arabic.headers["Content-Language"] == "ar"
    data = arabic.json()
    assert_valid(data, hsds_schema("service"))
    assert data["name"] == "خدمة الاختبار" and data["description"] == body["description"]
    assert [d["document"] for d in data["required_documents"]] == ["جواز السفر", "Proof of address"]
    assert call("GET", url, headers={"Accept-Language": "uk"}).json()["description"] == "Створено тестами."

    # PATCH: a language set to null goes, one not named stays.
    patch = call("PATCH", url, auth(tokens, "editor"), json={"translations": {"uk": None, "ar": {"description": "وصف"}}})
    assert patch.status_code == 200
    assert call("GET", url, params={"lang": "uk"}).json()["description"] == body["description"]
    data = call("GET", url, params={"lang": "ar"}).json()
    assert data["name"] == "خدمة الاختبار" and data["description"] == "وصف"

    bad = call("PATCH", url, auth(tokens, "editor"), json={"translations": {"de": {"name": "Dienst"}, "en": {"name": "x"}}})
    assert bad.status_code == 400
    assert {"translations.de.language", "translations.en.language"} <= set(bad.json()["fields"])


def test_verified_today_sets_assured_date_and_assurer(directory_api, tokens, created, hsds_schema):
    today = date.today().isoformat()
    response = call("PATCH", f"{directory_api}/services/{created['id']}", auth(tokens, "editor"), json={"assured_date": today})
    assert response.status_code == 200
    body = response.json()
    assert_valid(body, hsds_schema("service"))
    assert body["assured_date"] == today and body["assurer_email"] == tokens["editor"]["username"] + "@staff.example"
    listed = call("GET", f"{directory_api}/services", params={"search": created["name"]}).json()["contents"][0]
    assert listed["assured_date"] == today and listed["assurer_email"]
    explicit = call("PATCH", f"{directory_api}/services/{created['id']}", auth(tokens, "editor"), json={"assured_date": today, "assurer_email": "checker@partner.example"})
    assert explicit.json()["assurer_email"] == "checker@partner.example"
    bad = call("PATCH", f"{directory_api}/services/{created['id']}", auth(tokens, "editor"), json={"assured_date": "yesterday"})
    assert bad.status_code == 400 and "assured_date" in bad.json()["fields"]


def test_links_to_locations(directory_api, tokens, orgs, created):
    own_locations = call("GET", f"{directory_api}/organizations/{orgs['own']}").json()["locations"]
    other_locations = call("GET", f"{directory_api}/organizations/{orgs['other']}").json()["locations"]
    url = f"{directory_api}/services/{created['id']}"
    if own_locations:
        response = call("PATCH", url, auth(tokens, "editor"), json={"service_at_locations": [{"location_id": own_locations[0]["id"]}]})
        assert response.status_code == 200, response.text
        assert [s["location_id"] for s in response.json()["service_at_locations"]] == [own_locations[0]["id"]]
    if other_locations:
        response = call("PATCH", url, auth(tokens, "editor"), json={"service_at_locations": [{"location_id": other_locations[0]["id"]}]})
        assert response.status_code == 403
    missing = call("PATCH", url, auth(tokens, "editor"), json={"service_at_locations": [{"location_id": str(uuid.uuid4())}]})
    assert missing.status_code == 400 and "service_at_locations[0].location_id" in missing.json()["fields"]


def test_ids_conflicts_and_unknown_services(directory_api, tokens, orgs):
    own_id = str(uuid.uuid4())
    first = call("POST", f"{directory_api}/services", auth(tokens, "editor"), json=new_service(orgs, id=own_id))
    assert first.status_code == 201 and first.json()["id"] == own_id
    again = call("POST", f"{directory_api}/services", auth(tokens, "editor"), json=new_service(orgs, id=own_id))
    assert again.status_code == 409 and again.json()["error"] == "conflict"
    assert call("PATCH", f"{directory_api}/services/{uuid.uuid4()}", auth(tokens, "editor"), json={"name": "x"}).status_code == 404
    assert call("PATCH", f"{directory_api}/services/not-an-id", auth(tokens, "editor"), json={"name": "x"}).status_code == 404
    assert call("POST", f"{directory_api}/services", auth(tokens, "editor"), json=[1, 2]).status_code == 400


def test_other_endpoints_stay_read_only(directory_api, tokens):
    for path in ("taxonomies", "taxonomy_terms", "service_at_locations"):
        assert call("POST", f"{directory_api}/{path}", auth(tokens, "admin"), json={"name": "x"}).status_code == 405
    some_organization = call("GET", f"{directory_api}/organizations").json()["contents"][0]["id"]
    assert call("DELETE", f"{directory_api}/organizations/{some_organization}", auth(tokens, "admin")).status_code == 405


def test_organizations_administrators_add_editors_change_their_own(directory_api, tokens, orgs, hsds_schema):
    body = {"name": f"Partner association {uuid.uuid4().hex[:6]}", "description": "Added by an integration.", "website": "https://partner.example",
            "phones": [{"number": "+44 20 7946 0555"}], "services": [{"name": "ignored"}]}
    assert call("POST", f"{directory_api}/organizations", auth(tokens, "editor"), json=body).status_code == 403
    created = call("POST", f"{directory_api}/organizations", auth(tokens, "admin"), json=body)
    assert created.status_code == 201, created.text
    assert "services" in created.headers["Ignored-Fields"]
    assert_valid(created.json(), hsds_schema("organization"))
    assert created.json()["phones"][0]["number"] == "+442079460555"
    assert call("GET", created.headers["Location"]).json()["name"] == body["name"]

    own = f"{directory_api}/organizations/{orgs['own']}"
    before = call("GET", own)
    response = call("PATCH", own, {**auth(tokens, "editor"), "If-Match": before.headers["ETag"]}, json={"alternate_name": "Our short name"})
    assert response.status_code == 200, response.text
    assert_valid(response.json(), hsds_schema("organization"))
    assert response.json()["alternate_name"] == "Our short name"
    assert response.json()["metadata"][0]["updated_by"] == tokens["editor"]["username"]
    assert call("PATCH", own, {**auth(tokens, "editor"), "If-Match": before.headers["ETag"]}, json={"alternate_name": "x"}).status_code == 412
    other = f"{directory_api}/organizations/{orgs['other']}"
    assert call("PATCH", other, auth(tokens, "editor"), json={"alternate_name": "x"}).status_code == 403
    bad = call("PATCH", own, auth(tokens, "editor"), json={"website": "not a url", "email": "nobody"})
    assert bad.status_code == 400 and {"website", "email"} <= set(bad.json()["fields"])
    assert call("PATCH", own, auth(tokens, "editor"), json={"alternate_name": before.json().get("alternate_name", "")}).status_code == 200


def test_locations_are_created_and_linked(directory_api, tokens, orgs, created, hsds_schema):
    location_schema = hsds_schema("service")["properties"]["service_at_locations"]["items"]["properties"]["location"]
    body = {
        "organization_id": orgs["own"], "name": "Annex office", "latitude": 47.05, "longitude": 8.1,
        "addresses": [{"address_1": "1 Test Street", "city": "Port Meridian", "state_province": "Meridian", "postal_code": "PM1 1AA", "country": "GB"}],
        "schedules": [{"byday": "TU", "opens_at": "10:00", "closes_at": "16:00"}],
    }
    response = call("POST", f"{directory_api}/locations", auth(tokens, "editor"), json=body)
    assert response.status_code == 201, response.text
    location = response.json()
    assert_valid(location, location_schema)
    assert location["addresses"][0]["city"] == "Port Meridian" and location["organization_id"] == orgs["own"]
    public = call("GET", response.headers["Location"])
    assert public.status_code == 200 and public.headers["ETag"] == '"1"'

    link = call("PATCH", f"{directory_api}/services/{created['id']}", auth(tokens, "editor"), json={"service_at_locations": [{"location_id": location["id"]}]})
    assert link.status_code == 200
    assert link.json()["service_at_locations"][0]["location"]["name"] == "Annex office"
    assert_valid(link.json(), hsds_schema("service"))

    outside = call("PATCH", response.headers["Location"], auth(tokens, "editor"), json={"latitude": 8.1, "longitude": 47.05})
    assert outside.status_code == 400 and "swapped" in outside.json()["fields"]["latitude"][0]
    # Not a number: a 400 naming the field, not a server error.
    words = call("POST", f"{directory_api}/locations", auth(tokens, "editor"), json={**body, "latitude": "north"})
    assert words.status_code == 400 and "latitude" in words.json()["fields"], words.text
    assert call("POST", f"{directory_api}/locations", auth(tokens, "editor"), json={**body, "organization_id": orgs["other"]}).status_code == 403
    assert call("POST", f"{directory_api}/locations", auth(tokens, "editor"), json={k: v for k, v in body.items() if k != "organization_id"}).status_code == 400
    assert call("PATCH", response.headers["Location"], auth(tokens, "other-editor"), json={"name": "Mine now"}).status_code == 403
    renamed = call("PATCH", response.headers["Location"], {**auth(tokens, "editor"), "If-Match": '"1"'}, json={"name": "Annex"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "Annex" and renamed.headers["ETag"] == '"2"'
    assert renamed.json()["addresses"] == location["addresses"]


@pytest.fixture(scope="module")
def throttled_api(directory_database, directory):
    """A second directory server on the same database with a low write rate."""
    server = directory_server(directory_database, env={"DIRECTORY_WRITE_RATE": "3/min"}).start()
    yield server.url + "/api"
    server.stop()


def test_writes_are_rate_limited_per_token(throttled_api, tokens, orgs):
    created = call("POST", f"{throttled_api}/services", auth(tokens, "burst"), json=new_service(orgs))
    assert created.status_code == 201
    url = f"{throttled_api}/services/{created.json()['id']}"
    statuses = [call("PATCH", url, auth(tokens, "burst"), json={"alert": f"note {i}"}).status_code for i in range(3)]
    assert statuses == [200, 200, 429]
    limited = call("PATCH", url, auth(tokens, "burst"), json={"alert": "again"})
    assert limited.status_code == 429 and limited.json()["error"] == "throttled"
    assert 0 < int(limited.headers["Retry-After"]) <= 60
    # Reads are not limited, and other tokens have their own budget.
    assert all(call("GET", url).status_code == 200 for _ in range(5))
    assert call("PATCH", url, auth(tokens, "editor"), json={"alert": "other token"}).status_code == 200
