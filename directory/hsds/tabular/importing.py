"""Import an HSDS tabular package: a dry-run preview, then an all-or-nothing apply.

Both run the same code inside one transaction, table by table in dependency order, row by row
(`full_clean()` + `save()`, so the model validation and the audit trail apply as for any other
write); the preview always rolls back, the apply commits only when no row has an error. Rows are
matched by `id` (service translations by id, else service_id + language); a row equal to the stored
record is not saved, so re-importing the same file changes nothing. Columns missing from a file
leave the stored values alone; empty cells clear them.
"""
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone as dt_timezone
from decimal import Decimal, InvalidOperation
from typing import Dict, List, Optional

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DataError, IntegrityError, models as dj, transaction
from django.utils.dateparse import parse_datetime

from .. import audit, models as m, roles
from .duplicate_links import merge_duplicate_links
from .normalise import normalised_row
from .stable_ids import assign_stable_ids
from .reading import Package, Sheet, read_package
from .tables import (
    BY_NAME, COLUMN_NAME, IMPORT_ORDER, LINKABLE, PARENT_COLUMNS, TRANSLATIONS_TABLE, Table, model_columns,
)

TRUE_WORDS = {"true", "yes", "y", "1", "t"}
FALSE_WORDS = {"false", "no", "n", "0", "f"}
ELLIPSIS = "\u2026"
# Codes and short values: too long is an error, never shortened.
STRICT_COLUMNS = {"code", "language", "country", "postal_code", "number", "freq", "wkst", "byday", "type",
                  "link_entity", "status", "location_type", "address_type", "version"}
# References from the HSDS tables we keep whole (ExtraRecord) to the records we model.
EXTRA_REFERENCES = {"organization_id": m.Organization, "service_id": m.Service, "location_id": m.Location,
                    "service_at_location_id": m.ServiceAtLocation}


DEFAULT_SOURCE = "default"


@dataclass
class Problem:
    source: str
    row: Optional[int]
    message: str

    def __str__(self):
        where = f"row {self.row} of {self.source}" if self.row else self.source
        return f"{where}: {self.message}"


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged + self.errors


@dataclass
class Report:
    tables: "OrderedDict[str, Counts]" = field(default_factory=OrderedDict)
    sources: Dict[str, str] = field(default_factory=dict)
    errors: List[Problem] = field(default_factory=list)
    warnings: List[Problem] = field(default_factory=list)
    applied: bool = False
    dry_run: bool = True
    skipped: List[Problem] = field(default_factory=list)   # ON_ERROR=skip: rows left out, with why (skipping.py)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changes(self) -> int:
        return sum(c.created + c.updated for c in self.tables.values())

    def as_text(self) -> str:
        lines = ["Table                          created  updated  unchanged  errors"]
        for name, counts in self.tables.items():
            lines.append(f"{self.sources.get(name, name):<30} {counts.created:>7}  {counts.updated:>7}  {counts.unchanged:>9}  {counts.errors:>6}")
        if self.warnings:
            lines += ["", f"{len(self.warnings)} warning(s):"] + [f"  - {w}" for w in self.warnings]
        if self.skipped:
            lines += ["", f"{len(self.skipped)} row(s) left out with their record (row numbers as a spreadsheet shows them):"]
            lines += [f"  - {s}" for s in self.skipped]
        if self.errors:
            lines += ["", f"{len(self.errors)} error(s) (row numbers as a spreadsheet shows them; the header is row 1):"]
            lines += [f"  - {e}" for e in self.errors]
        lines.append("")
        if self.applied:
            lines.append(f"Applied: {self.changes} record(s) created or updated.")
        elif self.errors:
            lines.append("Nothing was changed: correct the errors and import again.")
        elif self.dry_run:
            lines.append(f"Dry run: nothing was changed. Applying would create or update {self.changes} record(s).")
        return "\n".join(lines)


class RowError(Exception):
    def __init__(self, *messages):
        super().__init__(messages[0] if messages else "")
        self.messages = list(messages)


def preview(path, user=None, who: str = "system", source: str = DEFAULT_SOURCE) -> Report:
    return run(read_package(path), user=user, who=who, commit=False, source=source)


def apply(path, user=None, who: str = "system", source: str = DEFAULT_SOURCE) -> Report:
    return run(read_package(path), user=user, who=who, commit=True, source=source)


def run(package: Package, user=None, who: str = "system", commit: bool = False, source: str = DEFAULT_SOURCE) -> Report:
    """Import `package` as `user` (None: the system, allowed everything); commit only if `commit` and clean.

    `source` names the directory the package comes from: its non-UUID ids map to the same UUIDs at
    every import (stable_ids.py)."""
    assign_stable_ids(package, source)
    merge_duplicate_links(package)
    importer = _Importer(package, user)
    report = importer.report
    report.dry_run = not commit
    with transaction.atomic():
        with audit.acting_as(who, "import"):
            importer.import_all()
        if commit and report.ok:
            report.applied = True
        else:
            transaction.set_rollback(True)
    return report


# --- parsing cells -------------------------------------------------------------------------------

def _blank(text) -> bool:
    return text is None or str(text).strip() == ""


def parse_uuid(text: str, column: str) -> Optional[uuid.UUID]:
    if _blank(text):
        return None
    try:
        return uuid.UUID(str(text).strip())
    except ValueError:
        raise RowError(f"'{str(text)[:40]}' in {column} is not a valid id (HSDS ids are UUIDs such as 3f7b145d-84af-42d7-8fae-eaca714b02b2)")


def parse_value(model_field, text: str, column: str):
    """A cell's text as the value of a model field; empty cells are null (or '' for text fields)."""
    if _blank(text):
        return None if model_field.null or not isinstance(model_field, (dj.CharField, dj.TextField)) else ""
    raw = str(text)
    value = raw.strip()
    if model_field.choices or isinstance(model_field, (dj.EmailField, dj.URLField)):
        return value
    if isinstance(model_field, (dj.ForeignKey, dj.UUIDField)):
        return parse_uuid(value, column)
    if isinstance(model_field, dj.BooleanField):
        if value.lower() in TRUE_WORDS:
            return True
        if value.lower() in FALSE_WORDS:
            return False
        raise RowError(f"'{value[:20]}' in {column} is not yes or no (write true or false)")
    if isinstance(model_field, (dj.IntegerField,)):
        try:
            number = Decimal(value)
            if number != number.to_integral_value():
                raise InvalidOperation
            return int(number)
        except (InvalidOperation, ValueError):
            raise RowError(f"'{value[:20]}' in {column} is not a whole number")
    if isinstance(model_field, dj.DecimalField):
        try:
            number = Decimal(value.replace(",", ".") if value.count(",") == 1 and "." not in value else value)
            if not number.is_finite():
                raise InvalidOperation
            return number
        except InvalidOperation:
            raise RowError(f"'{value[:20]}' in {column} is not a number")
    if isinstance(model_field, dj.DateTimeField):
        parsed = None
        try:
            parsed = parse_datetime(value.replace(" ", "T", 1)) if "T" in value or " " in value else None
            if parsed is None:
                parsed = datetime.combine(date.fromisoformat(value), time(0, 0))
        except ValueError:
            parsed = None
        if parsed is None:
            raise RowError(f"'{value[:30]}' in {column} is not a date and time (write it as 2025-01-31T14:30:00Z)")
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=dt_timezone.utc)
        return parsed
    if isinstance(model_field, dj.DateField):
        try:
            return date.fromisoformat(value[:10] if len(value) > 10 and value[10] in "T " else value)
        except ValueError:
            raise RowError(f"'{value[:30]}' in {column} is not a date (write it as YYYY-MM-DD, e.g. 2025-01-31)")
    if isinstance(model_field, dj.TimeField):
        cleaned = value[:-1] if value.upper().endswith("Z") else value
        try:
            parsed = time.fromisoformat(cleaned)
        except ValueError:
            raise RowError(f"'{value[:20]}' in {column} is not a time of day (write it as 10:00 or 10:00:00)")
        return parsed.replace(tzinfo=None)
    return raw  # text: kept exactly as written


# --- plain-words validation messages -------------------------------------------------------------

def describe_validation_error(error: ValidationError, table: Table, instance, row: dict) -> List[str]:
    names = {f.name: f.attname for f in instance._meta.concrete_fields}
    messages = []
    items = error.error_dict.items() if hasattr(error, "error_dict") else [(NON_FIELD_ERRORS, error.error_list)]
    for name, errors in items:
        column = names.get(name, name)
        for item in errors:
            text = " ".join(item.messages)
            value = str(row.get(column, getattr(instance, column, "") or ""))[:40]
            code = item.code
            if name == NON_FIELD_ERRORS or code is None:
                messages.append(text)
            elif code in ("blank", "null"):
                messages.append(f"{column} is required (the cell is empty)")
            elif code == "invalid" and "URL" in text:
                messages.append(f"'{value}' in {column} is not a valid web address (write it as https://...)")
            elif code == "invalid" and "email" in text.lower():
                messages.append(f"'{value}' in {column} is not a valid e-mail address")
            elif code == "invalid_choice":
                field_ = instance._meta.get_field(name)
                choices = ", ".join(str(c[0]) for c in field_.choices or [])
                messages.append(f"'{value}' is not a valid {column}; use one of: {choices}")
            elif code == "max_length":
                messages.append(f"{column} is too long ({text.split('(')[0].strip().lower().replace('ensure this value has ', '')})")
            elif code in ("unique", "unique_together", "unique_constraint"):
                messages.append(f"{column} '{value}' is already used by another record" if column != NON_FIELD_ERRORS else text)
            else:
                messages.append(f"{column} '{value}': {text}")
    return messages


# --- the importer --------------------------------------------------------------------------------

class _Importer:
    def __init__(self, package: Package, user):
        self.package = package
        self.user = user
        self.allowed = roles.editable_organization_ids(user) if user is not None else None
        self.report = Report()
        self.failed_ids: Dict[str, Dict[str, int]] = {}     # table -> {id text: row number}
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
        for service_id, stamp in self.created_services.items():
            m.Service.objects.filter(id=service_id).update(last_modified=stamp)

    def import_sheet(self, table: Table, sheet: Sheet):
        counts = self.report.tables.setdefault(table.name, Counts())
        self.report.sources[table.name] = sheet.source
        self.failed_ids[table.name] = {}
        for number, message in sheet.problems:
            self.error(sheet, number, message)
        if not sheet.rows:
            return
        if "id" not in sheet.header and "id" in table.columns:
            self.error(sheet, None, "the file has no id column; every HSDS row needs its id to be matched on import")
            counts.errors += len(sheet.rows)
            return
        unknown_columns = [c for c in sheet.header if c and c not in table.columns]
        unsafe = [c for c in unknown_columns if not COLUMN_NAME.fullmatch(c)]
        if unsafe:
            self.error(sheet, None, f"column name(s) {', '.join(repr(c[:40]) for c in unsafe)} are not allowed: a column name "
                                    f"starts with a letter or digit and holds letters, digits, spaces, _ . or - (at most 64)")
            counts.errors += len(sheet.rows)
            return
        if table.model is not None and unknown_columns:
            self.warn(sheet, None, f"column(s) {', '.join(unknown_columns)} are not HSDS columns; their values are kept and exported again")
        seen: Dict[str, int] = {}
        self.prefetch(table, sheet)
        for number, row in self.ordered_rows(table, sheet):
            key = self.row_key(table, row)
            if key and key in seen:
                self.error(sheet, number, f"the same record appears twice (also row {seen[key]}); each id may appear once")
                counts.errors += 1
                continue
            if key:
                seen[key] = number
            try:
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
        if table.name == TRANSLATIONS_TABLE and _blank(row.get("id")):
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
        if type(instance) in self.known:
            self.known[type(instance)].add(instance.pk)

    def reference(self, table: Table, row: dict, column: str, model, required: bool, warnings: list):
        """The id a reference column points to, checked against the package and the directory."""
        value = parse_uuid(row.get(column), column)
        if value is None:
            if required:
                raise RowError(f"{column} is required (the cell is empty)")
            return None, None
        if self.exists(model, value):
            return value, None
        target = BY_NAME.get(_table_name_of(model))
        target_name = target.name if target else model.__name__
        key = str(value)
        failed = self.failed_ids.get(target_name, {}).get(key)
        if failed is not None:
            source = self.package.sheets[target_name].source
            raise RowError(f"{column} refers to '{key}', whose own row (row {failed} of {source}) has errors")
        if required:
            raise RowError(f"{column} '{key}' does not exist (it is neither in {target_name}.csv of this package nor in the directory)")
        warnings.append(f"{column} '{key}' is neither in {target_name}.csv of this package nor in the directory; "
                        f"the link is kept for export but not used")
        return None, key

    # rows ---------------------------------------------------------------------------------------
    def import_row(self, table: Table, row: dict):
        if table.model is None:
            return self.import_extra(table, row)
        if table.name == TRANSLATIONS_TABLE:
            return self.import_translation(table, row)
        model = table.model
        row, warnings = normalised_row(table.name, row, settings.CITY_PHONE_REGION)
        record_id = parse_uuid(row.get("id"), "id")
        if record_id is None:
            raise RowError("the id is missing; every HSDS row needs an id")
        existing = self.stored.get(record_id)
        instance = self.editable.get(record_id) if existing is not None else model(id=record_id)
        problems: List[str] = []
        failed: List[str] = []
        stamp = None
        extra = dict(instance.extra or {})
        columns = model_columns(table)
        for column, model_field in columns.items():
            if column not in row:
                continue
            if column == "last_modified":
                try:   # auto_now on save; a created service gets this value at the end (import_all)
                    stamp = None if _blank(row[column]) else parse_value(model_field, row[column], column)
                except RowError as problem:
                    problems += problem.messages
                continue
            try:
                if isinstance(model_field, dj.ForeignKey):
                    required = not model_field.null
                    value, dangling = self.reference(table, row, column, model_field.related_model, required, warnings)
                    if dangling is not None:
                        extra[column] = dangling
                    else:
                        extra.pop(column, None)
                else:
                    value = parse_value(model_field, row[column], column)
                    value = self.fit_length(model_field, column, value, extra, warnings)
                setattr(instance, model_field.attname, value)
            except RowError as problem:
                problems += problem.messages
                failed.append(model_field.name)
        for column, text in row.items():
            if not column or column == "id" or column in columns:
                continue
            if _blank(text):
                extra.pop(column, None)
            else:
                extra[column] = str(text)
        if table.name == "attributes" and not problems:
            problems += self.check_attribute_link(instance, warnings)
        if problems:
            # Also name the other fields' problems (model-wide checks need every value, so they wait).
            try:
                instance.clean_fields(exclude=failed)
            except ValidationError as error:
                problems += describe_validation_error(error, table, instance, row)
            raise RowError(*problems)
        instance.extra = extra
        self.check_links(table, instance)
        try:
            # References were checked above (with plain-words messages); ids are unique by construction.
            references = [] if model is m.Attribute else [f.name for f in model._meta.concrete_fields if isinstance(f, dj.ForeignKey)]
            instance.full_clean(exclude=references, validate_unique=model in (m.TaxonomyTerm, m.Attribute))
        except ValidationError as error:
            raise RowError(*describe_validation_error(error, table, instance, row))
        if existing is not None and _same(existing, instance):
            return "unchanged", warnings
        self.check_owner(instance, existing)
        instance.save()
        self.saved(instance)
        if existing is None and stamp is not None:
            self.created_services[instance.id] = stamp
        return ("created" if existing is None else "updated"), warnings

    def fit_length(self, model_field, column: str, value, extra: dict, warnings: list):
        """Free text longer than its field (HSDS sets no limit): shortened for display, kept whole for export."""
        limit = getattr(model_field, "max_length", None)
        if (not isinstance(value, str) or not limit or model_field.choices or column in STRICT_COLUMNS
                or not isinstance(model_field, dj.CharField) or isinstance(model_field, (dj.EmailField, dj.URLField))):
            return value
        if len(value) <= limit:
            extra.pop(column, None)
            return value
        extra[column] = value
        warnings.append(f"{column} is longer than {limit} characters; the directory shows the first {limit - 1} "
                        f"and keeps the whole text for export")
        return value[: limit - 1].rstrip() + ELLIPSIS

    def check_links(self, table: Table, instance):
        """Phones, hours and languages must belong to something."""
        links = {
            "phones": ("service_id", "location_id", "organization_id", "service_at_location_id"),
            "schedules": ("service_id", "location_id", "service_at_location_id"),
            "languages": ("service_id", "location_id", "phone_id"),
        }.get(table.name)
        if links and not any(getattr(instance, name) for name in links) and not instance.extra.get("contact_id"):
            raise RowError(f"the row belongs to nothing: give one of {', '.join(links)}" + (", contact_id" if table.name == "phones" else ""))

    def check_attribute_link(self, instance, warnings) -> List[str]:
        model = LINKABLE.get((instance.link_entity or "").strip().lower())
        if model is None:
            warnings.append(f"link_entity '{instance.link_entity[:30]}' is not a table this directory links; the attribute is kept as it is")
            return []
        if instance.link_id and not self.exists(model, instance.link_id):
            return [f"link_id '{instance.link_id}' is not a {instance.link_entity} in this package or the directory"]
        return []

    def import_translation(self, table: Table, row: dict):
        record_id = parse_uuid(row.get("id"), "id")
        service_id, _ = self.reference(table, row, "service_id", m.Service, True, [])
        language = str(row.get("language", "")).strip().lower()
        translations = m.ServiceTranslation.objects
        existing = (translations.filter(pk=record_id).first() if record_id else None) \
            or translations.filter(service_id=service_id, language=language).first()
        if existing is not None:
            instance = translations.get(pk=existing.pk)
            instance.service_id, instance.language = service_id, language
        else:
            instance = m.ServiceTranslation(service_id=service_id, language=language)
            if record_id:
                instance.id = record_id
        for column in m.ServiceTranslation.TRANSLATED_FIELDS:
            if column in row:
                setattr(instance, column, "" if _blank(row[column]) else str(row[column]))
        try:
            instance.full_clean()
        except ValidationError as error:
            raise RowError(*describe_validation_error(error, table, instance, row))
        if existing is not None and _same(existing, instance):
            return "unchanged"
        self.check_owner(instance, existing)
        instance.save()
        return "created" if existing is None else "updated"

    def import_extra(self, table: Table, row: dict):
        record_id = str(row.get("id", "")).strip()
        if not record_id:
            raise RowError("the id is missing; every HSDS row needs an id")
        if len(record_id) > 64:
            raise RowError(f"the id '{record_id[:40]}...' is too long (at most 64 characters)")
        problems, warnings = [], []
        if table.hsds:
            for column in table.required:
                if column != "id" and column in row and _blank(row[column]):
                    problems.append(f"{column} is required (the cell is empty)")
            for column, model in EXTRA_REFERENCES.items():
                if column in table.columns and not _blank(row.get(column)):
                    try:
                        self.reference(table, row, column, model, column in table.required, warnings)
                    except RowError as problem:
                        problems += problem.messages
        if problems:
            raise RowError(*problems)
        existing = m.ExtraRecord.objects.filter(entity=table.name, record_id=record_id).first()
        data = dict(existing.data) if existing else {}
        for column, text in row.items():
            if not column or column == "id":
                continue
            if _blank(text):
                data.pop(column, None)
            else:
                data[column] = str(text)
        if existing is not None and existing.data == data:
            return "unchanged", warnings
        if self.allowed is not None:
            self.refuse_unless_own(m.organizations_of_row(data) | (existing.organization_ids() if existing else set()))
        record = existing or m.ExtraRecord(entity=table.name, record_id=record_id)
        record.data = data
        record.save()
        return ("created" if existing is None else "updated"), warnings

    # editors ------------------------------------------------------------------------------------
    def check_owner(self, instance, existing):
        """Editors import only records whose every reference (before and after) leads to their organisations."""
        if self.allowed is None:
            return
        owners = roles.organization_ids_of(instance)
        if existing is not None:
            owners |= roles.organization_ids_of(existing)
        self.refuse_unless_own(owners)

    def refuse_unless_own(self, owners: set):
        if roles.may_change_records_of(self.user, owners):
            return
        others = [o for o in owners if o not in self.allowed]
        names = [str(n) for n in m.Organization.objects.filter(id__in=others).order_by("name").values_list("name", flat=True)]
        whose = f" (it belongs to {', '.join(names)})" if names else ""
        raise RowError(f"you may only import records of your own organisations{whose}")


def _table_name_of(model) -> str:
    for table in BY_NAME.values():
        if table.model is model:
            return table.name
    return model.__name__.lower()


def _same(stored, incoming) -> bool:
    """True when saving `incoming` would change nothing that the audit trail records."""
    if getattr(stored, "extra", None) != getattr(incoming, "extra", None):
        return False
    before, after = audit.recorded_values(stored), audit.recorded_values(incoming)
    before.pop("extra", None)
    after.pop("extra", None)
    return before == after


__all__ = ["Report", "Problem", "Counts", "preview", "apply", "run"]
