"""python manage.py export_hsds OUT.zip|OUT.xlsx: the whole directory as an HSDS tabular package."""

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hsds import tabular


class Command(BaseCommand):
    help = "Export the directory as the HSDS tabular data package: OUT.zip (CSV files + datapackage.json) or OUT.xlsx."

    def add_arguments(self, parser):
        parser.add_argument("out", help="the file to write: a name ending in .zip or .xlsx")

    def handle(self, *args, out, **options):
        target = Path(out)
        fmt = target.suffix.lower().lstrip(".")
        if fmt not in ("zip", "xlsx"):
            raise CommandError(f"{out}: the file name must end in .zip (CSV package) or .xlsx (workbook).")
        if target.parent and not target.parent.exists():
            raise CommandError(f"{target.parent} does not exist.")
        # Written beside the target and renamed, so a failed export never leaves half a file.
        handle, temporary = tempfile.mkstemp(dir=target.parent or ".", prefix=".export-", suffix="." + fmt)
        os.close(handle)
        try:
            tabular.export(temporary, fmt)
            os.replace(temporary, target)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
        self.stdout.write(f"Exported the directory to {target} ({fmt}).")
