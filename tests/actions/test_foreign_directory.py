"""Searching another city's standard HSDS API through a crosswalk file (actions/foreign_directory.py): only
standard parameters go out, and every condition and the order are worked out here on the full records."""

import pytest

from actions import unmet_needs
from actions.directory_client import DirectoryUnavailable
from actions.foreign_directory import ForeignDirectoryClient
from contracts import crosswalk_file
from standard_hsds_api import STANDARD_SERVICE_PARAMETERS, StandardHsdsApi

ALL_WEEK = "MO,TU,WE,TH,FR,SA,SU"


def service(number: int, name: str, *, languages=(), hours=None, postal_code="PM-1004", where=(47.0, 8.0), status="active", assured=None) -> dict:
    return {
        "id": f"svc-{number}",
        "name": name,
        "status": status,
        "assured_date": assured,
        "languages": [{"id": f"l{number}{code}", "code": code} for code in languages],
        "schedules": [{"id": f"s{number}", "freq": "WEEKLY", "byday": hours[0], "opens_at": hours[1], "closes_at": hours[2]}] if hours else [],
        "service_at_locations": [{"id": f"sal{number}", "location": {"id": f"loc{number}", "latitude": where[0], "longitude": where[1], "addresses": [{"postal_code": postal_code}]}}],
    }


ALWAYS_OPEN = (ALL_WEEK, "00:00", "23:59:59")
DENTISTS = [
    service(1, "Harbour Dental", languages=("en",), where=(47.05, 8.0)),
    service(2, "Tigrinya Dental Care", languages=("ti", "en"), hours=ALWAYS_OPEN, where=(47.0, 8.0), postal_code="PM 2001"),
    service(3, "Closed Dental Office", languages=("ti",), status="inactive"),
]
CLINICS = [service(10 + n, f"Clinic {n:03d}", assured="2026-0%d-01" % (1 + n % 9)) for n in range(120)]
CROSSWALK = {"health-dentist": ["1042"], "health": ["77"], "housing-shelter": ["500"]}


@pytest.fixture
def city_api():
    with StandardHsdsApi({"1042": DENTISTS, "77": CLINICS}) as api:
        yield api


def client(api: StandardHsdsApi, **kwargs) -> ForeignDirectoryClient:
    return ForeignDirectoryClient(CROSSWALK, base_url=api.url, retries=0, **kwargs)


def test_a_sub_need_is_asked_for_as_the_citys_term_with_standard_parameters_only(city_api):
    found = client(city_api).search_services("health-dentist", per_page=5, lang="ar", ranked=True, filters={})
    assert [s["name"] for s in found] == ["Tigrinya Dental Care", "Harbour Dental"]  # open now first; inactive left out
    assert found.total_items == 2
    assert {q["taxonomy_term_id"] for q in city_api.queries} == {"1042"}
    assert all(set(q) <= STANDARD_SERVICE_PARAMETERS for q in city_api.queries) and not city_api.refused


def test_a_category_holds_its_sub_needs_and_its_own_terms_come_first(city_api):
    found = client(city_api).search_services("health", per_page=200, ranked=True)
    names = [s["name"] for s in found]
    assert {q["taxonomy_term_id"] for q in city_api.queries} == {"77", "1042"}
    assert len(names) == 122 and names.index("Harbour Dental") > names.index("Clinic 000")
    assert names[:3] == ["Clinic 008", "Clinic 017", "Clinic 026"]  # among equals: most recently verified


def test_every_page_of_a_long_list_is_read_and_our_pages_never_repeat(city_api):
    search = client(city_api).search_services
    first, second = search("health", per_page=60, page=1, ranked=True), search("health", per_page=60, page=2, ranked=True)
    assert len(first) == 60 and len(second) == 60 and not {s["id"] for s in first} & {s["id"] for s in second}
    assert sorted(int(q["page"]) for q in city_api.queries if q["taxonomy_term_id"] == "77") == [1, 2, 3]  # 50 a page


def test_a_language_condition_is_checked_on_the_records(city_api):
    found = client(city_api).search_services("health-dentist", filters={"language": "ti"}, ranked=True)
    assert [s["name"] for s in found] == ["Tigrinya Dental Care"]
    assert all("language" not in q for q in city_api.queries)


def test_open_now_and_postal_code_are_checked_on_the_records(city_api):
    search = client(city_api).search_services
    assert [s["name"] for s in search("health-dentist", filters={"open": "now"})] == ["Tigrinya Dental Care"]
    assert [s["name"] for s in search("health-dentist", filters={"postal_code": "pm-2001"})] == ["Tigrinya Dental Care"]
    assert [s["name"] for s in search("health-dentist", filters={"open": "weekend"})] == ["Tigrinya Dental Care"]


@pytest.mark.parametrize("condition", [{"free": "true"}, {"walk_in": "true"}, {"region": "Eastgate"}, {"eligibility": "children"}])
def test_a_condition_the_records_cannot_show_is_never_claimed(city_api, condition):
    found = client(city_api).search_services("health-dentist", filters=condition)
    assert list(found) == [] and found.total_items == 0


def test_a_need_without_a_term_in_the_crosswalk_finds_nothing_without_asking(city_api):
    assert list(client(city_api).search_services("education-school")) == []
    assert city_api.queries == []


def test_near_a_point_nearest_first_with_the_distance(city_api):
    found = client(city_api).search_services("health-dentist", near=(47.0, 8.0))
    assert [s["name"] for s in found] == ["Tigrinya Dental Care", "Harbour Dental"]
    assert found.distances == {"svc-2": 0, "svc-1": pytest.approx(5560, abs=5)}


def test_follow_ups_within_the_cache_time_ask_the_api_once(city_api):
    foreign = client(city_api, cache_seconds=60)
    foreign.search_services("health-dentist")
    foreign.search_services("health-dentist", page=2, filters={"language": "ti"})
    assert len(city_api.queries) == 1
    fresh = client(city_api, cache_seconds=0)
    fresh.search_services("health-dentist")
    fresh.search_services("health-dentist")
    assert len(city_api.queries) == 3


def test_an_api_that_fails_is_unavailable_not_empty():
    with StandardHsdsApi({}) as api:
        url = api.url
    with pytest.raises(DirectoryUnavailable):
        ForeignDirectoryClient(CROSSWALK, base_url=url, retries=0).search_services("health-dentist")


def test_no_neighbourhoods_are_offered(city_api):
    assert client(city_api).regions() == [] and client(city_api).postal_codes() == []


def test_the_crosswalk_file_is_read_and_its_mistakes_are_named(tmp_path, monkeypatch):
    path = tmp_path / "crosswalk.yml"
    path.write_text(crosswalk_file.dumps({"health-dentist": [{"id": 1042, "code": "LV-1600", "name": "Dental Care", "reviewed": True}]}))
    monkeypatch.setenv("CROSSWALK_FILE", str(path))
    monkeypatch.setenv("DIRECTORY_API_URL", "http://127.0.0.1:9/api")
    assert ForeignDirectoryClient.from_environment().crosswalk == {"health-dentist": ["1042"]}
    for text, named in [
        ("format: other\nneeds: {}\n", "format"),
        (f"format: {crosswalk_file.FORMAT}\nneeds:\n  health-dentistry: [{{id: 1}}]\n", "health-dentistry"),
        (f"format: {crosswalk_file.FORMAT}\nneeds:\n  health-dentist: [{{code: LV}}]\n", "id"),
        ("format: [\n", "YAML"),
    ]:
        path.write_text(text)
        with pytest.raises(crosswalk_file.CrosswalkFileError, match=named):
            ForeignDirectoryClient.from_environment()


def test_unmet_needs_are_not_sent_to_another_citys_api(monkeypatch):
    monkeypatch.setattr(unmet_needs, "_reporter", None)
    monkeypatch.setenv("DIRECTORY_ANALYTICS_TOKEN", "secret")
    monkeypatch.delenv("DIRECTORY_ANALYTICS_URL", raising=False)
    monkeypatch.setenv("CROSSWALK_FILE", "/some/crosswalk.yml")
    assert unmet_needs.reporter() is None


def test_a_term_the_api_no_longer_has_leaves_the_rest_of_the_need_standing(city_api):
    foreign = ForeignDirectoryClient({**CROSSWALK, "health-dentist": ["1042", "gone"]}, base_url=city_api.url, retries=0)
    assert [s["name"] for s in foreign.search_services("health-dentist", ranked=True)] == ["Tigrinya Dental Care", "Harbour Dental"]


def test_pages_without_totals_are_read_until_one_comes_back_empty():
    with StandardHsdsApi({"77": CLINICS}, bare_pages=True) as api:
        found = ForeignDirectoryClient(CROSSWALK, base_url=api.url, retries=0).search_services("health", per_page=200)
    assert len(found) == 120 and [int(q["page"]) for q in api.queries if q["taxonomy_term_id"] == "77"] == [1, 2, 3, 4]


def test_odd_records_are_left_out_one_by_one_and_numeric_ids_kept():
    odd = [
        {**service(1, "Numeric Id Dental"), "id": 1042},
        {**service(2, "No Name"), "name": None},
        {**service(3, "No Id"), "id": None},
        "not a record",
        {**service(4, "Odd Shapes Dental", hours=(["mo", "Tu", "we", "th", "fr", "sa", "su"], "00:00Z", "23:59:59+01:00")), "service_at_locations": ["not a link", None]},
    ]
    with StandardHsdsApi({"1042": odd}) as api:
        search = ForeignDirectoryClient(CROSSWALK, base_url=api.url, retries=0).search_services
        assert sorted(s["id"] for s in search("health-dentist", per_page=10, ranked=True)) == ["1042", "svc-4"]
        assert [s["name"] for s in search("health-dentist", filters={"open": "now"})] == ["Odd Shapes Dental"]


def test_hours_at_a_location_count_and_hours_out_of_their_dates_do_not():
    at_location = service(1, "Hours At The Door")
    at_location["service_at_locations"][0]["schedules"] = [{"byday": "MO, TU, WE, TH, FR, SA, SU", "opens_at": "00:00", "closes_at": "23:59:59"}]
    expired = service(2, "Expired Hours", hours=ALWAYS_OPEN)
    expired["schedules"][0]["valid_to"] = "2020-01-31"
    monthly = service(3, "Monthly Hours", hours=ALWAYS_OPEN)
    monthly["schedules"][0]["freq"] = "MONTHLY"
    with StandardHsdsApi({"1042": [at_location, expired, monthly]}) as api:
        search = ForeignDirectoryClient(CROSSWALK, base_url=api.url, retries=0).search_services
        assert [s["name"] for s in search("health-dentist", filters={"open": "today"})] == ["Hours At The Door"]
        assert search("health-dentist", ranked=True)[0]["name"] == "Hours At The Door"


def test_a_language_is_matched_by_code_in_any_case_or_by_its_english_name():
    by_name = service(1, "Named Language")
    by_name["languages"] = [{"name": "Arabic"}]
    by_upper_code = service(2, "Upper Code", languages=("AR",))
    with StandardHsdsApi({"1042": [by_name, by_upper_code, service(3, "English Only", languages=("en",))]}) as api:
        found = ForeignDirectoryClient(CROSSWALK, base_url=api.url, retries=0).search_services("health-dentist", filters={"language": "ar"})
    assert sorted(s["name"] for s in found) == ["Named Language", "Upper Code"]


def test_a_postal_area_finds_the_codes_in_it_and_codes_seen_are_known(city_api):
    foreign = client(city_api)
    assert [s["name"] for s in foreign.search_services("health-dentist", filters={"postal_code": "PM"})] == ["Tigrinya Dental Care"]
    assert foreign.postal_codes() == ["PM 2001", "PM-1004"]


def test_the_answer_can_name_the_condition_that_could_not_be_checked(city_api):
    foreign = client(city_api)
    assert foreign.can_check("language") and foreign.can_check("open") and not foreign.can_check("free")
