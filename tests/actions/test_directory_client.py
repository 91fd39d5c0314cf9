"""The directory client against the real directory server, and against failures."""
import time

import pytest

from actions.directory_client import DirectoryClient, DirectoryUnavailable
from faulty_directory import FaultyDirectory
from servers import free_port


def test_finds_active_services_of_a_category(directory_api):
    services = DirectoryClient(directory_api).search_services("health", per_page=3)
    assert len(services) == 3
    for service in services:
        assert service["status"] == "active"
        assert service["phones"] and service["service_at_locations"]
        assert any(a["taxonomy_term"]["code"].startswith("health-") for a in service["attributes"])


def test_sub_need_narrows_the_search(directory_api):
    services = DirectoryClient(directory_api).search_services("health-dentist", per_page=10)
    assert services
    assert all(any(a["taxonomy_term"]["code"] == "health-dentist" for a in s["attributes"]) for s in services)


def test_unknown_term_is_an_error_not_an_empty_list(directory_api):
    with pytest.raises(DirectoryUnavailable):
        DirectoryClient(directory_api).search_services("no-such-term")


def test_connection_refused_fails_fast():
    client = DirectoryClient(f"http://127.0.0.1:{free_port()}/api", retries=1, backoff=0.05)
    started = time.monotonic()
    with pytest.raises(DirectoryUnavailable):
        client.search_services("health")
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("mode", ["status500", "garbage", "wrong_shape"])
def test_bad_answers_become_directory_unavailable(mode):
    with FaultyDirectory(mode) as faulty:
        with pytest.raises(DirectoryUnavailable):
            DirectoryClient(faulty.url).search_services("health")


def test_a_hanging_directory_times_out_within_the_budget():
    with FaultyDirectory("hang", hang_seconds=5) as faulty:
        client = DirectoryClient(faulty.url, connect_timeout=0.5, read_timeout=1.0, retries=1, backoff=0.05)
        started = time.monotonic()
        with pytest.raises(DirectoryUnavailable):
            client.search_services("health")
        assert time.monotonic() - started < 3.5


def test_retries_a_failing_read_once():
    with FaultyDirectory("status500") as faulty:
        with pytest.raises(DirectoryUnavailable):
            DirectoryClient(faulty.url, retries=1, backoff=0.01).search_services("health")
        # 500 is not retried (the directory answered); only connection errors and 502-504 are.
        assert faulty.requests == 1


def test_empty_result_is_an_empty_list():
    with FaultyDirectory("empty") as faulty:
        assert DirectoryClient(faulty.url).search_services("health") == []
