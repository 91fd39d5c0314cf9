import json
import os

import pytest
import yaml

from servers import ROOT, action_server, directory_server, free_port, prepare_directory_database, rasa_server

HSDS_SCHEMA_DIR = ROOT.parent / "shared" / "hsds" / "schema"
# Shared by the action server (reports unmet needs) and the directory (requires it): tests/analytics.
ANALYTICS = {"DIRECTORY_ANALYTICS_TOKEN": "analytics-token-for-tests"}
# Rasa's telemetry and error reports would try outside hosts; tests never leave loopback.
os.environ["RASA_TELEMETRY_ENABLED"] = "false"


@pytest.fixture(scope="session")
def directory_database(tmp_path_factory) -> str:
    database_url = f"sqlite:///{tmp_path_factory.mktemp('directory') / 'directory.sqlite3'}"
    prepare_directory_database(database_url)
    return database_url


@pytest.fixture(scope="session")
def rasa_port() -> int:
    """Chosen before the servers start: the directory's chat page must know where Rasa is."""
    return free_port()


@pytest.fixture(scope="session")
def directory(directory_database, rasa_port):
    """The real directory server (gunicorn) with the demo city, on a free loopback port."""
    server = directory_server(directory_database, rasa_public_url=f"http://127.0.0.1:{rasa_port}")
    server.env.update(ANALYTICS)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def directory_api(directory) -> str:
    return directory.url + "/api"


@pytest.fixture(scope="session")
def actions(directory_api):
    server = action_server(directory_api)
    server.env.update(ANALYTICS)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def providers():
    """Fake Telegram / Twilio / Meta APIs on loopback, recording what the assistant sends."""
    from fake_providers import FakeProviders

    fake = FakeProviders().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def channel_settings(providers, rasa_port) -> dict:
    """Every messaging channel switched on, talking to the fake providers."""
    webhook = f"http://127.0.0.1:{rasa_port}/webhooks"
    return {
        "TELEGRAM_ACCESS_TOKEN": "123456789:TEST-token_for-the-fake-telegram-api",
        "TELEGRAM_SECRET_TOKEN": "telegram-secret-for-tests",
        "TELEGRAM_WEBHOOK_URL": f"{webhook}/telegram/webhook",
        "TELEGRAM_API_BASE_URL": providers.url,
        "TWILIO_ACCOUNT_SID": "AC00000000000000000000000000000000",
        "TWILIO_AUTH_TOKEN": "twilio-auth-token-for-tests",
        "TWILIO_SMS_NUMBER": "+442079460999",
        "TWILIO_SMS_WEBHOOK_URL": f"{webhook}/twilio/webhook",
        "TWILIO_WHATSAPP_NUMBER": "whatsapp:+442079460998",
        "TWILIO_WHATSAPP_WEBHOOK_URL": f"{webhook}/twilio_whatsapp/webhook",
        "TWILIO_API_BASE_URL": providers.url,
        "WHATSAPP_ACCESS_TOKEN": "whatsapp-access-token-for-tests",
        "WHATSAPP_PHONE_NUMBER_ID": "1234567890",
        "WHATSAPP_APP_SECRET": "whatsapp-app-secret-for-tests",
        "WHATSAPP_VERIFY_TOKEN": "whatsapp-verify-token-for-tests",
        "WHATSAPP_API_BASE_URL": providers.url + "/v19.0",
        "MESSENGER_PAGE_ACCESS_TOKEN": "messenger-page-token-for-tests",
        "MESSENGER_APP_SECRET": "messenger-app-secret-for-tests",
        "MESSENGER_VERIFY_TOKEN": "messenger-verify-token-for-tests",
        "MESSENGER_API_BASE_URL": providers.url + "/v19.0",
        # Generous enough for the whole suite from one address; the limit itself is tested.
        "REST_RATE_PER_MINUTE": "600",
        "REST_RATE_BURST": "60",
    }


@pytest.fixture(scope="session")
def rasa(actions, directory, rasa_port, channel_settings):
    server = rasa_server(actions.url + "/webhook", cors_origin=directory.url, port=rasa_port, env=channel_settings).start()
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


# --- test tiers ---------------------------------------------------------------------------------------
# `make test-fast` runs what needs no server, browser, datastore or trained model (pytest -m fast); `make test`
# runs all. A test is in the slow tier when it carries the `servers` marker: set here for every test that uses
# (even through another fixture) a fixture below, and written by the modules that start their own stacks,
# browsers or models (`pytestmark = pytest.mark.servers`) or by a parameter that needs one. Every other test
# is marked `fast`. tests/test_tiers.py checks the fast tier's collection against what the code starts.
SERVER_FIXTURES = {
    "directory",
    "directory_api",
    "actions",
    "rasa",
    "providers",
    "rasa_port",
    "production_directory",
    "tls_proxy",
    "two_directories",
    "stores",
    "postgres_database",
}


def pytest_configure(config):
    if config.option.markexpr.strip() == "fast":  # servers.refuse_in_fast_tier holds the tier to its promise
        os.environ["NEWCOMER_FAST_TIER"] = "1"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if SERVER_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.servers)
        if not item.get_closest_marker("servers"):
            item.add_marker(pytest.mark.fast)
