"""Fixtures for the unmet-need analytics tests: staff accounts of each role and their logged-in sessions."""

import secrets
import uuid

import pytest
import requests

from analytics_helpers import CREATE_STAFF, manage_shell


@pytest.fixture(scope="session")
def analytics_token(directory, actions) -> str:
    """The token both session servers were started with (tests/conftest.py)."""
    token = directory.env["DIRECTORY_ANALYTICS_TOKEN"]
    assert token and actions.env["DIRECTORY_ANALYTICS_TOKEN"] == token
    return token


@pytest.fixture(scope="session")
def staff_accounts(directory_database):
    """name -> password for an administrator, an editor, a viewer and a staff account without a role."""
    suffix = uuid.uuid4().hex[:6]
    accounts = {role: (f"analytics-{role}-{suffix}", secrets.token_urlsafe(12)) for role in ("administrator", "editor", "viewer", "none")}
    manage_shell(directory_database, CREATE_STAFF, "\n".join(f"{name}:{password}:{role}" for role, (name, password) in accounts.items()))
    return accounts


@pytest.fixture(scope="session")
def staff_session(directory, staff_accounts):
    """A logged-in requests.Session for a role."""
    sessions = {}

    def login(role: str) -> requests.Session:
        if role not in sessions:
            name, password = staff_accounts[role]
            session = requests.Session()
            session.get(directory.url + "/admin/login/", timeout=10)
            answer = session.post(
                directory.url + "/admin/login/?next=/admin/",
                data={"username": name, "password": password, "csrfmiddlewaretoken": session.cookies["csrftoken"], "next": "/admin/"},
                headers={"Referer": directory.url + "/admin/login/"},
                timeout=10,
            )
            assert answer.status_code == 200 and "sessionid" in session.cookies, f"login as {role} failed"
            sessions[role] = session
        return sessions[role]

    return login
