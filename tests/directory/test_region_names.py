"""Other names of a neighbourhood ("إيستغيت", "Істгейт" for Eastgate), added by an administrator in the
admin, audited, listed by GET /api/regions and accepted by `region=` (in-process, demo city)."""

import pytest

from admin_forms import client_for, staff
from django.test import Client  # noqa: E402
from hsds import audit  # noqa: E402
from hsds import models as m  # noqa: E402

pytestmark = pytest.mark.usefixtures("demo_city_database", "rolled_back")
ADD = "/admin/hsds/regionname/add/"


def names_in(client, **params) -> set:
    page = client.get("/api/services", {"per_page": 100, **params}, HTTP_HOST="localhost")
    assert page.status_code == 200, page.content
    return {s["name"] for s in page.json()["contents"]}


def test_an_administrator_adds_another_name_and_the_api_accepts_and_lists_it():
    admin = client_for(staff("ada", "administrator"))
    answer = admin.post(ADD, {"region": "eastgate", "name": "  إيستغيت "})
    assert answer.status_code == 302, answer.content[:2000]
    added = m.RegionName.objects.get()
    assert (added.region, added.name) == ("Eastgate", "إيستغيت")  # the addresses' spelling, spaces trimmed
    assert audit.history(added.pk).filter(updated_by="ada", via="admin", last_action_type="create").exists()

    api = Client(HTTP_HOST="localhost")
    regions = api.get("/api/regions").json()
    assert regions["alternative_names"] == {"إيستغيت": "Eastgate"} and "Eastgate" in regions["regions"]
    eastgate = names_in(api, region="Eastgate")
    assert eastgate and names_in(api, region="إيستغيت") == eastgate
    assert names_in(api, region="Eastgate") < names_in(api)


def test_a_name_for_a_neighbourhood_no_address_gives_is_refused_and_editors_may_not_add_names():
    admin = client_for(staff("ada", "administrator"))
    answer = admin.post(ADD, {"region": "Atlantis", "name": "Атлантида"})
    assert answer.status_code == 200 and "No address is in a neighbourhood called" in answer.content.decode()
    organization = m.Organization.objects.order_by("name").first()
    editor = client_for(staff("eddie", "editor", [organization]))
    assert editor.post(ADD, {"region": "Eastgate", "name": "Істгейт"}).status_code == 403
    assert not m.RegionName.objects.exists()
