"""Staff files for the import and export security tests: a CSV table written as staff would, everything
exported as a staff member would receive it. Importing it sets Django up (tests/django_harness.py)."""

import csv
import io
import zipfile
from pathlib import Path

import django_harness

django_harness.setup()

from hsds import tabular  # noqa: E402


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
        return {name: list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"), newline=""))) for name in archive.namelist() if name.endswith(".csv")}


# Ids of rows the tests import (not in the demo city).
NEW = ["0b8d5e5e-0000-4000-8000-00000000000%d" % n for n in range(1, 10)]
