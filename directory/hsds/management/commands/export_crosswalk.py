"""python manage.py export_crosswalk [--output FILE] [--reviewed-only] [--term-ids original|directory]: the crosswalk file for the action server."""

from pathlib import Path

from hsds.management.file_output import write_whole
from django.core.management.base import BaseCommand

from hsds.crosswalk.export import crosswalk_text


class Command(BaseCommand):
    help = "Export the taxonomy crosswalk as the crosswalk file the action server reads (CROSSWALK_FILE): to --output, else to stdout."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="the file to write (e.g. crosswalk.yml); stdout when left out")
        parser.add_argument("--reviewed-only", action="store_true", help="leave out the mappings staff have not reviewed yet")
        parser.add_argument(
            "--term-ids",
            choices=["original", "directory"],
            default="original",
            help=(
                "original (default): the ids of the source the terms were imported from, as the city's own API knows them; "
                "directory: this directory's ids (when the assistant reads this directory through its standard API)"
            ),
        )

    def handle(self, *args, output=None, reviewed_only=False, term_ids="original", **options):
        text = crosswalk_text(reviewed_only=reviewed_only, original_ids=term_ids == "original")
        if not output:
            self.stdout.write(text, ending="")
            return
        write_whole(Path(output), lambda path: Path(path).write_text(text, encoding="utf-8"), suffix=".yml")
        self.stdout.write(f"Exported the crosswalk to {output}.")
