"""Real-world cell values that have one right meaning, turned into what HSDS and our models expect.

A city's existing directory (a 211 database, a spreadsheet) writes `(305) 555-0100 ext 12`, `9:00am`,
`Haitian Creole`, `www.example.org` and 8-decimal coordinates. None of these is wrong, so none may
cost a record: each function here returns the normal form, or None when the value is not one of the
shapes it knows (the importer then reports the original in plain words). README "Import and
export" lists every rule.
"""

import re
import unicodedata
import uuid
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import lru_cache
from typing import List, Optional, Tuple

import phonenumbers
from babel import Locale
from contracts.languages import LANGUAGES

COORDINATE_PLACES = Decimal("0.000001")  # 6 decimals: about 11 cm, more than any address needs
UI_LANGUAGES = LANGUAGES  # the assistant's languages: contracts/languages.yml
# Names real directories use that babel does not list under that spelling.
LANGUAGE_ALIASES = {
    "creole": "ht",  # US 211 directories write "Creole" for Haitian Creole
    "kreyol": "ht",
    "farsi": "fa",
    "dari": "prs",
    "mandarin": "zh",
    "cantonese": "yue",
    "filipino": "fil",
    "tagalog": "tl",
    "sign language": "ase",
    "american sign language": "ase",
    "asl": "ase",
}
WORDED_TIMES = {"noon": (12, 0), "midday": (12, 0), "midnight": (0, 0)}
_TIME = re.compile(r"^(\d{1,2})(?:[:.h](\d{2}))?(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?)?$")
_PHONE_SPLIT = re.compile(r"\s*(?:[;/|,\n]|\bor\b|\band\b)\s*", re.IGNORECASE)
_EXTENSION = re.compile(r"\s*(?:ext\.?|extension|x|#)\s*(\d{1,6})\s*$", re.IGNORECASE)


def folded(text: str) -> str:
    """Case, accents and spacing removed: 'Haïtian  Créole' and 'haitian creole' are one name."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[()\[\],;]", " ", plain).split())


def coordinate(text: str) -> Optional[str]:
    """A latitude or longitude rounded to 6 decimals ('47.0512345678' -> '47.051235')."""
    try:
        number = Decimal(str(text).strip().replace(",", ".") if str(text).count(",") == 1 else str(text).strip())
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    return str(number.quantize(COORDINATE_PLACES, rounding=ROUND_HALF_EVEN))


def phone_numbers(text: str, region: str) -> Optional[List[Tuple[str, Optional[int]]]]:
    """Every number in a cell as (E.164, extension); None when any part is not a phone number.

    '(305) 555-0100 ext 12 / 305.555.0101' -> [('+13055550100', 12), ('+13055550101', None)].
    """
    found = []
    for part in _PHONE_SPLIT.split(str(text).strip().strip('"')):
        if not part.strip():
            continue
        extension = None
        match = _EXTENSION.search(part)
        if match:
            extension, part = int(match.group(1)), part[: match.start()]
        try:
            parsed = phonenumbers.parse(part, region)
        except phonenumbers.NumberParseException:
            return None
        if not phonenumbers.is_valid_number(parsed):
            return None
        extension = extension or (int(parsed.extension) if parsed.extension and parsed.extension.isdigit() else None)
        found.append((phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164), extension))
    return found or None


@lru_cache(maxsize=1)
def _language_names() -> dict:
    """Folded language name (in English and the six UI languages) -> ISO 639 code."""
    names = {}
    for ui in reversed(UI_LANGUAGES):  # English last, so its spelling wins a clash
        for code, name in Locale.parse(ui).languages.items():
            if re.fullmatch(r"[a-z]{2,3}", code):
                names[folded(name)] = code
    names.update(LANGUAGE_ALIASES)
    return names


def language_code(text: str) -> Optional[str]:
    """'Spanish', 'español', 'الإسبانية', 'es' or 'ES' -> 'es'; None for a name nobody knows."""
    value = folded(str(text))
    if re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]{2,8})?", value):
        return value
    return _language_names().get(value) or _language_names().get(re.sub(r"\s+language$", "", value))


def time_of_day(text: str) -> Optional[str]:
    """'9:00am', '9 AM', '5.30 p.m.', '12 noon', '0900', '17h30' -> 'HH:MM[:SS]' (24-hour)."""
    value = folded(str(text)).replace(" ", "") if str(text).strip() else ""
    for word, (hour, minute) in WORDED_TIMES.items():
        if value in (word, f"12{word}", f"12:00{word}"):
            return f"{hour:02d}:{minute:02d}"
    if re.fullmatch(r"\d{4}", value):  # military time
        value = f"{value[:2]}:{value[2:]}"
    match = _TIME.match(value)
    if not match:
        return None
    hour, minute, second, meridiem = int(match.group(1)), int(match.group(2) or 0), match.group(3), match.group(4)
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem.startswith("p") else 0)
    if hour > 23 or minute > 59 or (second and int(second) > 59):
        return None
    return f"{hour:02d}:{minute:02d}" + (f":{second}" if second else "")


def url(text: str) -> str:
    """'www.example.org/help' -> 'https://www.example.org/help'; a value with a scheme is kept."""
    value = str(text).strip()
    if value and not re.match(r"^[a-z][a-z0-9+.-]*://", value, re.IGNORECASE) and "." in value.split("/")[0]:
        return "https://" + value.lstrip("/")
    return value


def stable_id(source: str, table: str, original: str) -> uuid.UUID:
    """The same UUID for the same record of the same source at every import (uuid5).

    `source` names the directory the package comes from, so two directories that both number their
    services 1, 2, 3 do not update each other's records.
    """
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, f"hsds-import:{source.strip().casefold()}")
    return uuid.uuid5(namespace, f"{table}:{str(original).strip()}")


# --- whole rows, as the importer reads them -------------------------------------------------------

URL_COLUMNS = {"services": ("url",), "organizations": ("website", "url"), "locations": ("url",)}
TIME_COLUMNS = ("opens_at", "closes_at")


def normalised_row(table: str, row: dict, phone_region: str) -> Tuple[dict, List[str]]:
    """A row of `table` with every cell of one right meaning in normal form, and warnings for staff.

    Values this module does not recognise are left as written: the importer's own checks then name
    them in plain words.
    """
    row, warnings = dict(row), []

    def blank(column: str) -> bool:
        return not str(row.get(column) or "").strip()

    for column in URL_COLUMNS.get(table, ()):
        if not blank(column):
            row[column] = url(row[column])
    if table == "services" and "status" in row and blank("status"):
        row["status"] = "active"
        warnings.append("status was empty: imported as active")
    if table == "locations":
        for column in ("latitude", "longitude"):
            if not blank(column):
                row[column] = coordinate(row[column]) or row[column]
    if table == "schedules":
        for column in TIME_COLUMNS:
            if not blank(column):
                row[column] = time_of_day(row[column]) or row[column]
    if table == "languages":
        written = row.get("code") if not blank("code") else row.get("name")
        code = language_code(written) if written else None
        if code:
            row["code"] = code
    if table == "phones" and not blank("number"):
        numbers = phone_numbers(row["number"], phone_region)
        if numbers:
            (number, extension), others = numbers[0], numbers[1:]
            row["number"] = number
            if extension is not None and blank("extension"):
                row["extension"] = str(extension)
            if others:
                # One phone record per row: the others stay with it (exported again) and staff are told.
                row["other_numbers"] = " ; ".join(n + (f" ext {e}" if e else "") for n, e in others)
                warnings.append(f"{len(numbers)} numbers in one cell: the first is this phone's, the others are kept in other_numbers")
    return row, warnings
