"""Staff tokens and requests for the write-API tests (tests/directory/test_write_*.py).

Staff accounts and tokens are made by a Django script (tests/django_harness.py) in the test database;
every write test works on services it creates itself (the demo services other tests assert on stay as they are)."""

import json
import sqlite3
import uuid

import requests

import django_harness


MAKE_STAFF = """
import json, os
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
from hsds import models as m
spec = json.loads(os.environ["STAFF_SPEC"])
out = {}
for name, (role, org_ids) in spec.items():
    user, _ = User.objects.get_or_create(username=name, defaults={"email": name + "@staff.example"})
    if role == "administrator":
        user.is_superuser = True
        user.save()
    else:
        profile, _ = m.StaffProfile.objects.get_or_create(user=user)
        profile.role = role
        profile.save()
        profile.organizations.set(m.Organization.objects.filter(id__in=org_ids))
    out[name] = Token.objects.get_or_create(user=user)[0].key
print("TOKENS" + json.dumps(out))
"""


def make_staff(database_url: str, spec: dict) -> dict:
    """{username: (role, [organization ids])} → {username: token}; one Django script run."""
    result = django_harness.run_script(MAKE_STAFF, database_url, env={"STAFF_SPEC": json.dumps(spec)}, timeout=120)
    line = next(x for x in result.stdout.splitlines() if x.startswith("TOKENS"))
    return json.loads(line[len("TOKENS") :])


def auth(tokens, who: str) -> dict:
    return {"Authorization": f"Token {tokens[who]['token']}"}


def call(method: str, url: str, headers=None, **kwargs):
    return requests.request(method, url, headers=headers or {}, timeout=15, **kwargs)


def new_service(orgs, **fields) -> dict:
    body = {
        "organization_id": orgs["own"],
        "name": f"Integration test service {uuid.uuid4().hex[:8]}",
        "description": "Created by the write API tests.",
        "phones": [{"number": "+44 20 7946 0321", "type": "voice"}],
        "schedules": [{"byday": "MO,WE", "opens_at": "09:00", "closes_at": "12:30"}],
        "languages": [{"code": "ar", "name": "Arabic"}],
        "required_documents": [{"document": "Passport"}, {"document": "Proof of address"}],
    }
    body.update(fields)
    return body


def changes(database_url: str, record_id: str) -> list:
    """ChangeRecords of a service (and its phones, hours, ...) straight from the test database."""
    path = database_url[len("sqlite:///") :]
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT last_action_type, field_name, updated_by, via FROM hsds_changerecord WHERE owner_id = ?",
            (uuid.UUID(record_id).hex,),
        ).fetchall()
    return rows
