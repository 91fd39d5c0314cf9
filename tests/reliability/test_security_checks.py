"""Security checks against the real servers: Rasa's HTTP API is off (or token-protected), CORS only
for configured origins, the directory refuses anonymous writes and shows no debug pages."""

import re
import uuid

import pytest
import requests

from bot_client import rest_url
from servers import ROOT

# Rasa's HTTP API (rasa.server): with --enable-api and no token these would read any conversation,
# inject events or replace the model (CVE-2024-49375 was reachable through them).
RASA_API = [
    ("GET", "/status"),
    ("GET", "/version"),
    ("GET", "/domain"),
    ("GET", "/conversations/someone/tracker"),
    ("POST", "/conversations/someone/tracker/events"),
    ("POST", "/conversations/someone/messages"),
    ("POST", "/conversations/someone/trigger_intent"),
    ("POST", "/model/parse"),
    ("PUT", "/model"),
    ("DELETE", "/model"),
    ("POST", "/model/train"),
]


def procfile_command(name: str) -> str:
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith(f"{name}:"):
            return line
    raise KeyError(name)


def test_procfile_starts_rasa_without_an_open_http_api():
    rasa = procfile_command("rasa")
    assert "--enable-api" not in rasa or re.search(r"--auth-token \S+|--jwt-secret \S+", rasa)


@pytest.mark.parametrize("method,path", RASA_API)
def test_rasa_http_api_is_not_reachable(rasa, method, path):
    response = requests.request(method, rasa.url + path, json={"text": "hi", "name": "greet", "event": "restart"}, timeout=10)
    assert response.status_code in (401, 403, 404, 405), (method, path, response.status_code, response.text[:200])


def test_rest_cors_only_for_the_configured_origin(rasa, directory):
    url = rest_url(rasa)
    message = {"sender": f"cors-{uuid.uuid4()}", "message": "hello"}
    allowed = requests.post(url, json=message, headers={"Origin": directory.url}, timeout=30)
    assert allowed.headers.get("Access-Control-Allow-Origin") == directory.url
    for origin in ("http://evil.example", "null", directory.url + ".evil.example", "http://127.0.0.1:1"):
        response = requests.post(url, json=message, headers={"Origin": origin}, timeout=30)
        assert response.headers.get("Access-Control-Allow-Origin") in (None, ""), origin
        preflight = requests.options(url, headers={"Origin": origin, "Access-Control-Request-Method": "POST"}, timeout=10)
        assert preflight.headers.get("Access-Control-Allow-Origin") in (None, ""), origin


def test_socketio_is_off_for_every_origin(rasa, directory):
    """Rasa's Socket.IO checked no origin and let clients pick session ids: it is not served at all."""
    handshake = f"{rasa.url}/socket.io/?EIO=4&transport=polling"
    for origin in (directory.url, "http://evil.example", None):
        response = requests.get(handshake, headers={"Origin": origin} if origin else {}, timeout=10)
        assert response.status_code == 404 and '"sid"' not in response.text, (origin, response.status_code)
    # Nothing can be sent into a conversation through it either.
    posted = requests.post(handshake + "&sid=someone-elses", data="40", headers={"Origin": "http://evil.example"}, timeout=10)
    assert posted.status_code == 404


def _some_ids(directory_api):
    service = requests.get(f"{directory_api}/services", params={"per_page": 1}, timeout=10).json()["contents"][0]
    organization = requests.get(f"{directory_api}/organizations", params={"per_page": 1}, timeout=10).json()["contents"][0]
    return service["id"], organization["id"]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_directory_refuses_anonymous_writes(directory_api, method):
    service_id, organization_id = _some_ids(directory_api)
    paths = ["services", f"services/{service_id}", "organizations", f"organizations/{organization_id}", "taxonomies", "taxonomy_terms", "service_at_locations", "no-such-endpoint"]
    body = {"id": str(uuid.uuid4()), "name": "Injected", "status": "active", "organization_id": organization_id, "is_staff": True}
    for path in paths:
        response = requests.request(method, f"{directory_api}/{path}", json=body, timeout=10)
        assert response.status_code in (401, 403, 404, 405), (method, path, response.status_code)
        assert response.status_code != 404 or path == "no-such-endpoint", (method, path)
    # Nothing changed.
    after = requests.get(f"{directory_api}/services/{service_id}", timeout=10)
    assert after.status_code == 200 and after.json()["name"] != "Injected"


def test_directory_shows_no_debug_pages(directory, directory_api):
    for url in (directory.url + "/no-such-page", directory_api + "/services/%00", directory.url + "/admin/../../etc/passwd"):
        response = requests.get(url, timeout=10)
        assert response.status_code < 500, url
        assert "Traceback" not in response.text and "DEBUG = True" not in response.text and "settings.py" not in response.text, url
