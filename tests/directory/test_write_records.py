"""The write API over HTTP against the real directory server: what a write does to the records (retire and
restore, audit, nested items, translations, verification, locations, ids)."""

import uuid
from datetime import date

from hsds_checks import assert_valid
from write_api_helpers import auth, call, changes, new_service


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
        "PATCH",
        url,
        auth(tokens, "editor"),
        json={"phones": [{"id": phone_id, "number": "+44 20 7946 0399", "type": "voice"}, {"number": "+44 20 7946 0400", "type": "fax"}], "required_documents": [{"document": "Passport"}]},
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
    body = new_service(
        orgs,
        translations={
            "ar": {"name": "خدمة الاختبار", "required_documents": ["جواز السفر", ""], "colour": "blue"},
            "uk": {"description": "Створено тестами."},
        },
    )
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


def test_locations_are_created_and_linked(directory_api, tokens, orgs, created, hsds_schema):
    location_schema = hsds_schema("service")["properties"]["service_at_locations"]["items"]["properties"]["location"]
    body = {
        "organization_id": orgs["own"],
        "name": "Annex office",
        "latitude": 47.05,
        "longitude": 8.1,
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
