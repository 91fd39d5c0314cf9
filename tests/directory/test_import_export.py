"""HSDS bulk import and export: the tabular package (CSV zip, folder, XLSX), in-process and on the command line.

In-process tests work in a throw-away SQLite database of their own (a temporary file, migrated at
the start); the command-line tests run manage.py and `make import` against another temporary file. Neither touches
the database the servers of the other test modules use.
"""

import csv
import io
import json
import re
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DIRECTORY = ROOT / "directory"
EXAMPLE = ROOT.parent / "shared" / "hsds" / "examples" / "csv"
SCHEMA = ROOT.parent / "shared" / "hsds" / "schema"
import django_harness  # noqa: E402

django_harness.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

from hsds import import_views, tabular  # noqa: E402
from hsds.tabular import skipping  # noqa: E402
from hsds import models as m  # noqa: E402
from hsds.tabular.tables import TABLES  # noqa: E402

User = get_user_model()
COUNSELLING = "ac148810-d857-441c-9679-408f346de14b"


@pytest.fixture(scope="module", autouse=True)
def test_database(tmp_path_factory):
    """A throw-away SQLite database of this module's own, with the demo city (tests/django_harness.py)."""
    with django_harness.throwaway_database(tmp_path_factory.mktemp("import-export")):
        yield from _with_extras()


def _with_extras():
    # What export must keep beyond the modeled fields: a translation, unmodeled columns and tables.
    service = m.Service.objects.order_by("id").first()
    m.ServiceTranslation.objects.create(service=service, language="ar", name="خدمة", description="وصف\nسطر ثان")
    service.extra = {"fees": "none", "program_id": "e7ec2e57-4540-43fa-b2c7-6be5a0ef7f42"}
    service.save()
    m.ExtraRecord.objects.create(entity="funding", record_id="f-1", data={"service_id": str(service.id), "source": "City grant, 2026"})
    yield


@pytest.fixture(autouse=True)
def rollback():
    """Each test's writes (imports and wipes included) are rolled back, like django.test.TestCase."""
    with django_harness.rolled_back():
        yield


def wipe():
    call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def city():
    """The demo city's first service (it has a translation and unmodeled HSDS columns)."""
    return m.Service.objects.order_by("id").first()


def export_bytes(fmt="zip") -> bytes:
    buffer = io.BytesIO()
    tabular.export(buffer, fmt)
    return buffer.getvalue()


def tables_of(zip_bytes: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def unpack(zip_bytes: bytes, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as archive:
        archive.extractall(folder)
    return folder


def read_csv(path: Path):
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return reader.fieldnames, list(reader)


def write_csv(path: Path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


def edit_csv(path: Path, change):
    header, rows = read_csv(path)
    rows = change(rows) or rows
    write_csv(path, header, rows)


def snapshot():
    return {
        "changes": m.ChangeRecord.objects.count(),
        "services": {s.id: (s.name, s.version) for s in m.Service.objects.all()},
        "phones": sorted(m.Phone.objects.values_list("id", "number")),
        "extra": m.ExtraRecord.objects.count(),
    }


def staff(username, role, organizations=()):
    user = User.objects.create_user(username, password="pw-" + username, is_staff=True)
    profile = m.StaffProfile.objects.create(user=user, role=role)
    profile.organizations.set(organizations)
    return user


# --- the package shape ------------------------------------------------------------------------------


@pytest.mark.skipif(not SCHEMA.exists(), reason="../shared/hsds is not beside the project")
def test_tables_follow_the_hsds_schema_column_order():
    for table in TABLES:
        if not table.hsds:
            continue
        schema = json.loads((SCHEMA / f"{table.entity}.json").read_text(encoding="utf-8"))
        columns = [name for name, spec in schema["properties"].items() if spec.get("type") not in ("array", "object") and "$ref" not in spec]
        assert table.columns == columns, table.name
        assert table.filename == schema["path"]


def test_export_is_an_hsds_data_package(city, tmp_path):
    files = tables_of(export_bytes("zip"))
    descriptor = json.loads(files["datapackage.json"])
    assert descriptor["profile"] == "tabular-data-package"
    paths = [resource["path"] for resource in descriptor["resources"]]
    assert set(paths) | {"datapackage.json"} == set(files)
    for table in TABLES:
        assert table.filename in paths
    for resource in descriptor["resources"]:
        header = next(csv.reader(io.StringIO(files[resource["path"]])))
        assert [field["name"] for field in resource["schema"]["fields"]] == header
    if EXAMPLE.exists():
        for example in EXAMPLE.glob("*.csv"):
            assert next(csv.reader(io.StringIO(files[example.name]))) == next(csv.reader(open(example, encoding="utf-8")))
    services = list(csv.DictReader(io.StringIO(files["services.csv"])))
    assert len(services) == m.Service.objects.count()
    mine = next(row for row in services if row["id"] == str(city.id))
    assert mine["fees"] == "none" and mine["program_id"] == "e7ec2e57-4540-43fa-b2c7-6be5a0ef7f42"
    translations = list(csv.DictReader(io.StringIO(files["service_translations.csv"])))
    assert translations[0]["language"] == "ar" and translations[0]["description"] == "وصف\nسطر ثان"
    assert translations[0]["id"] == str(m.ServiceTranslation.objects.get(service=city, language="ar").id)
    assert "City grant, 2026" in files["funding.csv"]


# --- real-world cells (tabular/normalise.py) ------------------------------------------------------------


def test_real_world_cells_import_in_normal_form(city, tmp_path):
    """National phone numbers with extensions and two numbers in a cell, long coordinates, language names,
    12-hour and worded times, web addresses without a scheme, blank status: none of them costs a record."""
    folder = unpack(export_bytes(), tmp_path / "package")
    _, phones = read_csv(folder / "phones.csv")
    phone_id = phones[0]["id"]
    edit_csv(folder / "phones.csv", lambda rows: rows[0].update(number="020 7946 0321 ext 12 / 020 7946 0322", extension="") or rows)
    _, locations = read_csv(folder / "locations.csv")
    location_id = next(row["id"] for row in locations if row["latitude"])
    edit_csv(folder / "locations.csv", lambda rows: [r.update(latitude="47.051234567", longitude="8.10000049") for r in rows if r["id"] == location_id] and rows)
    _, schedules = read_csv(folder / "schedules.csv")
    schedule_id = next(row["id"] for row in schedules if row["opens_at"])
    edit_csv(folder / "schedules.csv", lambda rows: [r.update(opens_at="9:00am", closes_at="12 noon") for r in rows if r["id"] == schedule_id] and rows)
    _, languages = read_csv(folder / "languages.csv")
    edit_csv(folder / "languages.csv", lambda rows: rows[0].update(code="", name="Haitian Creole") or rows)
    edit_csv(folder / "services.csv", lambda rows: [r.update(url="www.example.org/help", status="") for r in rows if r["id"] == str(city.id)] and rows)
    header, attributes = read_csv(folder / "attributes.csv")
    category = next(row for row in attributes if row["link_id"] == str(city.id) and row["taxonomy_term_id"])
    write_csv(folder / "attributes.csv", header, attributes + [{**category, "id": "9f1c1a52-4d0e-4b8a-9a57-1f0f6a6e2c99"}])

    report = tabular.apply(folder, who="tester")

    assert report.applied and report.errors == [], report.as_text()
    phone = m.Phone.objects.get(id=phone_id)
    assert (phone.number, phone.extension, phone.extra.get("other_numbers")) == ("+442079460321", 12, "+442079460322")
    location = m.Location.objects.get(id=location_id)
    assert (str(location.latitude), str(location.longitude)) == ("47.051235", "8.100000")
    schedule = m.Schedule.objects.get(id=schedule_id)
    assert (schedule.opens_at.isoformat(), schedule.closes_at.isoformat()) == ("09:00:00", "12:00:00")
    assert m.Language.objects.get(id=languages[0]["id"]).code == "ht"
    service = m.Service.objects.get(id=city.id)
    assert (service.url, service.status) == ("https://www.example.org/help", "active")
    text = report.as_text()
    assert "status was empty: imported as active" in text and "2 numbers in one cell" in text
    assert "repeats the link of row" in text and not m.Attribute.objects.filter(id="9f1c1a52-4d0e-4b8a-9a57-1f0f6a6e2c99").exists()


def test_numeric_ids_become_stable_uuids_and_the_next_import_updates(tmp_path):
    folder = tmp_path / "numbered"
    folder.mkdir()
    write_csv(folder / "organizations.csv", ["id", "name", "description"], [{"id": "17", "name": "Harbour 211 Partner", "description": "x"}])
    write_csv(folder / "services.csv", ["id", "organization_id", "name", "status"], [{"id": "1042", "organization_id": "17", "name": "Walk-in Legal Advice", "status": "active"}])
    write_csv(folder / "phones.csv", ["id", "service_id", "number"], [{"id": "5", "service_id": "1042", "number": "+44 20 7946 0555"}])

    first = tabular.apply(folder, who="tester", source="harbour-211")

    assert first.applied and first.errors == [], first.as_text()
    service = m.Service.objects.get(name="Walk-in Legal Advice")
    assert service.extra.get("original_id") == "1042" and service.organization.extra.get("original_id") == "17"
    assert service.phones.get().number == "+442079460555"
    # The same file again: the same records, nothing new.
    assert tabular.apply(folder, who="tester", source="harbour-211").changes == 0
    assert m.Service.objects.filter(name="Walk-in Legal Advice").count() == 1
    # Renamed at the source: the same record is updated.
    edit_csv(folder / "services.csv", lambda rows: rows[0].update(name="Legal Advice Walk-in") or rows)
    tabular.apply(folder, who="tester", source="harbour-211")
    assert m.Service.objects.get(id=service.id).name == "Legal Advice Walk-in"
    # Another directory that also numbers from 1042 does not overwrite it.
    tabular.apply(folder, who="tester", source="another-211")
    assert m.Service.objects.filter(name="Legal Advice Walk-in").count() == 2


def test_on_error_skip_applies_the_valid_records_and_leaves_out_whole_records(city, tmp_path):
    folder = unpack(export_bytes(), tmp_path / "package")
    wipe()
    _, services = read_csv(folder / "services.csv")
    _, phones = read_csv(folder / "phones.csv")
    broken_phone = next(p for p in phones if p["service_id"])
    broken = broken_phone["service_id"]
    edit_csv(folder / "phones.csv", lambda rows: [r.update(number="call us") for r in rows if r["id"] == broken_phone["id"]] and rows)
    with_broken_service = sum(1 for p in phones if p["service_id"] == broken)

    assert not tabular.apply(folder, who="tester").applied  # the default stays all-or-nothing
    assert m.Service.objects.count() == 0

    report = skipping.run_skipping(tabular.read_package(folder), who="tester", commit=True)

    assert report.applied, report.as_text()
    assert m.Service.objects.count() == len(services) - 1 and not m.Service.objects.filter(id=broken).exists()
    assert not m.Phone.objects.filter(service_id=broken).exists(), "never half a service"
    reasons = {(p.source, p.row): p.message for p in report.skipped}
    assert any("is not a valid phone number" in text for text in reasons.values())
    assert sum(1 for p in report.skipped if p.source == "phones.csv") == with_broken_service
    assert any(p.source == "services.csv" and f"left out with record {broken}" in p.message and "phones.csv" in p.message for p in report.skipped)
    buffer = io.StringIO()
    skipping.write_skipped_csv(report, buffer)
    assert buffer.getvalue().splitlines()[0] == "file,row,reason" and "call us" in buffer.getvalue()
    # The corrected file fills in what was left out.
    edit_csv(folder / "phones.csv", lambda rows: [r.update(number="+44 20 7946 0999") for r in rows if r["id"] == broken_phone["id"]] and rows)
    assert tabular.apply(folder, who="tester").applied
    assert m.Service.objects.filter(id=broken).exists() and m.Phone.objects.filter(service_id=broken).count() == with_broken_service


# --- dry run and errors -------------------------------------------------------------------------------


def test_dry_run_reports_row_errors_in_plain_words_and_changes_nothing(city, tmp_path):
    folder = unpack(export_bytes(), tmp_path / "package")
    (folder / "datapackage.json").unlink()  # read by table names, like the official example
    header, phones = read_csv(folder / "phones.csv")
    phones[12]["number"] = "+33 12"
    write_csv(folder / "phones.csv", header, phones)
    edit_csv(folder / "schedules.csv", lambda rows: rows[0].update(opens_at="18:00:00", closes_at="09:00") or rows)
    edit_csv(folder / "services.csv", lambda rows: rows[1].update(status="open", organization_id="00000000-0000-4000-8000-000000000000", url="not a web address") or rows)
    edit_csv(folder / "languages.csv", lambda rows: rows[0].update(code="klingonese") or rows)
    edit_csv(folder / "locations.csv", lambda rows: rows[0].update(latitude="8.1", longitude="47.0") or rows)
    new_service = "9b1c1a52-4d0e-4b8a-9a57-1f0f6a6e2c11"
    header, services = read_csv(folder / "services.csv")
    write_csv(folder / "services.csv", header, services + [{**services[0], "id": new_service, "name": ""}])
    header, phones = read_csv(folder / "phones.csv")
    write_csv(folder / "phones.csv", header, phones + [{**phones[0], "id": "8b1c1a52-4d0e-4b8a-9a57-1f0f6a6e2c11", "service_id": new_service}])
    before = snapshot()

    report = tabular.preview(folder)

    assert snapshot() == before
    messages = [str(problem) for problem in report.errors]
    assert "row 14 of phones.csv: '+33 12' is not a valid phone number (write it with the country code, e.g. +44 20 7946 0100)." in messages
    assert "row 2 of schedules.csv: Closing time 09:00 must be after opening time 18:00." in messages
    assert any(text.startswith("row 3 of services.csv: 'open' is not a valid status; use one of: active, inactive") for text in messages)
    assert "row 3 of services.csv: organization_id '00000000-0000-4000-8000-000000000000' does not exist (it is neither in organizations.csv of this package nor in the directory)" in messages
    # A language name ("Arabic") would be read as its code (normalise.py); one nobody knows is an error.
    assert "row 2 of languages.csv: 'klingonese' is not a language code (use ISO 639-1 such as 'ar' or 'uk')." in messages
    assert any(text.startswith("row 2 of locations.csv: 8.10000, 47.00000 is outside the city") and "swapped" in text for text in messages)
    # Rows referring to a row with errors say so rather than "does not exist".
    assert f"row {len(services) + 2} of services.csv: name is required (the cell is empty)" in messages
    assert (f"row {len(phones) + 2} of phones.csv: service_id refers to '{new_service}', whose own row " f"(row {len(services) + 2} of services.csv) has errors") in messages
    assert report.tables["phones"].errors == 2 and report.tables["phones"].unchanged == len(phones) - 1
    assert not report.applied and "Nothing was changed" in report.as_text()
    # One CSV file on its own is a package of one table.
    alone = tabular.preview(folder / "phones.csv")
    assert list(alone.tables) == ["phones"] and "row 14 of phones.csv: '+33 12' is not a valid phone number" in alone.as_text()


def test_a_bad_row_in_the_last_table_leaves_the_database_unchanged(city, tmp_path):
    folder = unpack(export_bytes(), tmp_path / "package")
    edit_csv(folder / "services.csv", lambda rows: rows[0].update(name="Renamed by the import") or rows)
    header, phones = read_csv(folder / "phones.csv")
    phones.append({**phones[0], "id": "5b1c1a52-4d0e-4b8a-9a57-1f0f6a6e2c11", "number": "+44 20 7946 0999"})
    write_csv(folder / "phones.csv", header, phones)
    header, rows = read_csv(folder / "attributes.csv")  # attributes: the last directory table imported
    rows.append({**rows[-1], "id": "6b1c1a52-4d0e-4b8a-9a57-1f0f6a6e2c11", "taxonomy_term_id": "7b1c1a52-4d0e-4b8a-9a57-1f0f6a6e2c11"})
    write_csv(folder / "attributes.csv", header, rows)
    before = snapshot()

    report = tabular.apply(folder, who="tester")

    assert not report.applied
    assert [str(e) for e in report.errors] == [
        f"row {len(rows) + 1} of attributes.csv: taxonomy_term_id '7b1c1a52-4d0e-4b8a-9a57-1f0f6a6e2c11' does not exist " "(it is neither in taxonomy_terms.csv of this package nor in the directory)"
    ]
    assert report.tables["services"].updated == 1 and report.tables["phones"].created == 1
    assert snapshot() == before


def test_reimporting_the_same_file_changes_nothing(city, tmp_path):
    package = tmp_path / "directory.zip"
    package.write_bytes(export_bytes())
    before = snapshot()
    report = tabular.apply(package, who="tester")
    assert report.ok and report.applied and report.changes == 0
    assert all(c.created == c.updated == 0 for c in report.tables.values())
    assert report.tables["services"].unchanged == m.Service.objects.count()
    assert snapshot() == before  # no ChangeRecord, no version bump

    # Change one service in the file: exactly that is applied; a second import of it is a no-op.
    folder = unpack(package.read_bytes(), tmp_path / "edited")
    edit_csv(folder / "phones.csv", lambda rows: [r.update(number='"+44 20 7946 0555"') for r in rows if r["service_id"] == str(city.id)] and rows)
    first = tabular.apply(folder, who="tester")
    assert first.applied and first.changes == 1 and first.tables["phones"].updated == 1
    after_first = snapshot()
    assert after_first["changes"] == before["changes"] + 1
    second = tabular.apply(folder, who="tester")
    assert second.applied and second.changes == 0 and snapshot() == after_first
    assert city.phones.get().number == "+442079460555"


@pytest.mark.parametrize("fmt", ["zip", "xlsx"])
def test_export_wipe_import_export_round_trips(city, tmp_path, fmt):
    first = export_bytes("zip")
    package = tmp_path / f"directory.{fmt}"
    package.write_bytes(first if fmt == "zip" else export_bytes("xlsx"))
    wipe()
    assert not m.Service.objects.exists()

    report = tabular.apply(package, who="tester")

    assert report.ok and report.applied, report.as_text()
    second = export_bytes("zip")
    assert tables_of(second) == tables_of(first)
    assert m.ServiceTranslation.objects.get(service_id=city.id, language="ar").description == "وصف\nسطر ثان"


def test_xlsx_cells_stay_text(city, tmp_path):
    city.description = "=1+2 is not a formula"
    city.save()
    workbook_path = tmp_path / "directory.xlsx"
    workbook_path.write_bytes(export_bytes("xlsx"))
    from openpyxl import load_workbook

    sheet = load_workbook(workbook_path)["services"]
    header = [c.value for c in sheet[1]]
    values = [row for row in sheet.iter_rows(min_row=2, values_only=True) if row[0] == str(city.id)][0]
    assert values[header.index("description")] == "=1+2 is not a formula"
    assert values[header.index("minimum_age")] in (None, "")
    report = tabular.preview(workbook_path)
    assert report.ok and report.changes == 0


def test_a_hand_made_workbook_with_typed_cells(city, tmp_path):
    """Numbers, dates and times typed in a spreadsheet, quoted phone numbers, empty cells as null."""
    import datetime

    from openpyxl import Workbook

    workbook = Workbook()
    services = workbook.active
    services.title = "Services"
    service_id = "4b1c1a52-4d0e-4b8a-9a57-1f0f6a6e2c11"
    services.append(["ID", "Organization_ID", "Name", "Status", "Minimum_Age", "Maximum_Age", "Assured_Date", "Email", "Fees"])
    services.append([service_id, str(city.organization_id), "Evening language café", "active", 16, None, datetime.datetime(2026, 10, 1), "", "free"])
    schedules = workbook.create_sheet("schedules")
    schedules.append(["id", "service_id", "byday", "opens_at", "closes_at", "valid_from", "interval"])
    schedules.append(["3b1c1a52-4d0e-4b8a-9a57-1f0f6a6e2c11", service_id, "mo, we", datetime.time(18, 30), "21:00", None, 1])
    phones = workbook.create_sheet("phones.csv")
    phones.append(["id", "service_id", "number", "extension"])
    phones.append(["2b1c1a52-4d0e-4b8a-9a57-1f0f6a6e2c11", service_id, '"+44 20 7946 0321"', 12.0])
    path = tmp_path / "hand-made.xlsx"
    workbook.save(path)

    report = tabular.apply(path, who="tester")

    assert report.applied, report.as_text()
    service = m.Service.objects.get(id=service_id)
    assert (service.minimum_age, service.maximum_age, service.assured_date, service.email) == (16, None, datetime.date(2026, 10, 1), "")
    assert service.extra == {"fees": "free"}
    schedule = service.schedules.get()
    assert (schedule.byday, schedule.opens_at, schedule.closes_at, schedule.valid_from) == ("MO,WE", datetime.time(18, 30), datetime.time(21, 0), None)
    assert schedule.extra == {"interval": "1"}
    phone = service.phones.get()
    assert (phone.number, phone.extension) == ("+442079460321", 12)
    assert tabular.apply(path, who="tester").changes == 0


# --- the official example -----------------------------------------------------------------------------


@pytest.mark.skipif(not EXAMPLE.exists(), reason="../shared/hsds is not beside the project")
@override_settings(CITY_BOUNDS=None)  # its location is at 100, 101: outside any city
def test_the_official_example_imports_cleanly():
    wipe()
    report = tabular.preview(EXAMPLE)
    assert report.errors == [], report.as_text()
    # The official descriptor is valid now: its resources name every file, so no fallback note.
    assert "not a valid package descriptor" not in report.as_text()
    assert "has no local path" not in report.as_text()
    assert tabular.apply(EXAMPLE, who="tester").applied

    service = m.Service.objects.get(id=COUNSELLING)
    assert service.name == "Community Counselling" and service.organization.name == "Example Organization Inc."
    assert service.phones.get().number == "+441234234567"
    schedule = service.schedules.get()
    assert (schedule.byday, schedule.opens_at.isoformat(), schedule.closes_at.isoformat()) == ("TH,FR", "10:00:00", "18:00:00")
    assert schedule.extra["byweekno"] == "41,42" and schedule.extra["timezone"] == "3"
    assert list(service.languages.values_list("code", flat=True)) == ["ur"]
    assert service.required_documents.get().document.startswith("Any official identification document")
    assert service.service_at_locations.get().location.addresses.get().postal_code == "ABC 1234"
    assert service.extra["program_id"] == "e7ec2e57-4540-43fa-b2c7-6be5a0ef7f42"
    assert m.Organization.objects.get().extra["tax_id"] == "tax_id"
    kept = set(m.ExtraRecord.objects.values_list("entity", flat=True))
    assert kept == {"accessibility", "contacts", "cost_options", "funding", "organization_identifiers", "programs", "service_areas", "meta_table_descriptions", "metadata"}
    assert m.ChangeRecord.objects.filter(resource_id=COUNSELLING, last_action_type="create", updated_by="tester", via="import").exists()

    # Exported again: every value of the example comes back (phones in E.164).
    files = tables_of(export_bytes())
    for path in EXAMPLE.glob("*.csv"):
        expected = list(csv.DictReader(open(path, encoding="utf-8", newline="")))
        exported = {row["id"]: row for row in csv.DictReader(io.StringIO(files[path.name]))}
        for row in expected:
            if path.name == "phones.csv":
                row["number"] = "+441234234567"
            assert exported[row["id"]] == row, path.name
    assert tabular.apply(EXAMPLE, who="tester").changes == 0


# --- audit and roles -----------------------------------------------------------------------------------


def test_import_change_records_name_the_importer_and_via_import(city, tmp_path):
    editor = staff("amira", "editor", [city.organization])
    folder = unpack(export_bytes(), tmp_path / "package")
    edit_csv(folder / "services.csv", lambda rows: [r.update(description="Updated by import") for r in rows if r["id"] == str(city.id)] and rows)
    report = tabular.apply(folder, user=editor, who=editor.username)
    assert report.applied and report.changes == 1
    change = m.ChangeRecord.objects.get(resource_id=city.id, field_name="description")
    assert (change.updated_by, change.via, change.replacement_value) == ("amira", "import", "Updated by import")


def test_editors_import_only_their_own_organisations(city, tmp_path):
    editor = staff("amira", "editor", [city.organization])
    other = m.Service.objects.exclude(organization=city.organization).order_by("id").first()
    folder = unpack(export_bytes(), tmp_path / "package")
    header, services = read_csv(folder / "services.csv")
    index = next(i for i, r in enumerate(services) if r["id"] == str(other.id))
    services[index]["name"] = "Not yours"
    write_csv(folder / "services.csv", header, services)
    before = snapshot()
    report = tabular.apply(folder, user=editor, who=editor.username)
    assert not report.applied and snapshot() == before
    assert [str(e) for e in report.errors] == [f"row {index + 2} of services.csv: you may only import records of your own organisations (it belongs to {other.organization.name})"]


# --- staff pages -----------------------------------------------------------------------------------------


@pytest.fixture
def uploads(tmp_path, monkeypatch):
    folder = tmp_path / "imports"
    monkeypatch.setattr(import_views, "IMPORT_DIR", folder)
    return folder


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_staff_page_can_leave_out_records_with_errors_and_lists_them(city, uploads, tmp_path):
    administrator = User.objects.create_superuser("root", password="pw-root")
    folder = unpack(export_bytes(), tmp_path / "messy")
    _, phones = read_csv(folder / "phones.csv")
    broken = next(p for p in phones if p["service_id"])
    edit_csv(folder / "phones.csv", lambda rows: [r.update(number="call us") for r in rows if r["id"] == broken["id"]] and rows)
    edit_csv(folder / "services.csv", lambda rows: [r.update(alert="New hours") for r in rows if r["id"] != broken["service_id"]] and rows)
    messy = io.BytesIO()
    with zipfile.ZipFile(messy, "w") as archive:
        for path in folder.iterdir():
            archive.write(path, path.name)
    client = client_for(administrator)
    assert 'name="on_error" value="skip"' in client.get("/admin/import/").content.decode()

    messy.seek(0)
    messy.name = "messy.zip"
    stopped = client.post("/admin/import/", {"file": messy}).content.decode()
    assert "Nothing was changed" in stopped and 'value="Apply"' not in stopped  # the default: all or nothing
    messy.seek(0)
    preview = client.post("/admin/import/", {"file": messy, "on_error": "skip"}).content.decode()
    assert 'id="import-skipped"' in preview and "is not a valid phone number" in preview and 'value="Apply"' in preview
    token = next(p.stem for p in uploads.iterdir() if len(p.stem) == 32)

    applied = client.post("/admin/import/apply/", {"token": token})
    body = applied.content.decode()
    assert applied.status_code == 200 and "Applied." in body and 'id="import-skipped"' in body
    assert m.Service.objects.exclude(id=broken["service_id"]).filter(alert="New hours").exists()
    assert m.Service.objects.get(id=broken["service_id"]).alert != "New hours"  # left out as a whole
    link = re.search(r'href="(/admin/import/skipped/[0-9a-f]+\.csv)"', body).group(1)
    listing = client.get(link)
    assert listing.status_code == 200 and listing.content.decode().startswith("file,row,reason") and "call us" in listing.content.decode()
    other = client_for(User.objects.create_superuser("root2", password="pw-root2"))
    assert other.get(link).status_code == 403  # bound to the session that imported


def test_staff_pages_preview_then_apply_and_export(city, uploads):
    administrator = User.objects.create_superuser("root", password="pw-root")
    viewer = staff("vera", "viewer")
    # Viewers export but never import; anonymous visitors are sent to the login page.
    assert Client().get("/admin/import/").status_code == 302
    assert client_for(viewer).get("/admin/import/").status_code == 403
    assert client_for(viewer).post("/admin/import/apply/", {"token": "x"}).status_code == 403
    download = client_for(viewer).get("/admin/export/?format=xlsx")
    assert download.status_code == 200 and download["Content-Disposition"].endswith('.xlsx"')
    package = client_for(viewer).get("/admin/export/?format=zip")
    assert package.status_code == 200 and "datapackage.json" in tables_of(package.content)
    assert client_for(viewer).get("/admin/export/?format=pdf").status_code == 400

    folder = unpack(package.content, uploads.parent / "edited")
    edit_csv(folder / "services.csv", lambda rows: [r.update(alert="Closed on Monday") for r in rows if r["id"] == str(city.id)] and rows)
    edited = io.BytesIO()
    with zipfile.ZipFile(edited, "w") as archive:
        for path in folder.iterdir():
            archive.write(path, path.name)
    edited.seek(0)
    edited.name = "edited.zip"

    client = client_for(administrator)
    assert client.get("/admin/import/").status_code == 200
    same = io.BytesIO(package.content)
    same.name = "directory.zip"
    unchanged = client.post("/admin/import/", {"file": same}).content.decode()
    assert "Nothing to apply" in unchanged and 'value="Apply"' not in unchanged
    assert not uploads.exists() or list(uploads.iterdir()) == []
    page = client.post("/admin/import/", {"file": edited})
    assert page.status_code == 200
    body = page.content.decode()
    assert "Applying would create or update <strong>1</strong> record" in body and 'value="Apply"' in body
    stored = list(uploads.iterdir())
    assert len(stored) == 1 and len(stored[0].stem) == 32
    assert m.Service.objects.get(id=city.id).alert == ""
    token = stored[0].stem
    assert client_for(viewer).post("/admin/import/apply/", {"token": token}).status_code == 403

    applied = client.post("/admin/import/apply/", {"token": token})
    assert applied.status_code == 200 and "Applied." in applied.content.decode()
    assert m.Service.objects.get(id=city.id).alert == "Closed on Monday"
    assert m.ChangeRecord.objects.get(resource_id=city.id, field_name="alert").updated_by == "root"
    assert list(uploads.iterdir()) == []
    assert client.post("/admin/import/apply/", {"token": token}).status_code == 400  # once only

    bad = io.BytesIO(b"id,name\n")
    bad.name = "notes.txt"
    assert client.post("/admin/import/", {"file": bad}).status_code == 400


def test_staff_preview_shows_row_errors_and_offers_no_apply(city, uploads):
    editor = staff("amira", "editor", [city.organization])
    package = export_bytes()
    folder = unpack(package, uploads.parent / "bad")
    edit_csv(folder / "phones.csv", lambda rows: rows[0].update(number="+33 12") or rows)
    upload = io.BytesIO()
    with zipfile.ZipFile(upload, "w") as archive:
        for path in folder.iterdir():
            archive.write(path, f"export/{path.name}")  # a package inside a folder of the zip
    upload.seek(0)
    upload.name = "bad.zip"
    page = client_for(editor).post("/admin/import/", {"file": upload})
    body = page.content.decode()
    assert page.status_code == 200
    assert "&#x27;+33 12&#x27; is not a valid phone number" in body and 'value="Apply"' not in body
    assert list(uploads.iterdir()) == []


# --- command line ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def command_env(tmp_path_factory):
    database = tmp_path_factory.mktemp("cli") / "directory.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=DIRECTORY, env=env, check=True)
    return env


def manage(env, *args, **extra_env):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=DIRECTORY, env={**env, **extra_env}, capture_output=True, text=True, timeout=300)


@pytest.mark.skipif(not EXAMPLE.exists(), reason="../shared/hsds is not beside the project")
def test_command_line_exit_codes(command_env, tmp_path):
    # Default city bounds: the example's location (100, 101) is outside the city: rejected, exit 1.
    outside = manage(command_env, "import_hsds", str(EXAMPLE))
    assert outside.returncode == 1, outside.stdout + outside.stderr
    assert "row 2 of locations.csv: 100.00000, 101.00000 is outside the city" in outside.stdout
    assert "Nothing was changed" in outside.stdout

    unknown = manage(command_env, "import_hsds", str(EXAMPLE), "--as", "nobody", CITY_BOUNDS="off")
    assert unknown.returncode == 2 and "there is no user 'nobody'" in unknown.stderr
    missing = manage(command_env, "import_hsds", str(tmp_path / "nothing.zip"))
    assert missing.returncode == 2

    # make import: the dry run first, then the apply (only because it is clean).
    made = subprocess.run(["make", "--no-print-directory", "-o", "venv", "import", f"FILE={EXAMPLE}"], cwd=ROOT, env={**command_env, "CITY_BOUNDS": "off"}, capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stdout + made.stderr
    assert "Applied: 21 record(s) created or updated." in made.stdout
    again = subprocess.run(
        ["make", "--no-print-directory", "-o", "venv", "import", f"FILE={EXAMPLE}", "DRY_RUN=1"], cwd=ROOT, env={**command_env, "CITY_BOUNDS": "off"}, capture_output=True, text=True, timeout=300
    )
    assert again.returncode == 0 and "Dry run: nothing was changed. Applying would create or update 0 record(s)" in again.stdout
    assert "Applied" not in again.stdout
    # A long import shows how far it got: a bar of rows done out of all rows, ending full.
    shown = manage(command_env, "import_hsds", str(EXAMPLE), "--dry-run", "--progress", CITY_BOUNDS="off")
    assert shown.returncode == 0, shown.stderr
    bars = [line for line in shown.stderr.split("\r") if " rows" in line]
    total = int(bars[-1].rsplit("/", 1)[1].split()[0].replace(",", ""))
    assert total >= 21 and bars[-1].strip().endswith(f"{total:,}/{total:,} rows") and "[" + "#" * 30 + "]" in bars[-1]
    assert "--progress" not in again.stderr and " rows" not in again.stderr  # not a terminal, not asked: no bar

    out = tmp_path / "directory.xlsx"
    exported = subprocess.run(["make", "--no-print-directory", "-o", "venv", "export", f"FILE={out}"], cwd=ROOT, env=command_env, capture_output=True, text=True, timeout=300)
    assert exported.returncode == 0 and out.exists(), exported.stderr
    assert manage(command_env, "export_hsds", str(tmp_path / "directory.pdf")).returncode != 0

    broken = tmp_path / "broken.csv.zip"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("services.csv", f"id,organization_id,name,status\n{COUNSELLING},,Nameless org,active\n")
    failed = subprocess.run(
        ["make", "--no-print-directory", "-o", "venv", "import", f"FILE={broken}"], cwd=ROOT, env={**command_env, "CITY_BOUNDS": "off"}, capture_output=True, text=True, timeout=300
    )
    assert failed.returncode != 0
    assert "row 2 of services.csv: organization_id is required (the cell is empty)" in failed.stdout
    assert "Dry run clean" not in failed.stdout
