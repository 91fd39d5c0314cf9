"""Checks shared by every write path (admin forms, the write API, imports).

Messages are plain words for city staff: they say what is wrong with the value and what is expected.
"""

import re

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError

from contracts.weekly_hours import DAY_CODES

FREQUENCIES = ("WEEKLY", "MONTHLY")


def normalized_phone(raw: str) -> str:
    """The number in E.164 (+4420...); national numbers are read in the city's country."""
    text = (raw or "").strip().strip('"').strip()
    if not text:
        raise ValidationError({"number": "A phone number is required."})
    # Short emergency and help-line numbers (112, 116 123) are dialled as they are.
    digits = re.sub(r"[\s-]", "", text)
    if digits.isdigit() and 3 <= len(digits) <= 6:
        return digits
    try:
        parsed = phonenumbers.parse(text, settings.CITY_PHONE_REGION)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        raise ValidationError({"number": f"'{text[:40]}' is not a valid phone number (write it with the country code, e.g. +44 20 7946 0100)."})
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def normalized_days(raw: str) -> str:
    codes = [code.strip().upper() for code in (raw or "").split(",") if code.strip()]
    unknown = [code for code in codes if code not in DAY_CODES]
    if unknown:
        raise ValidationError({"byday": f"'{unknown[0][:10]}' is not a day; use {', '.join(DAY_CODES)} separated by commas."})
    return ",".join(codes)


def checked_frequency(raw: str) -> str:
    value = (raw or "WEEKLY").strip().upper()
    if value not in FREQUENCIES:
        raise ValidationError({"freq": f"'{value[:10]}' is not a supported repeat; use WEEKLY or MONTHLY."})
    return value


def check_hours(opens_at, closes_at) -> None:
    if (opens_at is None) != (closes_at is None):
        raise ValidationError({"closes_at": "Give both the opening and the closing time, or neither."})
    if opens_at is not None and opens_at >= closes_at:
        raise ValidationError({"closes_at": f"Closing time {closes_at:%H:%M} must be after opening time {opens_at:%H:%M}."})


def check_date_range(valid_from, valid_to) -> None:
    if valid_from and valid_to and valid_from > valid_to:
        raise ValidationError({"valid_to": "'valid to' must not be before 'valid from'."})


def check_age_range(minimum, maximum) -> None:
    if minimum is not None and maximum is not None and minimum > maximum:
        raise ValidationError({"maximum_age": "The maximum age must not be below the minimum age."})


def check_coordinates(latitude, longitude) -> None:
    if latitude is None and longitude is None:
        return
    if latitude is None or longitude is None:
        raise ValidationError({"longitude": "Give both latitude and longitude, or neither."})
    try:
        latitude, longitude = float(latitude), float(longitude)
    except (TypeError, ValueError):
        return  # not numbers: the fields' own validation names them
    bounds = settings.CITY_BOUNDS
    if bounds is None:
        return
    south, west, north, east = bounds
    if not (south <= float(latitude) <= north and west <= float(longitude) <= east):
        raise ValidationError(
            {"latitude": f"{float(latitude):.5f}, {float(longitude):.5f} is outside the city " f"({south}–{north} N, {west}–{east} E); check that latitude and longitude are not swapped."}
        )


def language_code(raw: str) -> str:
    code = (raw or "").strip().lower()
    if not re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]{2,8})?", code):
        raise ValidationError({"code": f"'{code[:12]}' is not a language code (use ISO 639-1 such as 'ar' or 'uk')."})
    return code


def check_translation_language(code: str) -> None:
    if code == settings.DEFAULT_CONTENT_LANGUAGE:
        raise ValidationError({"language": "The default language is edited on the service itself, not as a translation."})
    if code not in settings.CONTENT_LANGUAGES:
        raise ValidationError({"language": f"'{code[:12]}' is not one of the directory's languages ({', '.join(settings.CONTENT_LANGUAGES)})."})
