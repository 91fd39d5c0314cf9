"""Profile-extension search filters of /api/services: `language` by code or by name in any interface
language, and `open` (a weekday, the weekend, now...) from the schedules, in the city's time zone."""

import pytest
import requests


def services(api: str, **params) -> list:
    response = requests.get(f"{api}/services", params={"full": "true", "per_page": 200, **params}, timeout=20)
    assert response.status_code == 200, response.text
    return response.json()["contents"]


def spoken(service) -> set:
    return {language["code"] for language in service["languages"]}


def days(service) -> set:
    found = set()
    for schedule in service["schedules"] + [s for link in service["service_at_locations"] for s in link.get("schedules", [])]:
        found |= set(filter(None, (schedule.get("byday") or "").split(",")))
    return found


@pytest.mark.parametrize("name", ["ar", "Arabic", "árabe", "arabe", "العربية", "арабська", "ARABIC"])
def test_a_language_is_found_by_code_or_by_its_name_in_any_interface_language(directory_api, name):
    everything = services(directory_api)
    found = services(directory_api, language=name)
    assert found and all("ar" in spoken(s) for s in found)
    assert {s["id"] for s in found} == {s["id"] for s in everything if "ar" in spoken(s)}
    assert len(found) < len(everything)  # a service without Arabic is left out


def test_an_unknown_language_name_is_a_400_naming_the_parameter(directory_api):
    response = requests.get(f"{directory_api}/services", params={"language": "Klingonish"}, timeout=10)
    assert response.status_code == 400
    assert "language" in response.text and "Klingonish" in response.text


@pytest.mark.parametrize("when, wanted", [("sa", {"SA"}), ("weekend", {"SA", "SU"}), ("mo", {"MO"})])
def test_open_on_a_day_keeps_only_services_with_hours_that_day(directory_api, when, wanted):
    everything = services(directory_api)
    found = services(directory_api, open=when)
    assert found and all(days(s) & wanted for s in found)
    assert {s["id"] for s in found} == {s["id"] for s in everything if days(s) & wanted}
    assert len(found) < len(everything)


def test_filters_combine(directory_api):
    found = services(directory_api, open="weekend", language="Arabic")
    assert {s["id"] for s in found} == {s["id"] for s in services(directory_api, open="weekend") if "ar" in spoken(s)}


def test_a_bad_open_value_is_a_400_naming_the_parameter(directory_api):
    response = requests.get(f"{directory_api}/services", params={"open": "someday"}, timeout=10)
    assert response.status_code == 400
    assert "'open'" in response.text


def regions_of(service) -> set:
    return {address.get("region", "").casefold() for link in service["service_at_locations"] for address in link["location"].get("addresses", [])}


@pytest.mark.parametrize("name", ["Eastgate", "eastgate", "  University   Quarter "])
def test_a_region_keeps_only_services_with_an_address_there(directory_api, name):
    wanted = " ".join(name.split()).casefold()
    everything = services(directory_api)
    found = services(directory_api, region=name)
    assert found and all(wanted in regions_of(s) for s in found)
    assert {s["id"] for s in found} == {s["id"] for s in everything if wanted in regions_of(s)}
    assert len(found) < len(everything)


def test_regions_lists_every_neighbourhood_the_region_parameter_accepts(directory_api):
    names = requests.get(f"{directory_api}/regions", timeout=10).json()["regions"]
    every = set().union(*(regions_of(s) for s in services(directory_api)))
    assert {n.casefold() for n in names} == every - {""} and "Eastgate" in names
    assert all(services(directory_api, region=n) for n in names)


def test_an_unknown_region_is_a_400_naming_the_parameter(directory_api):
    response = requests.get(f"{directory_api}/services", params={"region": "Atlantis"}, timeout=10)
    assert response.status_code == 400
    assert "'region'" in response.text and "Atlantis" in response.text


def test_region_combines_with_the_other_filters(directory_api):
    found = services(directory_api, region="Eastgate", taxonomy_term_id="housing-tenant-advice", open="sa")
    assert found and all("eastgate" in regions_of(s) and "SA" in days(s) for s in found)
