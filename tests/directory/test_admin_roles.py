"""The staff admin in-process (Django's test client, a throw-away database: tests/django_harness.py):
roles and scoping (an editor cannot see or change another organisation's service)."""

import pytest

from admin_forms import User, change_url, client_for, form_data, save
from django.test import Client  # noqa: E402
from hsds import models as m  # noqa: E402

pytestmark = pytest.mark.usefixtures("admin_database", "rolled_back")


def test_editor_sees_and_changes_only_their_organisations_services(city):
    editor = client_for(city["editor"])
    listing = editor.get("/admin/hsds/service/")
    assert listing.status_code == 200
    assert "Harbour Dental Care" in listing.text and "Hilltop Walk-in" not in listing.text
    other = city["other"]
    for url in (change_url(other), f"/admin/hsds/service/{other.pk}/history/", f"/admin/hsds/service/{other.pk}/delete/"):
        assert editor.get(url).status_code == 404, url
    assert editor.post(change_url(other), {"name": "Taken over"}).status_code == 404
    assert editor.post(f"/admin/hsds/service/{other.pk}/retire/").status_code == 404
    other.refresh_from_db()
    assert other.name == "Hilltop Walk-in" and other.status == "active"
    assert editor.get(f"/admin/hsds/organization/{city['theirs'].pk}/change/").status_code == 404
    # Their own service: a form with a save button; the organisation choices are theirs only.
    page = editor.get(change_url(city["mine"]))
    assert page.status_code == 200 and 'name="_save"' in page.text
    choices = page.context["adminform"].form.fields["organization"].queryset
    assert list(choices) == [city["ours"]]
    # Staff accounts are for administrators only.
    assert editor.get("/admin/auth/user/").status_code == 403
    assert editor.get("/admin/authtoken/tokenproxy/").status_code == 403


def test_editor_adds_services_only_for_their_organisations(city):
    editor = client_for(city["editor"])
    page = editor.get("/admin/hsds/service/add/")
    data = form_data(page, name="Night Dentist", description="Urgent dental care.", status="active")
    response = editor.post("/admin/hsds/service/add/", {**data, "organization": [str(city["theirs"].pk)]})
    assert response.status_code == 200 and "Select a valid choice" in response.text
    assert not m.Service.objects.filter(name="Night Dentist").exists()
    response = editor.post("/admin/hsds/service/add/", {**data, "organization": [str(city["ours"].pk)]})
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    created = m.Service.objects.get(name="Night Dentist")
    assert created.organization == city["ours"]
    assert m.ChangeRecord.objects.filter(resource_id=created.pk, last_action_type="create", updated_by="eddie", via="admin").exists()


def test_viewer_reads_everything_but_changes_nothing(city):
    viewer = client_for(city["viewer"])
    listing = viewer.get("/admin/hsds/service/")
    assert "Harbour Dental Care" in listing.text and "Hilltop Walk-in" in listing.text
    assert 'name="action"' not in listing.text  # no bulk actions
    page = viewer.get(change_url(city["other"]))
    assert page.status_code == 200 and 'name="_save"' not in page.text
    assert "Mark as verified today" not in page.text
    assert viewer.post(change_url(city["other"]), {"name": "Changed"}).status_code == 403
    assert viewer.get("/admin/hsds/service/add/").status_code == 403
    assert viewer.post(f"/admin/hsds/service/{city['other'].pk}/verify/").status_code == 403
    assert viewer.get(f"/admin/hsds/service/{city['other'].pk}/history/").status_code == 200
    city["other"].refresh_from_db()
    assert city["other"].name == "Hilltop Walk-in"


def test_administrator_changes_any_service_and_manages_staff(city):
    admin = client_for(city["admin"])
    response = save(admin, city["other"], name="Hilltop Walk-in Clinic")
    assert response.status_code == 302
    city["other"].refresh_from_db()
    assert city["other"].name == "Hilltop Walk-in Clinic"
    assert admin.get("/admin/auth/user/").status_code == 200
    assert "eddie" in admin.get("/admin/auth/user/").text
    page = admin.get(f"/admin/auth/user/{city['editor'].pk}/change/")
    assert page.status_code == 200 and "staff_profile-0-role" in page.text


def test_anonymous_and_roleless_users_get_nothing(city):
    assert Client().get(change_url(city["mine"])).status_code == 302  # to the login page
    nobody = User.objects.create_user("nobody", password="pw", is_staff=True)
    client = client_for(nobody)
    assert client.get("/admin/hsds/service/").status_code == 403
    assert client.get("/admin/stale-services/").status_code == 403
