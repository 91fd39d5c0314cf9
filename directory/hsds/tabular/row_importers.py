"""Rows of the tables the directory models: references resolved, values fitted, the record validated and
saved (ModelledRows); and whose records an editor may change (OwnerChecks)."""

from typing import List

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models as dj

from .. import models as m, roles
from .normalise import normalised_row
from .tables import BY_NAME, LINKABLE, TRANSLATIONS_TABLE, Table, model_columns
from .cells import ELLIPSIS, STRICT_COLUMNS, blank, describe_validation_error, parse_uuid, parse_value, same_as_stored, table_name_of
from .import_report import RowError


class ModelledRows:
    def reference(self, table: Table, row: dict, column: str, model, required: bool, warnings: list):
        """The id a reference column points to, checked against the package and the directory."""
        value = parse_uuid(row.get(column), column)
        if value is None:
            if required:
                raise RowError(f"{column} is required (the cell is empty)")
            return None, None
        if self.exists(model, value):
            return value, None
        target = BY_NAME.get(table_name_of(model))
        target_name = target.name if target else model.__name__
        key = str(value)
        failed = self.failed_ids.get(target_name, {}).get(key)
        if failed is not None:
            source = self.package.sheets[target_name].source
            raise RowError(f"{column} refers to '{key}', whose own row (row {failed} of {source}) has errors")
        if required:
            raise RowError(f"{column} '{key}' does not exist (it is neither in {target_name}.csv of this package nor in the directory)")
        warnings.append(f"{column} '{key}' is neither in {target_name}.csv of this package nor in the directory; " f"the link is kept for export but not used")
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
                try:  # auto_now on save; a created service gets this value at the end (import_all)
                    stamp = None if blank(row[column]) else parse_value(model_field, row[column], column)
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
            if blank(text):
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
            self.uniques.full_clean(instance)
        except ValidationError as error:
            raise RowError(*describe_validation_error(error, table, instance, row))
        if existing is not None and same_as_stored(existing, instance):
            return "unchanged", warnings
        self.check_owner(instance, existing)
        self.queue(instance, existing, stamp)  # written in bulk at the end of the sheet (bulk_writes.py)
        return ("created" if existing is None else "updated"), warnings

    def fit_length(self, model_field, column: str, value, extra: dict, warnings: list):
        """Free text longer than its field (HSDS sets no limit): shortened for display, kept whole for export."""
        limit = getattr(model_field, "max_length", None)
        if (
            not isinstance(value, str)
            or not limit
            or model_field.choices
            or column in STRICT_COLUMNS
            or not isinstance(model_field, dj.CharField)
            or isinstance(model_field, (dj.EmailField, dj.URLField))
        ):
            return value
        if len(value) <= limit:
            extra.pop(column, None)
            return value
        extra[column] = value
        warnings.append(f"{column} is longer than {limit} characters; the directory shows the first {limit - 1} " f"and keeps the whole text for export")
        return value[: limit - 1].rstrip() + ELLIPSIS


class OwnerChecks:
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
