"""Shared fixtures of the directory tests.

The write API over HTTP (test_write_*.py): organisations, staff tokens, a service of the test's own, a
throttled server. The staff admin in-process (test_admin_*.py, with `pytestmark =
pytest.mark.usefixtures("admin_database", "rolled_back")`): a throw-away database per module, each test's
writes rolled back, and a small city of staff and services. Import and export security (test_import_scoping.py,
test_export_contents.py, test_import_limits.py): the same with the demo city, its organisations `two` and a
`contact`.
"""

import uuid

import pytest
import requests

import django_harness
from hsds_checks import assert_valid
from servers import directory_server
from write_api_helpers import auth, call, make_staff, new_service


@pytest.fixture(scope="session")
def orgs(directory_api):
    page = requests.get(f"{directory_api}/organizations", params={"per_page": 100}, timeout=10).json()
    ids = [o["id"] for o in page["contents"]]
    return {"own": ids[0], "other": ids[1]}


@pytest.fixture(scope="session")
def tokens(directory_database, directory, orgs):
    """Made once for the write-API modules (users with a suffix of their own: the database is shared)."""
    suffix = uuid.uuid4().hex[:6]
    spec = {
        f"admin-{suffix}": ("administrator", []),
        f"editor-{suffix}": ("editor", [orgs["own"]]),
        f"other-editor-{suffix}": ("editor", [orgs["other"]]),
        f"viewer-{suffix}": ("viewer", []),
        f"burst-{suffix}": ("editor", [orgs["own"]]),
    }
    keys = make_staff(directory_database, spec)
    return {name.rsplit("-", 1)[0]: {"token": key, "username": name} for name, key in keys.items()}


@pytest.fixture
def created(directory_api, tokens, orgs, hsds_schema):
    response = call("POST", f"{directory_api}/services", auth(tokens, "editor"), json=new_service(orgs))
    assert response.status_code == 201, response.text
    assert_valid(response.json(), hsds_schema("service"))
    return response.json()


@pytest.fixture(scope="module")
def throttled_api(directory_database, directory):
    """A second directory server on the same database with a low write rate."""
    server = directory_server(directory_database, env={"DIRECTORY_WRITE_RATE": "3/min"}).start()
    yield server.url + "/api"
    server.stop()


@pytest.fixture(scope="module")
def admin_database(tmp_path_factory):
    """A throw-away database of the module's own with the taxonomy (tests/django_harness.py), never the servers' one."""
    django_harness.setup()
    from django.test.utils import override_settings

    with django_harness.throwaway_database(tmp_path_factory.mktemp("admin"), demo_city=False):
        # Test passwords need no slow hashing.
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            yield


@pytest.fixture
def rolled_back():
    """Each test's writes are rolled back (like django.test.TestCase)."""
    with django_harness.rolled_back():
        yield


@pytest.fixture
def city():
    from admin_forms import make_city

    return make_city()


@pytest.fixture(scope="module")
def demo_city_database(tmp_path_factory):
    """A throw-away database of the module's own with the demo city (tests/django_harness.py)."""
    django_harness.setup()
    with django_harness.throwaway_database(tmp_path_factory.mktemp("import-security")):
        yield


@pytest.fixture
def two():
    """Organisation A (with a service and a location) and another organisation B with a location of its own."""
    from hsds import models as m

    a_service = m.Service.objects.filter(organization__locations__isnull=False).order_by("id").first()
    a = a_service.organization
    b_location = m.Location.objects.exclude(organization=a).exclude(organization=None).order_by("id").first()
    assert a_service and b_location, "the demo city has two organisations with locations"
    return a, a_service, b_location.organization, b_location


@pytest.fixture
def contact(two):
    from hsds import models as m

    a, a_service, b, b_location = two
    m.ExtraRecord.objects.create(entity="contacts", record_id="c-a", data={"service_id": str(a_service.id), "name": "Dana Private", "email": "dana@example.org", "title": "Counsellor"})
    m.ExtraRecord.objects.create(entity="contacts", record_id="c-b", data={"organization_id": str(b.id), "name": "Bo Private", "email": "bo@example.org"})
    m.ExtraRecord.objects.create(entity="metadata", record_id="md-1", data={"updated_by": "Staff Name", "resource_id": str(a.id)})
    m.ExtraRecord.objects.create(entity="notes", record_id="n-1", data={"text": "internal"})
    return two
