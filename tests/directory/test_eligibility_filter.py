"""Profile-extension filter `eligibility`: who may use the service (tagged with terms of the eligibility
taxonomy: regardless of residence status, without health insurance, children, women), on /api/services and
/api/service_at_locations."""

import pytest
import requests

from test_feature_filters import codes
from test_search_filters import services

GROUPS = ["any-residence-status", "uninsured", "children", "women"]


@pytest.mark.parametrize("group", GROUPS)
def test_each_group_keeps_exactly_the_services_tagged_with_it(directory_api, group):
    everything = services(directory_api)
    eligible = services(directory_api, eligibility=group)
    assert eligible and len(eligible) < len(everything)
    assert {s["id"] for s in eligible} == {s["id"] for s in everything if f"eligibility-{group}" in codes(s)}


def test_the_demo_tags_agree_with_what_the_eligibility_text_says(directory_api):
    uninsured = services(directory_api, eligibility="uninsured")
    assert all("insurance" in s["eligibility_description"].lower() for s in uninsured)
    women = services(directory_api, eligibility="women")
    assert all("women" in s["eligibility_description"].lower() for s in women)


def test_groups_combine_with_each_other_and_with_a_sub_need(directory_api):
    both = services(directory_api, eligibility="uninsured,any-residence-status")
    assert both and all({"eligibility-uninsured", "eligibility-any-residence-status"} <= codes(s) for s in both)
    assert len(both) < len(services(directory_api, eligibility="any-residence-status"))
    dentists = services(directory_api, taxonomy_term_id="health-dentist", eligibility="uninsured")
    all_dentists = {s["id"] for s in services(directory_api, taxonomy_term_id="health-dentist")}
    assert dentists and {s["id"] for s in dentists} <= all_dentists
    links = requests.get(f"{directory_api}/service_at_locations", params={"eligibility": "women", "per_page": 200}, timeout=20).json()["contents"]
    women = {s["id"] for s in services(directory_api, eligibility="women")}
    assert links and {link["service"]["id"] if "service" in link else link["service_id"] for link in links} <= women


@pytest.mark.parametrize("value", ["men", "children,adults", "x" * 300])
def test_an_unknown_group_is_a_400_naming_the_parameter_and_listing_the_groups(directory_api, value):
    response = requests.get(f"{directory_api}/services", params={"eligibility": value}, timeout=10)
    assert response.status_code == 400 and response.json()["parameter"] == "eligibility"
    assert "uninsured" in response.text
