"""SQLite: every table of the directory app bumps the data version the page cache keys on (hsds/api/data_version.py),
on insert, update and delete. A migration that adds a table, or remakes one (SQLite's ALTER TABLE copies the
table and drops its triggers), is covered by install_triggers after every migrate: this test fails until it does."""

import django_harness
import pytest

django_harness.setup()

from django.db import connection, transaction  # noqa: E402
from hsds import models as m  # noqa: E402
from hsds.api import data_version  # noqa: E402

pytestmark = pytest.mark.usefixtures("admin_database")


def version() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT counter FROM {data_version.VERSION_TABLE}")
        return cursor.fetchone()[0]


def test_every_table_of_the_app_has_the_three_triggers():
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'hsds_%' AND name != ?", [data_version.VERSION_TABLE])
        tables = {name for (name,) in cursor.fetchall()}
        cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger' AND sql LIKE ?", [f"%UPDATE {data_version.VERSION_TABLE} SET counter%"])
        triggers = {}
        for table, name in cursor.fetchall():
            triggers.setdefault(table, set()).add(name.rsplit("_", 1)[1])
    assert {model._meta.db_table for model in (m.Service, m.Schedule, m.Language, m.Attribute, m.CrosswalkMapping)} <= tables
    missing = {table: {"insert", "update", "delete"} - triggers.get(table, set()) for table in tables}
    assert not {table: events for table, events in missing.items() if events}, "run data_version.install_triggers in a migration"


def test_inserts_updates_deletes_and_bulk_writes_bump_the_version(rolled_back):
    taxonomy = m.Taxonomy.objects.create(name="Harbour 211", description="codes")
    seen = [version()]
    term = m.TaxonomyTerm.objects.create(code="LV-1", name="Dental", description="Dental", taxonomy=taxonomy)
    seen.append(version())
    m.TaxonomyTerm.objects.filter(id=term.id).update(name="Dental Care")
    seen.append(version())
    m.TaxonomyTerm.objects.bulk_create([m.TaxonomyTerm(code=f"LV-{n}", name="x", description="x", taxonomy=taxonomy) for n in (2, 3)])
    seen.append(version())
    m.TaxonomyTerm.objects.filter(code__startswith="LV-").delete()
    seen.append(version())
    assert seen == sorted(set(seen)), seen  # rose at every step


def test_inside_a_transaction_no_page_is_cached():
    with transaction.atomic():
        assert data_version.current() is None
