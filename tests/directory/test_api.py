"""The public HSDS API over HTTP, against the real directory server with the demo city."""

import uuid

import pytest
import requests

from hsds_checks import assert_page, assert_valid, get
from contracts import needs


def test_root_says_hsds_version(directory_api):
    response, body = get(directory_api, "")
    assert response.status_code == 200
    assert body["version"] == "3.0"
    assert requests.get(body["openapi_url"], timeout=10).json()["openapi"].startswith("3.")


def test_service_list_items_validate(directory_api, hsds_schema):
    _, page = get(directory_api, "services", per_page=100)
    assert_page(page)
    assert page["total_items"] >= 60
    for item in page["contents"]:
        assert_valid(item, hsds_schema("service_list"))


def test_full_services_and_details_validate(directory_api, hsds_schema):
    _, page = get(directory_api, "services", per_page=100, full="true")
    for item in page["contents"]:
        assert_valid(item, hsds_schema("service"))
    response, detail = get(directory_api, f"services/{page['contents'][0]['id']}")
    assert response.status_code == 200
    assert_valid(detail, hsds_schema("service"))
    assert detail["phones"] and detail["schedules"] and detail["service_at_locations"][0]["location"]["addresses"]


def test_organizations_validate(directory_api, hsds_schema):
    _, page = get(directory_api, "organizations", per_page=100)
    assert_page(page)
    for item in page["contents"]:
        assert_valid(item, hsds_schema("organization_list"))
    _, detail = get(directory_api, f"organizations/{page['contents'][0]['id']}")
    assert_valid(detail, hsds_schema("organization"))
    assert detail["services"], "an organization lists its services"


def test_service_at_locations_validate(directory_api, hsds_schema):
    _, page = get(directory_api, "service_at_locations", per_page=50)
    assert_page(page)
    for item in page["contents"]:
        assert_valid(item, hsds_schema("service_at_location_list"))
    _, detail = get(directory_api, f"service_at_locations/{page['contents'][0]['id']}")
    assert_valid(detail, hsds_schema("service_at_location"))


def test_taxonomies_and_terms_validate(directory_api, hsds_entity_schema):
    _, taxonomies = get(directory_api, "taxonomies")
    for item in taxonomies["contents"]:
        assert_valid(item, hsds_entity_schema("taxonomy"))
    _, terms = get(directory_api, "taxonomy_terms", per_page=100)
    term_schema = hsds_entity_schema("taxonomy_term")
    term_schema["properties"]["taxonomy_detail"] = hsds_entity_schema("taxonomy")
    for item in terms["contents"]:
        assert_valid(item, term_schema)
    codes = {t["code"] for t in terms["contents"]}
    assert set(needs.CATEGORIES) | needs.ALL_SUB_NEEDS <= codes
    _, top = get(directory_api, "taxonomy_terms", top_only="true", taxonomy_id=taxonomies["contents"][0]["id"])
    assert all("parent_id" not in t for t in top["contents"])


def category_codes(service):
    return {a["taxonomy_term"]["code"] for a in service["attributes"]}


@pytest.mark.parametrize("category", [category for category in needs.CATEGORIES if needs.SUB_NEEDS[category]])
def test_parent_term_includes_services_of_its_child_terms(directory_api, category):
    _, page = get(directory_api, "services", taxonomy_term_id=category, per_page=100, full="true")
    assert page["total_items"] >= 12
    for service in page["contents"]:
        assert category_codes(service) & set(needs.SUB_NEEDS[category])
    _, children = get(directory_api, "taxonomy_terms", parent_id=category)
    child_ids = set()
    for child in children["contents"]:
        _, child_page = get(directory_api, "services", taxonomy_term_id=child["id"], per_page=100)
        child_ids |= {s["id"] for s in child_page["contents"]}
    assert child_ids == {s["id"] for s in page["contents"]}


def test_emergency_term_lists_emergency_services(directory_api):
    _, page = get(directory_api, "services", taxonomy_term_id="emergency", per_page=100)
    assert page["total_items"] >= 3


def test_filters_by_organization_status_language_and_search(directory_api):
    _, everything = get(directory_api, "services", per_page=100)
    org_id = everything["contents"][0]["organization_id"]
    _, by_org = get(directory_api, "services", organization_id=org_id, per_page=100)
    assert by_org["total_items"] >= 1 and all(s["organization_id"] == org_id for s in by_org["contents"])

    _, active = get(directory_api, "services", status="active", per_page=100)
    _, closed = get(directory_api, "services", status="temporarily closed", per_page=100)
    assert closed["total_items"] >= 1 and all(s["status"] == "temporarily closed" for s in closed["contents"])
    assert active["total_items"] + closed["total_items"] == everything["total_items"]

    _, arabic = get(directory_api, "services", language="ar", per_page=100, full="true")
    assert arabic["total_items"] >= 1
    assert all(any(lang["code"] == "ar" for lang in s["languages"]) for s in arabic["contents"])

    _, dentists = get(directory_api, "services", search="dental", per_page=100)
    assert dentists["total_items"] >= 1
    assert all("dental" in (s["name"] + s.get("description", "") + s["organization"]["name"]).lower() for s in dentists["contents"])


def test_modified_after(directory_api):
    _, recent = get(directory_api, "services", modified_after="2000-01-01T00:00:00Z")
    _, future = get(directory_api, "services", modified_after="2999-01-01")
    assert recent["total_items"] >= 60
    assert future["total_items"] == 0 and future["empty"] is True


def test_paging(directory_api):
    _, first = get(directory_api, "services", per_page=5)
    _, second = get(directory_api, "services", per_page=5, page=2)
    assert first["first_page"] and not first["last_page"] and first["size"] == 5
    assert second["page_number"] == 2 and not second["first_page"]
    assert not {s["id"] for s in first["contents"]} & {s["id"] for s in second["contents"]}
    _, last = get(directory_api, "services", per_page=5, page=first["total_pages"])
    assert last["last_page"]
    _, beyond = get(directory_api, "services", per_page=5, page=first["total_pages"] + 1)
    assert beyond["empty"] and beyond["contents"] == []


def test_per_page_is_capped(directory_api):
    _, page = get(directory_api, "services", per_page=100000)
    assert page["size"] <= 100


@pytest.mark.parametrize(
    "path,params,parameter",
    [
        ("services", {"page": "abc"}, "page"),
        ("services", {"page": "0"}, "page"),
        ("services", {"per_page": "-3"}, "per_page"),
        ("services", {"taxonomy_term_id": "no-such-term"}, "taxonomy_term_id"),
        ("services", {"organization_id": "not-a-uuid"}, "organization_id"),
        ("services", {"modified_after": "yesterday"}, "modified_after"),
        ("services", {"full": "maybe"}, "full"),
        ("services", {"status": "open"}, "status"),
        ("services", {"search": "x" * 500}, "search"),
        ("service_at_locations", {"taxonomy_id": "1234"}, "taxonomy_id"),
        ("taxonomy_terms", {"parent_id": "nothing"}, "parent_id"),
        ("services", {"lat": "north", "lon": "8.07"}, "lat"),
        ("services", {"lat": "91", "lon": "8.07"}, "lat"),
        ("services", {"lat": "47.05", "lon": "nan"}, "lon"),
        ("services", {"lat": "47.05"}, "lon"),
        ("service_at_locations", {"lon": "8.07"}, "lat"),
        ("service_at_locations", {"lat": "47.05", "lon": "8.07", "proximity": "-5"}, "proximity"),
        ("services", {"lat": "47.05", "lon": "8.07", "proximity": "far"}, "proximity"),
        ("services", {"proximity": "1000"}, "proximity"),
        ("services", {"lon": "", "proximity": ""}, "lon"),  # empty is not absent (found by schemathesis)
        ("services", {"open": ""}, "open"),  # nor for an enum (found by schemathesis)
        ("service_at_locations", {"free": ""}, "free"),
        ("services", {"walk_in": " "}, "walk_in"),
        ("service_at_locations", {"lat": "47.05", "lon": "8.07", "proximity": " "}, "proximity"),
    ],
)
def test_bad_parameters_get_a_clear_400(directory_api, path, params, parameter):
    response, body = get(directory_api, path, **params)
    assert response.status_code == 400
    assert body["error"] == "bad_parameter" and body["parameter"] == parameter
    assert parameter in body["detail"]


@pytest.mark.parametrize("path", ["services", "organizations", "service_at_locations", "taxonomy_terms", "taxonomies"])
def test_unknown_ids_get_a_json_404(directory_api, path):
    for bad_id in (str(uuid.uuid4()), "..%2F..%2Fetc%2Fpasswd", "x/../../y", "1 OR 1=1"):
        response = requests.get(f"{directory_api}/{path}/{bad_id}", timeout=10)
        assert response.status_code == 404
        assert response.json()["error"] == "not_found"


def test_public_api_is_read_only(directory_api):
    # Writing services needs a staff token (tests/directory/test_write_*.py); the rest is read-only.
    for path in ("services", "organizations", "locations"):
        assert requests.post(f"{directory_api}/{path}", json={"name": "x"}, timeout=10).status_code == 401
    for path in ("taxonomies", "taxonomy_terms", "service_at_locations"):
        assert requests.post(f"{directory_api}/{path}", json={"name": "x"}, timeout=10).status_code == 405


def test_full_records_carry_their_history_as_metadata(directory_api, hsds_schema):
    _, page = get(directory_api, "services", per_page=3)
    response, detail = get(directory_api, f"services/{page['contents'][0]['id']}")
    assert response.headers["ETag"].startswith('"') and response.headers["ETag"].strip('"').isdigit()
    assert_valid(detail, hsds_schema("service"))
    assert detail["metadata"], "the demo load is recorded"
    assert len(detail["metadata"]) <= 50
    assert {"service", "phone"} <= {entry["resource_type"] for entry in detail["metadata"]}
    assert any(entry["resource_id"] == detail["id"] and entry["last_action_type"] == "create" for entry in detail["metadata"])
    _, full = get(directory_api, "services", per_page=3, full="true")
    assert all(item["metadata"] for item in full["contents"])
    _, organization = get(directory_api, f"organizations/{detail['organization_id']}")
    assert_valid(organization, hsds_schema("organization"))
    assert any(entry["resource_type"] == "organization" for entry in organization["metadata"])


def test_freshness_fields_are_in_service_responses(directory_api, hsds_schema):
    _, page = get(directory_api, "services", per_page=100, full="true")
    assured = [s for s in page["contents"] if "assured_date" in s]
    for item in assured:
        assert_valid(item, hsds_schema("service"))
        assert len(item["assured_date"]) == 10


def test_openapi_documents_the_profile_extensions_and_write_api(directory_api):
    document = requests.get(f"{directory_api}/openapi.json", timeout=10).json()

    def refs(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref" and value.startswith("#/"):
                    yield value
                else:
                    yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    for ref in refs(document):
        target = document
        for part in ref[2:].split("/"):
            assert part in target, f"unresolved {ref}"
            target = target[part]
    parameters = lambda operation: {p.get("$ref", "").rsplit("/", 1)[-1] for p in operation.get("parameters", [])}  # noqa: E731
    for path in ("/services", "/services/{id}", "/service_at_locations", "/service_at_locations/{id}", "/organizations/{id}"):
        assert {"lang", "accept_language"} <= parameters(document["paths"][path]["get"]), path
    assert {"post"} <= set(document["paths"]["/services"])
    assert {"get", "put", "patch", "delete"} <= set(document["paths"]["/services/{id}"])
    assert {"401", "403", "412", "429"} <= set(document["paths"]["/services/{id}"]["patch"]["responses"])
    assert "tokenAuth" in document["components"]["securitySchemes"]
    assert "translations" in document["components"]["schemas"]["ServiceWrite"]["properties"]
