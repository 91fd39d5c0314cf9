"""The crosswalk file exported for the action server (contracts/crosswalk_file.py): `manage.py export_crosswalk`
and the download on the admin's crosswalk page. Each need lists the city's own term ids, the original id when
the import replaced a numeric one with a UUID. In-process, a throw-away database, the real import and admin."""

import io

import pytest
import yaml

from admin_forms import client_for, staff
from import_files import write_table
from contracts import crosswalk_file  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from hsds import tabular  # noqa: E402
from hsds import models as m  # noqa: E402
from hsds.crosswalk.export import crosswalk_text  # noqa: E402

pytestmark = pytest.mark.usefixtures("admin_database", "rolled_back")

EXPORT_URL = "/admin/hsds/crosswalkmapping/export/"


@pytest.fixture
def terms(tmp_path):
    """A 211-style term imported with its numeric id (1042) and a term with a UUID of its own, no mappings yet."""
    folder = tmp_path / "city-211"
    write_table(folder, "taxonomies", ["id", "name", "description"], [{"id": "3", "name": "Harbour 211", "description": "The city's 211 codes."}])
    write_table(
        folder,
        "taxonomy_terms",
        ["id", "code", "name", "description", "taxonomy_id"],
        [{"id": "1042", "code": "LV-1600.1800", "name": "Dental Care", "description": "Dental Care", "taxonomy_id": "3"}],
    )
    report = tabular.apply(folder, who="importer", source="harbour-211")
    assert report.applied, report.as_text()
    m.CrosswalkMapping.objects.all().delete()  # the import's own suggestions: each test maps what it needs
    imported = m.TaxonomyTerm.objects.get(code="LV-1600.1800")
    assert imported.extra.get("original_id") == "1042" and str(imported.id) != "1042"
    own = m.TaxonomyTerm.objects.create(code="C-311", name="Cursos de idioma", description="Cursos de idioma", taxonomy=imported.taxonomy)
    return imported, own


def need(code):
    return m.TaxonomyTerm.objects.get(code=code)


@pytest.fixture
def mapped(terms):
    """health-dentist ← 1042 (suggested, not reviewed); health ← 1042 and education-language-courses ← the UUID term (reviewed)."""
    imported, own = terms
    m.CrosswalkMapping.objects.create(need=need("health-dentist"), foreign_term=imported, origin="suggested", confidence=0.91, reviewed=False)
    m.CrosswalkMapping.objects.create(need=need("health"), foreign_term=imported, reviewed=True)
    m.CrosswalkMapping.objects.create(need=need("education-language-courses"), foreign_term=own, reviewed=True)
    return imported, own


def exported(*args) -> str:
    out = io.StringIO()
    call_command("export_crosswalk", *args, stdout=out)
    return out.getvalue()


def test_the_command_writes_each_needs_foreign_ids_the_original_id_for_an_imported_numeric_term(mapped):
    imported, own = mapped
    text = exported()
    assert crosswalk_file.loads(text) == {"health": ["1042"], "health-dentist": ["1042"], "education-language-courses": [str(own.id)]}
    assert text.startswith("# ") and "CROSSWALK_FILE" in text and "3 mapping(s)" in text
    dentist = yaml.safe_load(text)["needs"]["health-dentist"]
    assert dentist == [{"id": "1042", "code": "LV-1600.1800", "name": "Dental Care", "reviewed": False}]


def test_directory_ids_name_the_terms_as_this_directory_serves_them(mapped):
    imported, own = mapped
    assert crosswalk_file.loads(exported("--term-ids", "directory"))["health-dentist"] == [str(imported.id)]


def test_reviewed_only_leaves_out_the_suggestions_nobody_checked(mapped):
    imported, own = mapped
    assert crosswalk_file.loads(exported("--reviewed-only")) == {"health": ["1042"], "education-language-courses": [str(own.id)]}


def test_the_command_writes_the_file_given(mapped, tmp_path):
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "crosswalk.yml"
    message = exported("--output", str(target))
    assert "Exported the crosswalk to" in message and "format:" not in message
    assert set(crosswalk_file.load(target)) == {"health", "health-dentist", "education-language-courses"}
    assert [path.name for path in target.parent.iterdir()] == ["crosswalk.yml"]  # no temporary file left


def test_no_mappings_is_an_empty_but_valid_file(terms):
    assert crosswalk_file.loads(exported()) == {}


def test_the_export_takes_one_query_however_many_mappings(terms):
    imported, own = terms
    m.CrosswalkMapping.objects.create(need=need("health-dentist"), foreign_term=imported)
    with CaptureQueriesContext(connection) as one:
        crosswalk_text()
    for code in ("health", "education-language-courses", "housing-shelter"):
        m.CrosswalkMapping.objects.create(need=need(code), foreign_term=own)
    m.CrosswalkMapping.objects.create(need=need("health"), foreign_term=imported)
    with CaptureQueriesContext(connection) as five:
        text = crosswalk_text()
    assert len(crosswalk_file.loads(text)) == 4
    assert len(one) == len(five) == 1, [query["sql"] for query in five]


def test_an_administrator_downloads_the_file_from_the_crosswalk_page(mapped):
    imported, own = mapped
    admin = client_for(staff("ada", "administrator"))
    page = admin.get("/admin/hsds/crosswalkmapping/").content.decode()
    assert f'href="{EXPORT_URL}"' in page and "Download crosswalk file" in page and f'href="{EXPORT_URL}?reviewed_only=1"' in page
    response = admin.get(EXPORT_URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/yaml") and response["Content-Disposition"] == 'attachment; filename="crosswalk.yml"'
    assert crosswalk_file.loads(response.content.decode()) == {"health": ["1042"], "health-dentist": ["1042"], "education-language-courses": [str(own.id)]}
    reviewed = admin.get(EXPORT_URL, {"reviewed_only": "1"}).content.decode()
    assert "health-dentist" not in crosswalk_file.loads(reviewed) and "health" in crosswalk_file.loads(reviewed)


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_other_staff_neither_see_the_link_nor_download(mapped, role):
    member = client_for(staff(f"{role}-1", role))
    assert member.get(EXPORT_URL).status_code == 403
    page = member.get("/admin/hsds/crosswalkmapping/")
    assert page.status_code == 200 and "Download crosswalk file" not in page.content.decode()  # may list, not export


def test_anonymous_visitors_are_sent_to_the_login(mapped):
    response = Client().get(EXPORT_URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert b"1042" not in response.content
