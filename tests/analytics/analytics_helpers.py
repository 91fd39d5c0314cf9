"""Helpers for the unmet-need analytics tests: Django scripts on the servers' database (tests/django_harness.py), the CSV export, reports, tables."""

import csv
import io
import sqlite3

import requests

import django_harness

CREATE_STAFF = """
import sys
from django.contrib.auth import get_user_model
from hsds.models import StaffProfile
User = get_user_model()
for line in sys.stdin.read().split():
    name, password, role = line.split(":")
    user, _ = User.objects.get_or_create(username=name, defaults={"is_staff": True})
    user.is_staff = True
    user.set_password(password)
    user.save()
    if role == "superuser":
        user.is_superuser = True
        user.save()
    elif role != "none":
        StaffProfile.objects.update_or_create(user=user, defaults={"role": role})
"""


def manage_shell(database_url: str, code: str, stdin: str = "") -> str:
    return django_harness.run_script(code, database_url, stdin=stdin).stdout


def counts(session: requests.Session, directory_url: str, **filters) -> dict:
    """The CSV export as {(week, language, category, need, neighbourhood, outcome): count}."""
    answer = session.get(directory_url + "/admin/unmet-needs/export.csv", params=filters, timeout=10)
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/csv"), answer.text[:300]
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8"))))
    return {(r["week"], r["language"], r["category"], r["need"], r["neighbourhood"], r["outcome"]): int(r["count"]) for r in rows}


def delta(before: dict, after: dict) -> dict:
    """Rows whose count changed, with the change."""
    return {key: after.get(key, 0) - before.get(key, 0) for key in set(before) | set(after) if after.get(key, 0) != before.get(key, 0)}


def post_report(directory_url: str, body, token, **kwargs) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return requests.post(directory_url + "/analytics/unmet-needs", json=body, headers=headers, timeout=10, **kwargs)


def analytics_tables(database_url: str) -> dict:
    """Every analytics table's columns and rows, read straight from the database file."""
    path = database_url[len("sqlite:///") :]
    with sqlite3.connect(path) as db:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table' AND name LIKE 'analytics_%'")]
        tables = {}
        for name in names:
            cursor = db.execute(f'SELECT * FROM "{name}"')
            tables[name] = ([c[0] for c in cursor.description], cursor.fetchall())
    return tables
