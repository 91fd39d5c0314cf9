"""SQLite: the data version the service-list page cache keys on, bumped by triggers on every table of the
app (hsds/api/page_cache.py). PostgreSQL keys on its snapshot instead: nothing to install."""

from django.db import migrations


def install(apps, schema_editor):
    from hsds.api.page_cache import install_triggers

    install_triggers(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("hsds", "0005_crosswalk_mapping")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
