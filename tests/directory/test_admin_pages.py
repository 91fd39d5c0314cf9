"""The staff admin in-process (Django's test client, a throw-away database: tests/django_harness.py):
the service list's search and filters, the stale and missing-translation pages and the create_staff command."""

import datetime

import pytest

from admin_forms import User, change_url, client_for, make_service, run_command
from django.core.management import CommandError  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from hsds import models as m  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

pytestmark = pytest.mark.usefixtures("admin_database", "rolled_back")


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
    assert rows["Harbour Dental Care"] == {
        "French (fr)": ["description"],
        "Arabic (ar)": ["name", "description"],
        "Ukrainian (uk)": ["name", "description"],
        "Persian (Farsi/Dari) (fa)": ["name", "description"],
    }
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


def test_create_staff_command(city):
    output = run_command(
        "amira",
        "--role",
        "editor",
        "--organization",
        "harbour dental",
        "--email",
        "amira@city.example",
        "--password-from-env",
        "TEST_STAFF_PASSWORD",
        "--token",
        TEST_STAFF_PASSWORD="harbour-s3cret-pass",
    )
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
