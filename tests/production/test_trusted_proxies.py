"""The REST rate limit behind a proxy in front of the balancer (#14 item 7): through the real nginx the
production profile renders, each client has its own bucket when a trusted proxy (TRUSTED_PROXIES) names
it in X-Forwarded-For, and nobody else can pick a bucket by sending that header.

Loopback addresses stand in for the machines: 127.0.0.2 is the trusted proxy (an ingress), 127.0.0.3 a
client reaching the balancer directly. The limiter answers before the body is read (an empty JSON object
gets 400 when let through, 429 when not), so no turn is processed and the test is quick.
"""

import http.client
import json
import uuid

import pytest

from production_stack import balancer_server
from bot_client import REST_WEBHOOK
from servers import channels_off, free_port, rasa_server

pytestmark = pytest.mark.servers  # starts its own Rasa and nginx

PER_MINUTE = 3  # with a burst of 3: the fourth request of one client within the minute is refused
TRUSTED_PROXY, DIRECT_CLIENT = "127.0.0.2", "127.0.0.3"


def post_from(source: str, port: int, forwarded_for: str = "") -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(source, 0))
    headers = {"Content-Type": "application/json", **({"X-Forwarded-For": forwarded_for} if forwarded_for else {})}
    try:
        connection.request("POST", REST_WEBHOOK, body=json.dumps({}), headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.fixture(scope="module")
def balancer(tmp_path_factory):
    """One Rasa replica as `make run-prod` runs it (behind nginx, SANIC_PROXIES_COUNT=1) and nginx
    rendered with TRUSTED_PROXIES naming the stand-in ingress."""
    env = {**channels_off(), "SANIC_PROXIES_COUNT": "1", "REST_RATE_PER_MINUTE": str(PER_MINUTE), "REST_RATE_BURST": str(PER_MINUTE)}
    replica = rasa_server(f"http://127.0.0.1:{free_port()}/webhook", "http://127.0.0.1", env=env, name="rasa-behind-proxy").start()
    nginx = balancer_server(tmp_path_factory.mktemp("balancer"), [replica], env={"TRUSTED_PROXIES": f"{TRUSTED_PROXY}/32"})
    try:
        nginx.start()
        yield nginx
    finally:
        nginx.stop()
        replica.stop()


def client_address() -> str:
    return f"203.0.113.{uuid.uuid4().int % 250 + 1}"  # TEST-NET-3: never a real user


def test_clients_behind_a_trusted_proxy_each_have_their_own_bucket(balancer):
    first, second = "198.51.100.7", "198.51.100.8"
    statuses = [post_from(TRUSTED_PROXY, balancer.port, first) for _ in range(PER_MINUTE + 1)]
    assert statuses == [400] * PER_MINUTE + [429], statuses
    # Another user behind the same ingress is not held back by the first one's messages.
    assert post_from(TRUSTED_PROXY, balancer.port, second) == 400
    # The ingress appends to what the user sent: a forged first entry does not free the first user.
    assert post_from(TRUSTED_PROXY, balancer.port, f"{client_address()}, {first}") == 429


def test_a_client_cannot_choose_its_bucket_by_sending_the_header(balancer):
    statuses = [post_from(DIRECT_CLIENT, balancer.port, client_address()) for _ in range(PER_MINUTE + 1)]
    assert statuses == [400] * PER_MINUTE + [429], statuses
