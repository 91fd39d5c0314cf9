"""The staff admin, in-process with Django's test client against a throw-away test database.

Roles and scoping (an editor cannot see or change another organisation's service), the audit trail of
admin writes, retire/restore instead of delete, optimistic concurrency, the stale and missing-translation
pages and the create_staff command. The other directory tests talk to the real server; this module only
sets DJANGO_SETTINGS_MODULE (as manage.py does) and works in a throw-away database of its own
(tests/django_harness.py), never in the database the servers use.
"""
import datetime
import io
import os
from html.parser import HTMLParser

import pytest

import django_harness  # noqa: E402

django_harness.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import CommandError, call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from hsds import audit  # noqa: E402
from hsds import models as m  # noqa: E402

User = get_user_model()


@pytest.fixture(scope="module", autouse=True)
def test_database(tmp_path_factory):
    """A throw-away database of this module's own with the taxonomy (tests/django_harness.py)."""
    with django_harness.throwaway_database(tmp_path_factory.mktemp("admin"), demo_city=False):
        # Test passwords need no slow hashing.
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            yield


@pytest.fixture(autouse=True)
def rollback():
    """Each test's writes are rolled back (like django.test.TestCase)."""
    with django_harness.rolled_back():
        yield


def make_service(org, name, **fields):
    service = m.Service.objects.create(organization=org, name=name, description=f"About {name}.", **fields)
    m.Phone.objects.create(service=service, number="+442079460100")
    m.Schedule.objects.create(service=service, byday="MO,TU", opens_at=datetime.time(9), closes_at=datetime.time(17))
    m.Language.objects.create(service=service, code="en")
    term = m.TaxonomyTerm.objects.get(code="health-dentist")
    m.Attribute.objects.create(link_id=service.id, link_entity="service", link_type="category", taxonomy_term=term)
    return service


def staff(username, role, organizations=(), email=""):
    user = User.objects.create_user(username, email=email or f"{username}@city.example", password="pw", is_staff=True)
    profile = m.StaffProfile.objects.create(user=user, role=role)
    profile.organizations.set(organizations)
    return user


@pytest.fixture
def city():
    ours = m.Organization.objects.create(name="Harbour Dental", description="Ours.")
    theirs = m.Organization.objects.create(name="Hilltop Clinic", description="Theirs.")
    with audit.acting_as("fixture", "system"):
        mine = make_service(ours, "Harbour Dental Care", assured_date=timezone.localdate())
        other = make_service(theirs, "Hilltop Walk-in", assured_date=timezone.localdate() - datetime.timedelta(days=400))
    users = {
        "admin": staff("ada", "administrator"),
        "editor": staff("eddie", "editor", [ours], email="eddie@harbour.example"),
        "viewer": staff("vera", "viewer"),
    }
    return {"ours": ours, "theirs": theirs, "mine": mine, "other": other, **users}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def change_url(service) -> str:
    return f"/admin/hsds/service/{service.pk}/change/"


class FormFields(HTMLParser):
    """What a browser would submit for the form with `form_id` (inputs, checked boxes, selects, textareas)."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.data = form_id, False, []
        self.select, self.textarea, self.text = None, None, ""
        self.select_multiple, self.first_option = False, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.data.append((name, attrs.get("value", "on" if attrs.get("type") == "checkbox" else "")))
        elif tag == "select" and name:
            self.select, self.select_multiple, self.first_option, self.chosen = name, "multiple" in attrs, None, False
        elif tag == "option" and self.select:
            value = attrs.get("value", "")
            if self.first_option is None:
                self.first_option = value
            if "selected" in attrs:
                self.data.append((self.select, value))
                self.chosen = True
        elif tag == "textarea" and name:
            self.textarea, self.text = name, ""

    def handle_data(self, data):
        if self.textarea:
            self.text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select:
            if not self.chosen and not self.select_multiple and self.first_option is not None:
                self.data.append((self.select, self.first_option))
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.data.append((self.textarea, self.text.lstrip("\n")))
            self.textarea = None


def form_data(response, form_id="service_form", **changes) -> dict:
    """The submitted form as a dict (lists for repeated names), with `changes` applied."""
    assert response.status_code == 200, response.status_code
    parser = FormFields(form_id)
    parser.feed(response.content.decode())
    data = {}
    for name, value in parser.data:
        data.setdefault(name, []).append(value)
    for name, value in changes.items():
        data[name.replace("__", "-")] = value if isinstance(value, list) else [value]
    return data


def save(client, service, **changes):
    page = client.get(change_url(service))
    return client.post(change_url(service), form_data(page, **changes))


# --- roles and scoping -------------------------------------------------------------------------------


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


# --- audit trail, history ----------------------------------------------------------------------------


def test_admin_edits_leave_change_records_naming_the_staff_member(city):
    editor = client_for(city["editor"])
    service = city["mine"]
    version = service.version
    response = save(
        editor, service,
        phones__0__number="+44 20 7946 0555",
        schedules__0__opens_at="08:30", schedules__0__closes_at="16:00", schedules__0__byday=["MO", "WE", "FR"],
        translations__TOTAL_FORMS="1", translations__0__language="es", translations__0__name="Cuidado dental",
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


# --- nothing lost: no delete, retire / restore -------------------------------------------------------


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


# --- optimistic concurrency --------------------------------------------------------------------------


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


# --- list filters, staff pages -----------------------------------------------------------------------


def test_service_list_search_and_filters(city):
    admin = client_for(city["admin"])
    m.Language.objects.create(service=city["other"], code="ar")
    m.ServiceTranslation.objects.create(service=city["mine"], language="es", name="Dentista", description="Del puerto.")

    def names(**params):
        response = admin.get("/admin/hsds/service/", params)
        assert response.status_code == 200
        return {s.name for s in response.context["cl"].result_list}

    assert names(q="Hilltop") == {"Hilltop Walk-in"}
    assert names(category="health") == {"Harbour Dental Care", "Hilltop Walk-in"}
    assert names(category="housing") == set()
    assert names(spoken="ar") == {"Hilltop Walk-in"}
    assert names(verified="stale") == {"Hilltop Walk-in"}
    assert names(verified="fresh") == {"Harbour Dental Care"}
    assert names(untranslated="es") == {"Hilltop Walk-in"}
    assert names(untranslated="fr") == {"Harbour Dental Care", "Hilltop Walk-in"}
    assert names(organization__id__exact=str(city["ours"].pk)) == {"Harbour Dental Care"}
    assert names(status__exact="active") == {"Harbour Dental Care", "Hilltop Walk-in"}


def test_translation_languages_are_a_choice_of_the_content_languages(city):
    page = client_for(city["editor"]).get("/admin/hsds/service/add/")
    choices = [value for value, _ in page.context["inline_admin_formsets"][-1].formset.empty_form.fields["language"].choices]
    assert choices == ["", "es", "fr", "ar", "uk", "fa"]


def test_stale_services_page(city):
    old = make_service(city["ours"], "Old Harbour Help", assured_date=timezone.localdate() - datetime.timedelta(days=200))
    never = make_service(city["ours"], "Never Checked")
    admin = client_for(city["admin"])
    page = admin.get("/admin/stale-services/")
    assert page.status_code == 200
    listed = [row["service"].name for row in page.context["rows"]]
    assert listed == ["Never Checked", "Hilltop Walk-in", "Old Harbour Help"]
    assert "never" in page.text
    assert [r["service"].name for r in admin.get("/admin/stale-services/", {"days": "300"}).context["rows"]] == ["Never Checked", "Hilltop Walk-in"]
    assert "is not a number of days" in admin.get("/admin/stale-services/", {"days": "soon"}).text
    # Editors see only their organisations' stale services; retired services are not listed.
    old.status = "defunct"
    old.save()
    editor_page = client_for(city["editor"]).get("/admin/stale-services/")
    assert [r["service"].name for r in editor_page.context["rows"]] == [never.name]


def test_missing_translations_page(city):
    m.ServiceTranslation.objects.create(service=city["mine"], language="es", name="Dentista", description="Del puerto.")
    m.ServiceTranslation.objects.create(service=city["mine"], language="fr", name="Dentiste")
    page = client_for(city["admin"]).get("/admin/missing-translations/")
    assert page.status_code == 200
    rows = {row["service"].name: dict(row["missing"]) for row in page.context["rows"]}
    assert rows["Harbour Dental Care"] == {"French (fr)": ["description"], "Arabic (ar)": ["name", "description"],
                                           "Ukrainian (uk)": ["name", "description"], "Persian (Farsi/Dari) (fa)": ["name", "description"]}
    assert len(rows["Hilltop Walk-in"]) == 5
    spanish = client_for(city["admin"]).get("/admin/missing-translations/", {"language": "es"})
    assert [row["service"].name for row in spanish.context["rows"]] == ["Hilltop Walk-in"]
    editor_rows = client_for(city["editor"]).get("/admin/missing-translations/").context["rows"]
    assert [row["service"].name for row in editor_rows] == ["Harbour Dental Care"]


def test_index_links_to_the_staff_pages(city):
    page = client_for(city["viewer"]).get("/admin/")
    assert page.status_code == 200
    assert 'href="/admin/stale-services/"' in page.text and 'href="/admin/missing-translations/"' in page.text
    assert "/admin/import/" in page.text


# --- create_staff ------------------------------------------------------------------------------------


def run_command(*args, **env) -> str:
    out = io.StringIO()
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        call_command("create_staff", *args, stdout=out)
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return out.getvalue()


def test_create_staff_command(city):
    output = run_command("amira", "--role", "editor", "--organization", "harbour dental", "--email", "amira@city.example",
                         "--password-from-env", "TEST_STAFF_PASSWORD", "--token", TEST_STAFF_PASSWORD="harbour-s3cret-pass")
    user = User.objects.get(username="amira")
    assert user.is_staff and user.check_password("harbour-s3cret-pass") and user.email == "amira@city.example"
    assert user.staff_profile.role == "editor" and list(user.staff_profile.organizations.all()) == [city["ours"]]
    token = Token.objects.get(user=user).key
    assert f"API token: {token}" in output and "Created staff account 'amira'" in output
    # Running it again updates the account and shows the same token.
    output = run_command("amira", "--role", "editor", "--organization", str(city["theirs"].pk), "--token")
    assert f"API token: {token}" in output and "Updated" in output
    assert list(User.objects.get(username="amira").staff_profile.organizations.all()) == [city["theirs"]]
    assert User.objects.get(username="amira").check_password("harbour-s3cret-pass")
    # The new editor logs in through the login page and sees only the organisation's services.
    client = Client()
    client.post("/admin/login/", {"username": "amira", "password": "harbour-s3cret-pass"})
    assert client.get(change_url(city["other"])).status_code == 200
    assert client.get(change_url(city["mine"])).status_code == 404

    with pytest.raises(CommandError, match="No organisation named"):
        run_command("bob", "--role", "editor", "--organization", "Nowhere Ltd")
    with pytest.raises(CommandError, match="at least one --organization"):
        run_command("bob", "--role", "editor")
    # Weak passwords are refused (settings.AUTH_PASSWORD_VALIDATORS); the account is not created.
    for weak in ("s3cret-pass", "password1234", "8675309412345", "bobby-tables-bob"):
        with pytest.raises(CommandError, match="The password is refused"):
            run_command("bobby-tables", "--role", "viewer", "--password-from-env", "TEST_WEAK_PASSWORD", TEST_WEAK_PASSWORD=weak)
    assert not User.objects.filter(username="bobby-tables").exists()
    with pytest.raises(CommandError, match="TEST_MISSING_PASSWORD"):
        run_command("bob", "--role", "viewer", "--password-from-env", "TEST_MISSING_PASSWORD")
    output = run_command("vic", "--role", "viewer")
    assert "No password yet" in output and "API token" not in output and not Token.objects.filter(user__username="vic").exists()


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
