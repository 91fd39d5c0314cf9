"""The one Django setup of the directory tests that use Django's own API rather than HTTP.

`setup()` is what manage.py does (the directory on sys.path, its settings). In the test process it serves
the in-process tests (Django's test client, no server); `run_script()` runs code with the same setup in a
process of its own, on a database of the caller's choosing (the servers' one, PostgreSQL), which the test
process must not open.

`throwaway_database()` swaps a fresh SQLite file in for the "default" connection, migrated and
(optionally) with the demo city, and puts the previous connection back afterwards, so a module neither
sees nor leaves records in another module's database, whatever state that module left its connection
in. Each test's writes are rolled back by `rolled_back()`, like django.test.TestCase.
"""

import contextlib
import copy
import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, Optional

TESTS = Path(__file__).resolve().parent
DIRECTORY = TESTS.parent / "directory"
# The first line of every script run_script() runs: Django set up as setup() sets it up.
SCRIPT_SETUP = f"import sys; sys.path.insert(0, {str(TESTS)!r}); import django_harness; django_harness.setup()\n"


def setup() -> None:
    if str(DIRECTORY) not in sys.path:
        sys.path.insert(0, str(DIRECTORY))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "directory_site.settings")
    import django

    django.setup()


def run_script(
    code: str, database_url: Optional[str], *args: str, env: Optional[Dict[str, str]] = None, stdin: Optional[str] = None, timeout: float = 180, check: bool = True
) -> subprocess.CompletedProcess:
    """`code` in a Python process of its own with Django set up (setup()) on `database_url` (None: the
    environment's); `args` are its sys.argv[1:]. Output as text; check=True fails on a non-zero exit."""
    environment = {**os.environ, **({"DATABASE_URL": database_url} if database_url else {}), **(env or {})}
    done = subprocess.run([sys.executable, "-c", SCRIPT_SETUP + code, *args], cwd=TESTS.parent, env=environment, input=stdin, capture_output=True, text=True, timeout=timeout)
    if check:
        assert done.returncode == 0, f"the Django script failed:\n{done.stderr[-3000:]}"
    return done


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
    settings_dict.update(ENGINE="django.db.backends.sqlite3", NAME=str(folder / "directory.sqlite3"), OPTIONS={}, HOST="", PORT="", USER="", PASSWORD="")
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
