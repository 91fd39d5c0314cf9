"""python manage.py import_hsds FILE [--dry-run] [--as USERNAME]: import an HSDS tabular package.

FILE is a zip of CSV files, a folder of CSV files or an XLSX workbook. The preview (per-table counts,
warnings, row errors in plain words) is always printed; without --dry-run the package is then applied
in one transaction if it has no errors. A progress bar (rows done/total) is drawn on stderr when it is a
terminal, or always with --progress. Exit status: 0 clean (applied, or would apply), 1 errors
(nothing changed), 2 the file cannot be read or the user is unknown.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from hsds import roles, tabular
from hsds.tabular import skipping
from hsds.tabular.progress import Progress, ProgressBar


class Command(BaseCommand):
    help = "Import an HSDS tabular package (zip of CSVs, folder of CSVs or XLSX): preview, then apply atomically."

    def add_arguments(self, parser):
        parser.add_argument("file", help="zip of CSV files, folder of CSV files, XLSX workbook, or one CSV file named after its table")
        parser.add_argument("--dry-run", action="store_true", help="Only show what would change; change nothing.")
        parser.add_argument("--as", dest="username", default="", help="Import with this staff user's rights, named in the audit trail (default: the system, allowed everything).")
        parser.add_argument(
            "--on-error",
            choices=("stop", "skip"),
            default="stop",
            help="stop (default): apply nothing while any row has an error; skip: apply every record whose rows are valid, leave out each record with an error as a whole.",
        )
        parser.add_argument("--report", default="", help="With --on-error skip: write the left-out rows and their reasons to this CSV file.")
        parser.add_argument("--progress", action="store_true", help="Draw a progress bar (rows done/total) on stderr even when it is not a terminal (it is drawn on a terminal anyway).")
        parser.add_argument("--source", default="default", help="Name of the directory the file comes from (e.g. 'miami-211'): its ids that are not UUIDs map to the same UUIDs at every import.")

    def handle(self, *args, file, dry_run=False, username="", source="default", on_error="stop", report="", progress=False, **options):
        user, who = None, "system"
        if username:
            user = get_user_model().objects.filter(username=username).first()
            if user is None:
                self.stderr.write(f"error: there is no user '{username}'.")
                raise SystemExit(2)
            if roles.role_of(user) not in (roles.ADMINISTRATOR, roles.EDITOR):
                self.stderr.write(f"error: '{username}' may not import (only administrators and editors may).")
                raise SystemExit(2)
            who = user.username
        shown = ProgressBar(self.stderr._out) if progress or self.stderr.isatty() else Progress()
        shown.set_stage("dry run" if dry_run else "applying")
        try:
            importer = skipping.run_skipping if on_error == "skip" else tabular.run
            outcome = importer(tabular.read_package(file), user=user, who=who, commit=not dry_run, source=source, progress=shown)
        except tabular.PackageError as error:
            shown.close()
            self.stderr.write(f"error: {error}")
            raise SystemExit(2)
        shown.close()
        self.stdout.write(outcome.as_text())
        if report:
            with open(report, "w", newline="", encoding="utf-8") as handle:
                skipping.write_skipped_csv(outcome, handle)
        if not outcome.ok:
            raise SystemExit(1)
