"""Profile-extension filters `free` (the fees say free, and nothing more) and `walk_in` (tagged with the
service-features term `walk-in`: no appointment needed) on /api/services and /api/service_at_locations."""

import pytest
import requests

from test_search_filters import services


def codes(service) -> set:
    return {(a.get("taxonomy_term") or {}).get("code") for a in service.get("attributes", [])}


def test_free_keeps_the_services_whose_fees_say_free_and_nothing_more(directory_api):
    everything = services(directory_api)
    free = services(directory_api, free="true")
    assert free and len(free) < len(everything)
    assert all(s["fees_description"].strip().lower() == "free" for s in free)
    # "Free for registered jobseekers; EUR 30 for others" is not free for everyone.
    conditional = [s for s in everything if s["fees_description"].lower().startswith("free ")]
    assert conditional and not {s["id"] for s in conditional} & {s["id"] for s in free}
    assert {s["id"] for s in free} == {s["id"] for s in everything if s["fees_description"].strip().lower() == "free"}


def test_walk_in_keeps_the_services_tagged_walk_in_and_never_one_by_appointment_only(directory_api):
    everything = services(directory_api)
    walk_in = services(directory_api, walk_in="true")
    assert walk_in and len(walk_in) < len(everything)
    assert all("walk-in" in codes(s) and "appointment-required" not in codes(s) for s in walk_in)
    assert {s["id"] for s in walk_in} == {s["id"] for s in everything if "walk-in" in codes(s)}


def test_the_features_combine_with_a_category_and_with_each_other(directory_api):
    both = services(directory_api, taxonomy_term_id="health", free="true", walk_in="true")
    health = {s["id"] for s in services(directory_api, taxonomy_term_id="health")}
    assert both and {s["id"] for s in both} <= health
    assert all(s["fees_description"].strip().lower() == "free" and "walk-in" in codes(s) for s in both)
    links = requests.get(f"{directory_api}/service_at_locations", params={"walk_in": "true", "per_page": 200}, timeout=20).json()["contents"]
    assert links and {link["service"]["id"] if "service" in link else link["service_id"] for link in links} <= {s["id"] for s in services(directory_api, walk_in="true")}


@pytest.mark.parametrize("name", ["free", "walk_in"])
def test_a_value_other_than_true_or_false_is_a_400_naming_the_parameter(directory_api, name):
    response = requests.get(f"{directory_api}/services", params={name: "yes please"}, timeout=10)
    assert response.status_code == 400 and response.json()["parameter"] == name
    assert len(services(directory_api, **{name: "false"})) == len(services(directory_api))
