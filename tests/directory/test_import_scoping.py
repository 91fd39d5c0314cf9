"""Import against careless or hostile staff files: an editor writes only into their own organisations'
records (README, "Import and export"). In-process, in a throw-away database with the demo city."""

import pytest

from admin_forms import staff
from import_files import NEW, write_table
from hsds import audit, roles, tabular  # noqa: E402
from hsds import models as m  # noqa: E402

pytestmark = pytest.mark.usefixtures("demo_city_database", "rolled_back")


@pytest.mark.parametrize(
    "table, row",
    [
        ("phones", {"id": NEW[0], "service_id": "{a_service}", "location_id": "{b_location}", "number": "+1 514 555 0100"}),
        ("phones", {"id": NEW[1], "service_id": "{a_service}", "organization_id": "{b}", "number": "+1 514 555 0101"}),
        ("schedules", {"id": NEW[2], "service_id": "{a_service}", "location_id": "{b_location}", "byday": "MO", "freq": "WEEKLY", "opens_at": "09:00", "closes_at": "17:00"}),
        ("service_at_location", {"id": NEW[3], "service_id": "{a_service}", "location_id": "{b_location}"}),
    ],
)
def test_an_editor_cannot_attach_rows_to_another_organisations_records(two, tmp_path, table, row):
    a, a_service, b, b_location = two
    editor = staff("amira", "editor", [a])
    values = {"a_service": a_service.id, "b_location": b_location.id, "b": b.id}
    row = {k: v.format(**values) for k, v in row.items()}
    folder = write_table(tmp_path / "package", table, list(row), [row])
    changes = m.ChangeRecord.objects.count()
    report = tabular.apply(folder, user=editor, who=editor.username)
    assert not report.applied
    assert [str(e) for e in report.errors] == [f"row 2 of {table}.csv: you may only import records of your own organisations (it belongs to {b.name})"]
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
    assert [str(e) for e in report.errors] == [f"row 2 of phones.csv: you may only import records of your own organisations (it belongs to {b.name})"]


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
