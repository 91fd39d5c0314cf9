"""Profile-extension filter `postal_code`: services at an address with that postal code (spaces, hyphens,
letter case aside; a two-part code's first part), on /api/services, and the codes GET /api/regions lists."""

import pytest
import requests

from test_search_filters import services


def codes_of(service) -> set:
    return {address.get("postal_code", "") for link in service["service_at_locations"] for address in link["location"].get("addresses", [])}


@pytest.mark.parametrize("written", ["PM-1004", "pm 1004", "Pm1004", " PM-1004 "])
def test_a_postal_code_keeps_exactly_the_services_with_an_address_there(directory_api, written):
    everything = services(directory_api)
    found = services(directory_api, postal_code=written)
    assert found and len(found) < len(everything)
    assert {s["id"] for s in found} == {s["id"] for s in everything if "PM-1004" in codes_of(s)}


def test_regions_lists_every_postal_code_and_each_finds_its_services(directory_api):
    listed = requests.get(f"{directory_api}/regions", timeout=10).json()["postal_codes"]
    every = set().union(*(codes_of(s) for s in services(directory_api))) - {""}
    assert set(listed) == every and len(listed) > 5 and listed == sorted(listed)
    assert all(services(directory_api, postal_code=code) for code in listed)


def test_a_code_nobody_has_finds_nothing_and_a_malformed_one_is_a_400(directory_api):
    assert services(directory_api, postal_code="PM-9999") == []
    for bad in ("PM-1004; DROP TABLE", "x" * 17, "<script>"):
        response = requests.get(f"{directory_api}/services", params={"postal_code": bad}, timeout=10)
        assert response.status_code == 400 and response.json()["parameter"] == "postal_code"


def test_postal_code_combines_with_a_category(directory_api):
    found = services(directory_api, postal_code="PM-1004", taxonomy_term_id="employment")
    employment = {s["id"] for s in services(directory_api, taxonomy_term_id="employment")}
    assert found and {s["id"] for s in found} <= employment and all("PM-1004" in codes_of(s) for s in found)
