"""The data version the service-list page cache keys on: triggers on every table of the app
(hsds/api/data_version.py; installed again after every migrate)."""

from django.db import migrations


def install(apps, schema_editor):
    from hsds.api.data_version import install_triggers

    install_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("hsds", "0005_crosswalk_mapping")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
