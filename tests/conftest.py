import json
import os
from pathlib import Path

import pytest
import yaml

from servers import ROOT, action_server, directory_server, prepare_directory_database, rasa_server

HSDS_SCHEMA_DIR = ROOT.parent / "shared" / "hsds" / "schema"
# Rasa's telemetry and error reports would try outside hosts; tests never leave loopback.
os.environ["RASA_TELEMETRY_ENABLED"] = "false"


@pytest.fixture(scope="session")
def directory_database(tmp_path_factory) -> str:
    database_url = f"sqlite:///{tmp_path_factory.mktemp('directory') / 'directory.sqlite3'}"
    prepare_directory_database(database_url)
    return database_url


@pytest.fixture(scope="session")
def directory(directory_database):
    """The real directory server (gunicorn) with the demo city, on a free loopback port."""
    server = directory_server(directory_database).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def directory_api(directory) -> str:
    return directory.url + "/api"


@pytest.fixture(scope="session")
def actions(directory_api):
    server = action_server(directory_api).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def rasa(actions, directory):
    server = rasa_server(actions.url + "/webhook", cors_origin=directory.url).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def domain() -> dict:
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def hsds_schema():
    def load(name: str) -> dict:
        path = HSDS_SCHEMA_DIR / "compiled" / f"{name}.json"
        assert path.exists(), f"HSDS schema missing: {path} (../shared/hsds must sit beside the project)"
        return json.loads(path.read_text(encoding="utf-8"))

    return load


@pytest.fixture(scope="session")
def hsds_entity_schema():
    def load(name: str) -> dict:
        return json.loads((HSDS_SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8"))

    return load
