"""Import an HSDS tabular package: a dry-run preview, then an all-or-nothing apply.

Both run the same code inside one transaction, table by table in dependency order: each row is
validated as the model validates it (without a query per row: unique_checks.py), then each table's
records are written in bulk with the audit trail one save() per record would leave (bulk_writes.py);
the preview always rolls back, the apply commits only when no row has an error. Rows are
matched by `id` (service translations by id, else service_id + language); a row equal to the stored
record is not saved, so re-importing the same file changes nothing. Columns missing from a file
leave the stored values alone; empty cells clear them.
"""

import uuid
from datetime import datetime
from typing import Dict

from django.db import DataError, IntegrityError, transaction

from .. import audit, roles
from .duplicate_links import merge_duplicate_links
from .stable_ids import assign_stable_ids
from .reading import Package, Sheet, read_package
from .tables import BY_NAME, COLUMN_NAME, IMPORT_ORDER, PARENT_COLUMNS, TRANSLATIONS_TABLE, Table


from .import_report import Counts, Problem, Report, RowError
from .other_tables import OtherTables
from .row_importers import ModelledRows, OwnerChecks
from .cells import blank
from .bulk_writes import Queued, stamp_created_services, write_sheet
from .progress import Progress
from .unique_checks import UniqueValues

DEFAULT_SOURCE = "default"


def preview(path, user=None, who: str = "system", source: str = DEFAULT_SOURCE, progress: Progress = None) -> Report:
    return run(read_package(path), user=user, who=who, commit=False, source=source, progress=progress)


def apply(path, user=None, who: str = "system", source: str = DEFAULT_SOURCE, progress: Progress = None) -> Report:
    return run(read_package(path), user=user, who=who, commit=True, source=source, progress=progress)


def run(package: Package, user=None, who: str = "system", commit: bool = False, source: str = DEFAULT_SOURCE, progress: Progress = None) -> Report:
    """Import `package` as `user` (None: the system, allowed everything); commit only if `commit` and clean.

    `source` names the directory the package comes from: its non-UUID ids map to the same UUIDs at
    every import (stable_ids.py). `progress` hears of every row done (progress.py)."""
    assign_stable_ids(package, source)
    merge_duplicate_links(package)
    importer = _Importer(package, user, progress or Progress())
    report = importer.report
    report.dry_run = not commit
    with transaction.atomic():
        with audit.acting_as(who, "import"):
            importer.import_all()
        if commit and report.ok:
            report.applied = True
        else:
            transaction.set_rollback(True)
    if report.applied:  # the package's own taxonomy terms: suggested needs for those nobody mapped yet
        from ..crosswalk.suggestions import apply_suggestions

        report.crosswalk = apply_suggestions(who=who)
    return report


# --- parsing cells -------------------------------------------------------------------------------


class _Importer(ModelledRows, OwnerChecks, OtherTables):
    """Reads every sheet in dependency order, each row through the importer of its kind."""

    def __init__(self, package: Package, user, progress: Progress):
        self.package = package
        self.progress = progress
        progress.start(sum(len(sheet.rows) for sheet in package.sheets.values()))
        self.uniques = UniqueValues()
        self.pending: list = []
        self.row_at = (0, "")
        self.user = user
        self.allowed = roles.editable_organization_ids(user) if user is not None else None
        self.report = Report()
        self.failed_ids: Dict[str, Dict[str, int]] = {}  # table -> {id text: row number}
        self.created_services: Dict[uuid.UUID, datetime] = {}
        self.known: Dict[type, set] = {}
        self.stored: Dict[uuid.UUID, object] = {}
        self.editable: Dict[uuid.UUID, object] = {}
        for note in package.notes:
            self.report.warnings.append(Problem("package", None, note))

    # messages
    def error(self, sheet: Sheet, row, message: str):
        self.report.errors.append(Problem(sheet.source, row, message))

    def warn(self, sheet: Sheet, row, message: str):
        self.report.warnings.append(Problem(sheet.source, row, message))

    def import_all(self):
        sheets = self.package.sheets
        unknown = [name for name in sheets if name not in BY_NAME]
        for name in IMPORT_ORDER + unknown:
            sheet = sheets.get(name)
            if sheet is None:
                continue
            table = BY_NAME.get(name) or Table(name, name, list(sheet.header), None, ("id",), {}, hsds=False)
            if name not in BY_NAME:
                self.warn(sheet, None, f"'{name}' is not an HSDS table; its rows are kept as they are and exported again")
            self.import_sheet(table, sheet)
        # A created service keeps the last_modified its source gave it (HSDS: when its data last
        # changed), set after its phones and hours were added. last_modified is not audited.
        stamp_created_services(self.created_services)

    def import_sheet(self, table: Table, sheet: Sheet):
        counts = self.report.tables.setdefault(table.name, Counts())
        self.report.sources[table.name] = sheet.source
        self.failed_ids[table.name] = {}
        for number, message in sheet.problems:
            self.error(sheet, number, message)
        if not sheet.rows:
            return
        try:
            self.import_rows(table, sheet, counts)
        finally:
            self.progress.finish_sheet(len(sheet.rows))

    def import_rows(self, table: Table, sheet: Sheet, counts: Counts):
        if "id" not in sheet.header and "id" in table.columns:
            self.error(sheet, None, "the file has no id column; every HSDS row needs its id to be matched on import")
            counts.errors += len(sheet.rows)
            return
        unknown_columns = [c for c in sheet.header if c and c not in table.columns]
        unsafe = [c for c in unknown_columns if not COLUMN_NAME.fullmatch(c)]
        if unsafe:
            self.error(
                sheet,
                None,
                f"column name(s) {', '.join(repr(c[:40]) for c in unsafe)} are not allowed: a column name " f"starts with a letter or digit and holds letters, digits, spaces, _ . or - (at most 64)",
            )
            counts.errors += len(sheet.rows)
            return
        if table.model is not None and unknown_columns:
            self.warn(sheet, None, f"column(s) {', '.join(unknown_columns)} are not HSDS columns; their values are kept and exported again")
        seen: Dict[str, int] = {}
        self.prefetch(table, sheet)
        # Modelled records are only checked here and written in bulk below; the others write as they go.
        bulk = table.model is not None and table.name != TRANSLATIONS_TABLE
        self.pending = []
        for number, row in self.ordered_rows(table, sheet):
            self.progress.row_done()
            key = self.row_key(table, row)
            if key and key in seen:
                self.error(sheet, number, f"the same record appears twice (also row {seen[key]}); each id may appear once")
                counts.errors += 1
                continue
            if key:
                seen[key] = number
            self.row_at = (number, key)
            try:
                if bulk:
                    outcome = self.import_row(table, row)
                else:
                    with transaction.atomic():
                        outcome = self.import_row(table, row)
            except RowError as problem:
                for message in problem.messages:
                    self.error(sheet, number, message)
                counts.errors += 1
                if key:
                    self.failed_ids[table.name][key] = number
                continue
            except (IntegrityError, DataError) as problem:
                self.error(sheet, number, f"the database refused the row ({str(problem).splitlines()[0][:200]})")
                counts.errors += 1
                if key:
                    self.failed_ids[table.name][key] = number
                continue
            if isinstance(outcome, tuple):
                outcome, warnings = outcome
                for message in warnings:
                    self.warn(sheet, number, message)
            setattr(counts, outcome, getattr(counts, outcome) + 1)
        write_sheet(self, sheet, counts, self.pending)
        self.pending = []
        # Parents were imported first; the messages follow the file's row order again.
        first = next((i for i, e in enumerate(self.report.errors) if e.source == sheet.source), None)
        if first is not None:
            self.report.errors[first:] = sorted(self.report.errors[first:], key=lambda e: (e.row or 0))

    def prefetch(self, table: Table, sheet: Sheet):
        """The stored records this sheet's rows match, read in two queries (one copy to compare, one to change)."""
        self.stored, self.editable = {}, {}
        if table.model is None or table.name == TRANSLATIONS_TABLE:
            return
        ids = []
        for _, row in sheet.rows:
            try:
                ids.append(uuid.UUID(str(row.get("id", "")).strip()))
            except ValueError:
                pass
        self.stored = table.model.objects.in_bulk(ids)
        self.editable = table.model.objects.in_bulk(ids)

    def row_key(self, table: Table, row: dict) -> str:
        if table.name == TRANSLATIONS_TABLE and blank(row.get("id")):
            return f"{str(row.get('service_id', '')).strip().lower()}/{str(row.get('language', '')).strip().lower()}"
        return str(row.get("id", "")).strip().lower()

    def ordered_rows(self, table: Table, sheet: Sheet):
        """Rows with parents in the same file after their parent (organisations, taxonomy terms)."""
        parent_column = PARENT_COLUMNS.get(table.name)
        if not parent_column:
            return sheet.rows
        by_id = {str(r.get("id", "")).strip().lower(): (n, r) for n, r in sheet.rows}
        done, ordered = set(), []

        def visit(item, depth=0):
            number, row = item
            if number in done:
                return
            done.add(number)
            parent = by_id.get(str(row.get(parent_column, "")).strip().lower())
            if parent is not None and depth < 50:
                visit(parent, depth + 1)
            ordered.append(item)

        for item in sheet.rows:
            visit(item)
        return ordered

    # references ---------------------------------------------------------------------------------
    def exists(self, model, pk) -> bool:
        """Whether a record exists now (ids read once per model, then kept up to date as rows are saved)."""
        if model not in self.known:
            self.known[model] = set(model.objects.values_list("pk", flat=True))
        return pk in self.known[model]

    def saved(self, instance):
        self.exists(type(instance), instance.pk)  # the stored ids first: this one is not written yet
        self.known[type(instance)].add(instance.pk)

    def queue(self, instance, existing, stamp=None):
        """A validated record, written with its sheet (bulk_writes.py); later rows already see it."""
        number, key = self.row_at
        self.pending.append(Queued(instance, existing, number, key, stamp))
        self.saved(instance)
        self.uniques.accept(instance, existing)
        if existing is None and stamp is not None:
            self.created_services[instance.id] = stamp


__all__ = ["Report", "Problem", "Counts", "preview", "apply", "run"]
