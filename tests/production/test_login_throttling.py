"""Failed admin logins are counted in the production profile's Redis (REDIS_HOST set), so every
directory process (gunicorn workers, Kubernetes pods) refuses a locked-out username and address, not
only the one that saw the failures; with Redis down, staff can still log in with the right password.

Redis (and PostgreSQL) are started by scripts/datastores; two directory processes share them."""

import secrets
import uuid

import pytest
import requests
from production_stack import Datastores

import django_harness
from servers import directory_server

pytestmark = pytest.mark.timeout(300)
PASSWORD = "a-long-staff-passphrase-" + secrets.token_hex(4)
REFUSAL = "Too many failed logins"


@pytest.fixture(scope="module")
def stores():
    stores = Datastores()
    try:
        stores.run("start")
        yield stores
    finally:
        stores.remove()


@pytest.fixture(scope="module")
def two_directories(stores, directory_database):
    env = {name: stores.env[name] for name in ("REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD")}
    env.update({"DIRECTORY_LOGIN_FAILURES": "2", "DIRECTORY_LOGIN_WINDOW_SECONDS": "600"})
    servers = []
    try:
        for _ in range(2):
            servers.append(directory_server(directory_database, env=env).start())
        yield servers
    finally:
        for server in servers:
            server.stop()


@pytest.fixture(scope="module")
def staff(directory_database):
    names = [f"throttle-{n}-{uuid.uuid4().hex[:6]}" for n in range(2)]
    code = "from django.contrib.auth.models import User\n" + "".join(f"User.objects.create_superuser({name!r}, password={PASSWORD!r})\n" for name in names)
    django_harness.run_script(code, directory_database, timeout=120)
    return names


def log_in(server, username: str, password: str) -> requests.Response:
    with requests.Session() as session:
        session.get(server.url + "/admin/login/", timeout=10)
        return session.post(
            server.url + "/admin/login/?next=/admin/",
            data={"username": username, "password": password, "csrfmiddlewaretoken": session.cookies["csrftoken"], "next": "/admin/"},
            headers={"Referer": server.url + "/admin/login/"},
            timeout=10,
            allow_redirects=False,
        )


def test_failures_on_one_process_lock_the_account_out_of_the_others(two_directories, staff):
    first, second = two_directories
    for _ in range(2):
        assert log_in(first, staff[0], "not-the-password").status_code == 200
    refused = log_in(second, staff[0], PASSWORD)
    assert refused.status_code == 200 and REFUSAL in refused.text


def test_with_redis_down_the_right_password_still_logs_in(two_directories, staff, stores):
    first, _ = two_directories
    stores.run("stop-redis")
    try:
        answer = log_in(first, staff[1], PASSWORD)
        assert answer.status_code == 302 and answer.headers["Location"] == "/admin/"
        assert log_in(first, staff[1], "not-the-password").status_code == 200
    finally:
        stores.run("start")
    assert "Login throttling unavailable" in first.tail(200)
