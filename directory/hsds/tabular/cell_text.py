"""How a value becomes the text of a CSV or XLSX cell, and how a cell a spreadsheet would run as a formula is
made plain text on export and restored on import."""

import re
import uuid
from datetime import date, datetime, time, timezone as dt_timezone
from decimal import Decimal

# A CSV cell a spreadsheet would run as a formula: one starting with = + - @ tab or carriage return
# (after any quotes we added before). A plain number such as -73.5 is not a formula and is left alone.
_FORMULA_START = re.compile(r"'*[=+\-@\t\r]")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _formula_like(text: str) -> bool:
    return bool(_FORMULA_START.match(text)) and not _NUMBER.fullmatch(text)


def neutralised(text: str) -> str:
    """A CSV cell as exported: a leading apostrophe makes a formula-like cell plain text in spreadsheets."""
    return "'" + text if _formula_like(text) else text


def restored(text: str) -> str:
    """The inverse of neutralised(), applied to every cell an import reads from a CSV file."""
    return text[1:] if text.startswith("'") and _formula_like(text[1:]) else text


def as_cell(value) -> str:
    """A Python value as the text of a CSV cell (the inverse of the importer's parsing)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt_timezone.utc).replace(tzinfo=None)
            suffix = "Z"
        else:
            suffix = ""
        precision = "seconds" if not value.microsecond else "milliseconds" if value.microsecond % 1000 == 0 else "microseconds"
        return value.isoformat(timespec=precision) + suffix
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    if isinstance(value, uuid.UUID):
        return str(value)
    return str(value)
