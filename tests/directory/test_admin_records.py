"""The staff admin in-process (Django's test client, a throw-away database: tests/django_harness.py):
the audit trail of admin writes, retire/restore instead of delete, verification, optimistic concurrency
and the same for locations."""

import datetime

import pytest

from admin_forms import change_url, client_for, form_data, save
from django.utils import timezone  # noqa: E402
from hsds import audit  # noqa: E402
from hsds import models as m  # noqa: E402

pytestmark = pytest.mark.usefixtures("admin_database", "rolled_back")


def test_admin_edits_leave_change_records_naming_the_staff_member(city):
    editor = client_for(city["editor"])
    service = city["mine"]
    version = service.version
    response = save(
        editor,
        service,
        phones__0__number="+44 20 7946 0555",
        schedules__0__opens_at="08:30",
        schedules__0__closes_at="16:00",
        schedules__0__byday=["MO", "WE", "FR"],
        translations__TOTAL_FORMS="1",
        translations__0__language="es",
        translations__0__name="Cuidado dental",
        translations__0__description="Dentista del puerto.",
        categories=[str(m.TaxonomyTerm.objects.get(code="health-doctor").pk)],
    )
    assert response.status_code == 302, response.context and [response.context["adminform"].form.errors, [f.errors for f in response.context["inline_admin_formsets"]]]
    service.refresh_from_db()
    assert service.version == version + 1
    assert service.phones.get().number == "+442079460555"
    schedule = service.schedules.get()
    assert (schedule.byday, schedule.opens_at, schedule.closes_at) == ("MO,WE,FR", datetime.time(8, 30), datetime.time(16))
    assert service.translations.get().name == "Cuidado dental"
    assert list(m.Attribute.objects.filter(link_id=service.pk).values_list("taxonomy_term__code", flat=True)) == ["health-doctor"]

    changes = audit.history(service.pk).exclude(updated_by="fixture")
    assert changes.exists() and set(changes.values_list("updated_by", "via").distinct()) == {("eddie", "admin")}
    phone = changes.get(resource_type="phone", field_name="number")
    assert (phone.previous_value, phone.replacement_value) == ("+442079460100", "+442079460555")
    assert changes.filter(resource_type="schedule", field_name="opens_at", replacement_value="08:30:00").exists()
    assert changes.filter(resource_type="service_translation", last_action_type="create").exists()
    assert changes.filter(resource_type="attribute", last_action_type="delete").exists()
    assert changes.filter(resource_type="attribute", last_action_type="create").exists()

    history = editor.get(f"/admin/hsds/service/{service.pk}/history/")
    assert history.status_code == 200
    assert "+442079460100" in history.text and "+442079460555" in history.text and "eddie" in history.text


def test_unchanged_save_changes_no_field(city):
    admin = client_for(city["admin"])
    assert save(admin, city["mine"]).status_code == 302
    changes = audit.history(city["mine"].pk).filter(updated_by="ada")
    assert not changes.exclude(resource_type="service").exists(), list(changes.values_list("resource_type", "field_name"))


def test_validation_errors_are_shown_in_plain_words(city):
    editor = client_for(city["editor"])
    response = save(editor, city["mine"], phones__0__number="+33 12", schedules__0__opens_at="18:00")
    assert response.status_code == 200
    assert "is not a valid phone number" in response.text and "must be after opening time" in response.text
    assert city["mine"].phones.get().number == "+442079460100"


def test_services_are_never_deleted_but_retired_and_restored(city):
    admin = client_for(city["admin"])
    service = city["mine"]
    assert admin.get(f"/admin/hsds/service/{service.pk}/delete/").status_code == 403
    assert admin.post(f"/admin/hsds/service/{service.pk}/delete/", {"post": "yes"}).status_code == 403
    listing = admin.get("/admin/hsds/service/")
    assert 'value="delete_selected"' not in listing.text and 'value="retire"' in listing.text

    response = admin.post("/admin/hsds/service/", {"action": "retire", "_selected_action": [str(service.pk)]})
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.status == "inactive"
    retire = audit.history(service.pk).get(last_action_type="retire")
    assert (retire.updated_by, retire.via, retire.previous_value, retire.replacement_value) == ("ada", "admin", "active", "inactive")
    page = admin.get(change_url(service))
    assert ">Restore</button>" in page.text

    editor = client_for(city["editor"])
    assert editor.post(f"/admin/hsds/service/{service.pk}/restore/").status_code == 302
    service.refresh_from_db()
    assert service.status == "active"
    assert audit.history(service.pk).filter(last_action_type="restore", updated_by="eddie").exists()
    assert editor.get(f"/admin/hsds/service/{service.pk}/restore/").status_code == 405


def test_mark_as_verified_today(city):
    editor = client_for(city["editor"])
    service = city["mine"]
    service.assured_date = None
    service.save()
    assert editor.post(f"/admin/hsds/service/{service.pk}/verify/").status_code == 302
    service.refresh_from_db()
    assert service.assured_date == timezone.localdate() and service.assurer_email == "eddie@harbour.example"
    assert audit.history(service.pk).filter(field_name="assured_date", updated_by="eddie").exists()
    admin = client_for(city["admin"])
    admin.post("/admin/hsds/service/", {"action": "mark_verified", "_selected_action": [str(city["other"].pk)]})
    city["other"].refresh_from_db()
    assert city["other"].assured_date == timezone.localdate() and city["other"].assurer_email == "ada@city.example"


def test_concurrent_edits_do_not_overwrite_each_other(city):
    service = city["mine"]
    first, second = client_for(city["editor"]), client_for(city["admin"])
    first_page, second_page = first.get(change_url(service)), second.get(change_url(service))
    assert first.post(change_url(service), form_data(first_page, name="Harbour Dental (first)")).status_code == 302
    response = second.post(change_url(service), form_data(second_page, name="Harbour Dental (second)", phones__0__number="+442079460777"))
    assert response.status_code == 200
    assert "Someone else changed this service since you opened it" in response.text
    service.refresh_from_db()
    assert service.name == "Harbour Dental (first)" and service.phones.get().number == "+442079460100"
    # Opened again, the second staff member's save goes through.
    assert save(second, service, name="Harbour Dental (second)").status_code == 302
    service.refresh_from_db()
    assert service.name == "Harbour Dental (second)"


def test_a_form_without_its_version_is_refused(city):
    admin = client_for(city["admin"])
    data = form_data(admin.get(change_url(city["mine"])), name="No version")
    data.pop("loaded_version")
    response = admin.post(change_url(city["mine"]), data)
    assert response.status_code == 200 and "Someone else changed this service" in response.text


def test_locations_are_scoped_versioned_and_never_deleted(city):
    ours = m.Location.objects.create(organization=city["ours"], name="Harbour Surgery", latitude="47.01", longitude="8.01")
    theirs = m.Location.objects.create(organization=city["theirs"], name="Hilltop Surgery")
    editor, admin = client_for(city["editor"]), client_for(city["admin"])
    assert editor.get(f"/admin/hsds/location/{theirs.pk}/change/").status_code == 404
    url = f"/admin/hsds/location/{ours.pk}/change/"
    editor_page, admin_page = editor.get(url), admin.get(url)
    assert editor.post(url, form_data(editor_page, "location_form", name="Harbour Surgery East")).status_code == 302
    response = admin.post(url, form_data(admin_page, "location_form", name="Harbour Surgery West"))
    assert response.status_code == 200 and "Someone else changed this location since you opened it" in response.text
    ours.refresh_from_db()
    assert ours.name == "Harbour Surgery East"
    assert audit.history(ours.pk).filter(field_name="name", updated_by="eddie", via="admin").exists()
    assert admin.get(f"/admin/hsds/location/{ours.pk}/delete/").status_code == 403
    # An editor's new location must belong to their organisation.
    page = editor.get("/admin/hsds/location/add/")
    response = editor.post("/admin/hsds/location/add/", form_data(page, "location_form", name="Nowhere", organization=""))
    assert response.status_code == 200 and not m.Location.objects.filter(name="Nowhere").exists()
