"""The write API over HTTP against the real directory server: who may write what (anonymous, viewer,
editor of an organisation, administrator), and the write rate per token."""

import uuid

from hsds_checks import assert_valid
from write_api_helpers import auth, call, new_service


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


def test_other_endpoints_stay_read_only(directory_api, tokens):
    for path in ("taxonomies", "taxonomy_terms", "service_at_locations"):
        assert call("POST", f"{directory_api}/{path}", auth(tokens, "admin"), json={"name": "x"}).status_code == 405
    some_organization = call("GET", f"{directory_api}/organizations").json()["contents"][0]["id"]
    assert call("DELETE", f"{directory_api}/organizations/{some_organization}", auth(tokens, "admin")).status_code == 405


def test_organizations_administrators_add_editors_change_their_own(directory_api, tokens, orgs, hsds_schema):
    body = {
        "name": f"Partner association {uuid.uuid4().hex[:6]}",
        "description": "Added by an integration.",
        "website": "https://partner.example",
        "phones": [{"number": "+44 20 7946 0555"}],
        "services": [{"name": "ignored"}],
    }
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
