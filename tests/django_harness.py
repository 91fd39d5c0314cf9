"""The one Django setup of the in-process directory tests (Django's test client, no server).

`setup()` is what manage.py does (the directory on sys.path, its settings); `throwaway_database()`
swaps a fresh SQLite file in for the "default" connection, migrated and (optionally) with the demo
city, and puts the previous connection back afterwards, so a module neither sees nor leaves records
in another module's database, whatever state that module left its connection in. Each test's writes
are rolled back by `rolled_back()`, like django.test.TestCase.
"""
import contextlib
import copy
import os
import sys
from pathlib import Path

DIRECTORY = Path(__file__).resolve().parents[1] / "directory"


def setup() -> None:
    if str(DIRECTORY) not in sys.path:
        sys.path.insert(0, str(DIRECTORY))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "directory_site.settings")
    import django

    django.setup()


@contextlib.contextmanager
def throwaway_database(folder: Path, demo_city: bool = True):
    from django.core.management import call_command
    from django.db import connections
    from django.db.utils import load_backend
    from django.test.utils import setup_test_environment, teardown_test_environment
    from hsds.demo_loader import load_demo_city, load_taxonomy

    try:
        setup_test_environment()
        own_environment = True
    except RuntimeError:  # another module set it up already
        own_environment = False
    previous = connections["default"]
    settings_dict = copy.deepcopy(previous.settings_dict)
    settings_dict.update(ENGINE="django.db.backends.sqlite3", NAME=str(folder / "directory.sqlite3"),
                         OPTIONS={}, HOST="", PORT="", USER="", PASSWORD="")
    connections["default"] = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "default")
    try:
        call_command("migrate", interactive=False, verbosity=0)
        load_taxonomy()
        if demo_city:
            load_demo_city()
        yield
    finally:
        connections["default"].close()
        connections["default"] = previous
        if own_environment:
            teardown_test_environment()


@contextlib.contextmanager
def rolled_back():
    from django.db import transaction

    with transaction.atomic():
        yield
        transaction.set_rollback(True)
