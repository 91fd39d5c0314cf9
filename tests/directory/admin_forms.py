"""The staff admin's test helpers: staff and services made in the database, a logged-in client, the
form a browser would submit. Importing it sets Django up for the in-process tests (tests/django_harness.py),
so the admin test modules import it before any of Django's names.
"""

import datetime
import io
import os
from html.parser import HTMLParser

import django_harness

django_harness.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from hsds import audit  # noqa: E402
from hsds import models as m  # noqa: E402

User = get_user_model()


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


def make_city() -> dict:
    """Two organisations with a service each, and an administrator, an editor of the first and a viewer."""
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
