"""Cells of a tabular package as model values, and the plain-words messages for the ones that are not."""

import uuid
from datetime import date, datetime, time, timezone as dt_timezone
from decimal import Decimal, InvalidOperation
from typing import List, Optional

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models as dj
from django.utils.dateparse import parse_datetime

from .. import audit
from .tables import BY_NAME, Table
from .import_report import RowError


TRUE_WORDS = {"true", "yes", "y", "1", "t"}
FALSE_WORDS = {"false", "no", "n", "0", "f"}
ELLIPSIS = "\u2026"
# Codes and short values: too long is an error, never shortened.
STRICT_COLUMNS = {"code", "language", "country", "postal_code", "number", "freq", "wkst", "byday", "type", "link_entity", "status", "location_type", "address_type", "version"}


def blank(text) -> bool:
    return text is None or str(text).strip() == ""


def parse_uuid(text: str, column: str) -> Optional[uuid.UUID]:
    if blank(text):
        return None
    try:
        return uuid.UUID(str(text).strip())
    except ValueError:
        raise RowError(f"'{str(text)[:40]}' in {column} is not a valid id (HSDS ids are UUIDs such as 3f7b145d-84af-42d7-8fae-eaca714b02b2)")


def parse_value(model_field, text: str, column: str):
    """A cell's text as the value of a model field; empty cells are null (or '' for text fields)."""
    if blank(text):
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


def table_name_of(model) -> str:
    for table in BY_NAME.values():
        if table.model is model:
            return table.name
    return model.__name__.lower()


def same_as_stored(stored, incoming) -> bool:
    """True when saving `incoming` would change nothing that the audit trail records."""
    if getattr(stored, "extra", None) != getattr(incoming, "extra", None):
        return False
    before, after = audit.recorded_values(stored), audit.recorded_values(incoming)
    before.pop("extra", None)
    after.pop("extra", None)
    return before == after
