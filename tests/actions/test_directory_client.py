"""The directory client against the real directory server, and against failures."""

import time

import pytest

from actions.directory_client import CircuitBreaker, CircuitOpen, DirectoryClient, DirectoryUnavailable
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


# ---------------------------------------------------------------- circuit breaker


def test_breaker_opens_after_consecutive_failures_and_stops_calling():
    with FaultyDirectory("status500") as faulty:
        client = DirectoryClient(faulty.url, retries=0, breaker=CircuitBreaker(failures=3, cooldown=60))
        for _ in range(3):
            with pytest.raises(DirectoryUnavailable):
                client.search_services("health")
        started = time.monotonic()
        for _ in range(10):
            with pytest.raises(CircuitOpen):
                client.search_services("health")
        assert faulty.requests == 3  # the failing directory is left alone
        assert time.monotonic() - started < 0.1
        assert client.breaker.state == CircuitBreaker.OPEN


def test_breaker_half_opens_after_the_cooldown_and_recovers_by_itself():
    with FaultyDirectory("hang", hang_seconds=2) as faulty:
        client = DirectoryClient(faulty.url, read_timeout=0.2, retries=0, breaker=CircuitBreaker(failures=2, cooldown=0.5))
        for _ in range(2):
            with pytest.raises(DirectoryUnavailable):
                client.search_services("health")
        faulty.mode = "empty"  # the fault clears
        with pytest.raises(CircuitOpen):
            client.search_services("health")  # still cooling down
        time.sleep(0.6)
        assert client.breaker.state == CircuitBreaker.HALF_OPEN
        assert client.search_services("health") == []  # the trial call goes through and succeeds
        assert client.breaker.state == CircuitBreaker.CLOSED
        assert client.search_services("health") == []


def test_a_failed_trial_call_opens_the_breaker_again():
    with FaultyDirectory("garbage") as faulty:
        client = DirectoryClient(faulty.url, retries=0, breaker=CircuitBreaker(failures=1, cooldown=0.3))
        with pytest.raises(DirectoryUnavailable):
            client.search_services("health")
        time.sleep(0.35)
        with pytest.raises(DirectoryUnavailable):
            client.search_services("health")  # the trial: garbage again
        assert client.breaker.state == CircuitBreaker.OPEN
        with pytest.raises(CircuitOpen):
            client.search_services("health")
        assert faulty.requests == 2


def test_half_open_lets_exactly_one_trial_through():
    now = [0.0]
    breaker = CircuitBreaker(failures=1, cooldown=10, clock=lambda: now[0])
    breaker.record_failure()
    with pytest.raises(CircuitOpen):
        breaker.before_call()
    now[0] = 10.5
    breaker.before_call()  # the trial
    with pytest.raises(CircuitOpen):
        breaker.before_call()  # others wait for its outcome
    breaker.record_success()
    breaker.before_call()
    assert breaker.state == CircuitBreaker.CLOSED


def test_refused_questions_do_not_open_the_breaker(directory_api):
    client = DirectoryClient(directory_api, breaker=CircuitBreaker(failures=2, cooldown=60))
    for _ in range(4):
        with pytest.raises(DirectoryUnavailable):
            client.search_services("no-such-term")  # a 400: the directory works
    assert client.breaker.state == CircuitBreaker.CLOSED
    assert client.search_services("health")


def test_breaker_is_configured_from_the_environment(monkeypatch):
    monkeypatch.setenv("DIRECTORY_BREAKER_FAILURES", "7")
    monkeypatch.setenv("DIRECTORY_BREAKER_COOLDOWN", "2.5")
    client = DirectoryClient.from_environment()
    assert (client.breaker.threshold, client.breaker.cooldown) == (7, 2.5)
