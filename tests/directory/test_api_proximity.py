"""The public HSDS API near a point (profile extension lat, lon, proximity), over HTTP against the real
directory server with the demo city."""

import requests

from hsds_checks import assert_page, assert_valid, get


SOUTHFIELD = {"lat": "47.0162", "lon": "8.0903"}  # where the demo city's Women First centre is


def distance_metres(lat1, lon1, lat2, lon2):
    import math

    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    a = math.sin(math.radians(lat2 - lat1) / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def nearest_location_metres(service, point):
    located = [sal["location"] for sal in service["service_at_locations"] if "latitude" in sal["location"]]
    return min(distance_metres(float(point["lat"]), float(point["lon"]), loc["latitude"], loc["longitude"]) for loc in located)


def test_services_near_a_point_come_nearest_first(directory_api, hsds_schema):
    _, by_name = get(directory_api, "services", taxonomy_term_id="health", status="active", per_page=100, full="true")
    response, near = get(directory_api, "services", taxonomy_term_id="health", status="active", per_page=100, full="true", **SOUTHFIELD)
    assert response.status_code == 200
    assert_page(near)
    # The same services, in another order: nearest first.
    assert {s["id"] for s in near["contents"]} == {s["id"] for s in by_name["contents"]}
    distances = [nearest_location_metres(s, SOUTHFIELD) for s in near["contents"]]
    assert distances == sorted(distances)
    assert distances[0] < 50 and near["contents"][0]["name"] != by_name["contents"][0]["name"]
    for item in near["contents"]:
        assert_valid(item, hsds_schema("service"))  # no distance field outside the HSDS schema


def test_proximity_keeps_only_services_within_the_radius(directory_api):
    _, everything = get(directory_api, "services", per_page=100, full="true", **SOUTHFIELD)
    _, within = get(directory_api, "services", per_page=100, full="true", proximity="1500", **SOUTHFIELD)
    expected = [s["id"] for s in everything["contents"] if nearest_location_metres(s, SOUTHFIELD) <= 1500]
    assert 1 <= within["total_items"] < everything["total_items"]
    assert [s["id"] for s in within["contents"]] == expected
    _, nowhere = get(directory_api, "services", proximity="1000", lat="-33.9", lon="151.2")
    assert nowhere["total_items"] == 0 and nowhere["empty"]


def test_paging_near_a_point_continues_the_distance_order(directory_api):
    _, all_near = get(directory_api, "services", per_page=100, **SOUTHFIELD)
    _, second = get(directory_api, "services", per_page=5, page=2, **SOUTHFIELD)
    assert [s["id"] for s in second["contents"]] == [s["id"] for s in all_near["contents"][5:10]]
    assert second["total_items"] == all_near["total_items"]


def test_service_at_locations_near_a_point(directory_api, hsds_schema):
    response, page = get(directory_api, "service_at_locations", per_page=100, taxonomy_term_id="housing", proximity="3000", **SOUTHFIELD)
    assert response.status_code == 200 and page["total_items"] >= 1
    distances = [distance_metres(47.0162, 8.0903, r["location"]["latitude"], r["location"]["longitude"]) for r in page["contents"]]
    assert distances == sorted(distances) and distances[-1] <= 3000
    for item in page["contents"]:
        assert_valid(item, hsds_schema("service_at_location_list"))


def test_openapi_documents_the_point_parameters(directory_api):
    document = requests.get(f"{directory_api}/openapi.json", timeout=10).json()
    for path in ("/services", "/service_at_locations"):
        refs = {p.get("$ref", "").rsplit("/", 1)[-1] for p in document["paths"][path]["get"]["parameters"]}
        assert {"lat", "lon", "proximity"} <= refs, path
    assert "metres" in document["components"]["parameters"]["proximity"]["description"]


def distances_header(response) -> dict:
    header = response.headers.get("Distance-Metres", "")
    return {pair.split("=")[0]: int(pair.split("=")[1]) for pair in header.split(", ") if pair}


def test_the_page_says_how_far_each_service_is_so_clients_need_not_measure_again(directory_api):
    for extra in ({}, {"rank": "relevance"}):  # nearest first, and ranked (where distance is one key)
        response, near = get(directory_api, "services", taxonomy_term_id="health", per_page=100, full="true", **SOUTHFIELD, **extra)
        told = distances_header(response)
        located = [s for s in near["contents"] if any("latitude" in sal["location"] for sal in s["service_at_locations"])]
        assert located and set(told) == {s["id"] for s in located}
        for service in located:
            assert abs(told[service["id"]] - nearest_location_metres(service, SOUTHFIELD)) <= 1, service["name"]
    response, page = get(directory_api, "service_at_locations", per_page=5, **SOUTHFIELD)
    assert set(distances_header(response)) == {row["id"] for row in page["contents"]}
    assert "Distance-Metres" not in get(directory_api, "services", taxonomy_term_id="health")[0].headers  # no point, no distances
