"""python manage.py export_hsds OUT.zip|OUT.xlsx: the whole directory as an HSDS tabular package."""

from pathlib import Path

from hsds.management.file_output import write_whole
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
        write_whole(target, lambda path: tabular.export(path, fmt), suffix="." + fmt)
        self.stdout.write(f"Exported the directory to {target} ({fmt}).")
