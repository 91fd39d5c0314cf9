"""The write API over HTTP against the real directory server: what a write may contain (allow list, values,
sizes, odd names) and versions (If-Match, concurrent writers)."""

import uuid
from concurrent.futures import ThreadPoolExecutor

from hsds_checks import assert_valid
from write_api_helpers import auth, call, new_service


def test_fields_outside_the_allow_list_are_ignored(directory_api, tokens, orgs, created, hsds_schema):
    url = f"{directory_api}/services/{created['id']}"
    response = call(
        "PATCH",
        url,
        auth(tokens, "editor"),
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
        "PATCH",
        url,
        auth(tokens, "editor"),
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
