"""A second, separate stack for fault injection and hostile input, so that faults, fuzzing and
the rate limit of the main test stack never disturb each other:

    Rasa (REST) -> action server -> FaultyDirectory (forwards to the real directory in mode 'ok')

The breaker's cool-down is short here so that recovery can be watched within the test run.
"""

import re

import pytest
import requests

from faulty_directory import FaultyDirectory
from production_stack import Datastores
from reliability_stack import BREAKER_COOLDOWN, BREAKER_FAILURES
from servers import ROOT, action_server, prepare_directory_database, rasa_server

# Every ${VAR} of credentials.yml must exist for Rasa to read it; empty means that channel is off.
CHANNEL_VARIABLES = sorted(set(re.findall(r"\$\{(\w+)\}", (ROOT / "credentials.yml").read_text())))


@pytest.fixture(scope="session")
def postgres_database():
    """A real PostgreSQL (scripts/datastores) with the demo city, for the directory's database-level checks."""
    stores = Datastores()
    try:
        stores.run("start")
        url = stores.database_url(stores.env["POSTGRES_DIRECTORY_DB"])
        prepare_directory_database(url)
        yield url
    finally:
        stores.remove()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.servers)])
def database(request):
    """Each database the directory runs on: the test SQLite database (`make run`) and PostgreSQL (production)."""
    return request.getfixturevalue("directory_database" if request.param == "sqlite" else "postgres_database")


@pytest.fixture(scope="session")
def faulty_directory(directory_api):
    with FaultyDirectory("ok", hang_seconds=20, upstream=directory_api) as faulty:
        yield faulty


@pytest.fixture(scope="session")
def fault_actions(faulty_directory):
    server = action_server(
        faulty_directory.url,
        name="actions-faults",
        env={"DIRECTORY_BREAKER_FAILURES": str(BREAKER_FAILURES), "DIRECTORY_BREAKER_COOLDOWN": str(BREAKER_COOLDOWN)},
    ).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def fault_rasa(fault_actions, directory):
    env = {variable: "" for variable in CHANNEL_VARIABLES}
    # Fuzzing sends thousands of messages from one address: the limit itself is tested elsewhere.
    env.update({"REST_RATE_PER_MINUTE": "1000000", "REST_RATE_BURST": "100000"})
    server = rasa_server(fault_actions.url + "/webhook", cors_origin=directory.url, env=env, name="rasa-faults").start()
    yield server
    server.stop()


@pytest.fixture
def healthy(faulty_directory):
    """Each test starts and ends with a working directory."""
    faulty_directory.up()
    faulty_directory.mode = "ok"
    yield faulty_directory
    faulty_directory.up()
    faulty_directory.mode = "ok"


@pytest.fixture(scope="session")
def rest_session():
    with requests.Session() as session:
        yield session
