"""Parsing of the HSDS API's query parameters: a bad value is a 400 that names the parameter.

Parsing only: nothing here reads the database (filters.py resolves what a parameter names).
"""

import math
import re
import uuid
from datetime import datetime, time
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import yaml

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from hsds.models import Service

from . import language_names
from .errors import BadParameter

MAX_SEARCH_LENGTH = 200


# Larger page numbers overflowed the database's integers (a 500); no directory has that many pages.
MAX_INT_PARAMETER = 1_000_000


def positive_int(params, name: str, default: int) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw[:20])
    except (TypeError, ValueError):
        raise BadParameter(name, f"'{name}' must be a whole number, got '{raw[:40]}'.")
    if value < 1:
        raise BadParameter(name, f"'{name}' must be 1 or more.")
    if value > MAX_INT_PARAMETER or len(raw) > 20:
        raise BadParameter(name, f"'{name}' must be at most {MAX_INT_PARAMETER}.")
    return value


def response_format(params) -> str:
    """HSDS `format`: only `json` (the default) is served; anything else is a 400, not a 404."""
    raw = params.get("format")
    if raw is not None and raw != "json":
        raise BadParameter("format", f"'format' must be 'json' (the only format served), got '{raw[:40]}'.")
    return "json"


def boolean(params, name: str) -> bool:
    raw = params.get(name)
    if raw is None:
        return False
    lowered = raw.lower()
    if lowered in {"true", "1", "yes"}:
        return True
    if lowered in {"false", "0", "no"}:
        return False
    raise BadParameter(name, f"'{name}' must be true or false.")


def uuid_value(params, name: str):
    raw = params.get(name)
    if raw in (None, ""):
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise BadParameter(name, f"'{name}' must be a UUID.")


def search_text(params) -> str:
    raw = (params.get("search") or "").strip()
    if len(raw) > MAX_SEARCH_LENGTH:
        raise BadParameter("search", f"'search' is limited to {MAX_SEARCH_LENGTH} characters.")
    if "\x00" in raw:
        raise BadParameter("search", "'search' contains a null character.")
    return raw


class TermReference(NamedTuple):
    """A taxonomy term as a parameter names it: by id or, as a profile extension, by its code (e.g. 'health')."""

    parameter: str
    raw: str
    lookup: dict


def taxonomy_term(params, name: str = "taxonomy_term_id"):
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        lookup = {"id": uuid.UUID(raw)}
    except ValueError:
        lookup = {"code": raw}
    return TermReference(name, raw, lookup)


def spoken_language(params) -> str:
    """Profile extension `language`: services offered in this language, named by its ISO 639 code ('ti')
    or by its name in any of the six interface languages ('Tigrinya', 'التغرينية', 'тигринья', 'tigriña')."""
    raw = (params.get("language") or "").strip()
    if not raw:
        return ""
    if len(raw) > 64 or not raw.replace(" ", "").replace("-", "").isalpha():
        raise BadParameter("language", "'language' must be a language code such as 'ar' or 'uk'.")
    code = language_names.code_for(raw)
    if code is None:
        raise BadParameter("language", f"'language': no language is called '{raw[:40]}'; use a code such as 'ar' or 'uk'.")
    return code


# Profile extension `open`: when the service is open, in the city's time zone (settings.TIME_ZONE).
OPEN_VALUES = ("now", "today", "tomorrow", "evening", "weekend", "mo", "tu", "we", "th", "fr", "sa", "su")


def opening(params) -> str:
    raw = params.get("open")
    if raw is None:
        return ""
    value = raw.strip().lower()
    if value not in OPEN_VALUES:  # present but empty is not "absent": the OpenAPI description is an enum
        raise BadParameter("open", f"'open' must be one of: {', '.join(OPEN_VALUES)}.")
    return value


MAX_REGION_LENGTH = 100


def region(params) -> str:
    """Profile extension `region`: a neighbourhood or district of the city, by the name its addresses give."""
    raw = " ".join((params.get("region") or "").split())
    if len(raw) > MAX_REGION_LENGTH or "\x00" in raw:
        raise BadParameter("region", f"'region' is a neighbourhood's name of at most {MAX_REGION_LENGTH} characters.")
    return raw


MAX_POSTAL_CODE_LENGTH = 16


def postal_code(params) -> str:
    """Profile extension `postal_code`: services at an address with this postal code ("PM-1004", "pm 1004"),
    or, for codes written in two parts ("SW1A 1AA"), its first part ("SW1A")."""
    written = params.get("postal_code") or ""
    raw = " ".join(written.split()).upper()
    if len(written) > MAX_POSTAL_CODE_LENGTH or not re.fullmatch(r"[A-Za-z0-9 -]*", written):  # as openapi.json's pattern
        raise BadParameter("postal_code", f"'postal_code' is a postal code of at most {MAX_POSTAL_CODE_LENGTH} letters, digits, spaces or hyphens.")
    return raw


def flag(params, name: str) -> bool:
    """Profile extensions `free` and `walk_in`: `true` keeps only services with that feature; absent or
    `false`, no condition."""
    raw = params.get(name)
    if raw is None:
        return False
    value = raw.strip().lower()
    if value not in ("true", "false"):  # present but empty is not "absent": the OpenAPI description is an enum
        raise BadParameter(name, f"'{name}' must be 'true' or 'false'.")
    return value == "true"


# Profile extension `eligibility`: who may use the service, as the terms of the eligibility taxonomy
# (taxonomy/newcomer_needs.yml) without their prefix: `eligibility=children,uninsured`.
TAXONOMY_FILE = Path(__file__).resolve().parent.parent / "taxonomy" / "newcomer_needs.yml"
ELIGIBILITY_PREFIX = "eligibility-"


@lru_cache(maxsize=1)
def eligibility_groups() -> tuple:
    taxonomies = yaml.safe_load(TAXONOMY_FILE.read_text(encoding="utf-8"))["taxonomies"]
    terms = next(t["terms"] for t in taxonomies if t["key"] == "eligibility")
    return tuple(term["code"][len(ELIGIBILITY_PREFIX) :] for term in terms)


def eligibility(params) -> list:
    """The groups named (comma-separated), each a term code of the eligibility taxonomy; every one must hold."""
    raw = params.get("eligibility") or ""
    groups = raw.split(",") if raw else []  # exactly as openapi.json's pattern: no spaces, lower case
    unknown = [g for g in groups if g not in eligibility_groups()]
    if unknown or len(raw) > 200:
        raise BadParameter("eligibility", f"'eligibility' must be one or more of: {', '.join(eligibility_groups())} (comma-separated).")
    return sorted(set(groups))


def modified_after(params):
    if params.get("modified_after") is None:
        return None
    raw = params.get("modified_after").strip()
    try:
        value = parse_datetime(raw)
        if value is None:
            day = parse_date(raw)
            value = datetime.combine(day, time.min) if day else None
    except ValueError:
        value = None
    if value is None:
        raise BadParameter("modified_after", "'modified_after' must be an ISO 8601 date or date-time, e.g. 2026-01-31T12:00:00Z.")
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_default_timezone())
    return value


def statuses(params) -> list:
    """Profile extension: `status=active,temporarily closed` keeps only those statuses."""
    raw = (params.get("status") or "").strip()
    if not raw:
        return []
    wanted = [s.strip() for s in raw.split(",") if s.strip()]
    allowed = set(Service.Status.values)
    unknown = [s for s in wanted if s not in allowed]
    if unknown:
        raise BadParameter("status", f"Unknown status '{unknown[0][:40]}'; use one of: {', '.join(sorted(allowed))}.")
    return wanted


# Profile extension "near a point": lat, lon (WGS 84 degrees) and proximity (radius in metres).
MAX_PROXIMITY_METRES = 1_000_000


def _number(params, name: str, low: float, high: float):
    raw = params.get(name)
    if raw is None:
        return None
    raw = raw.strip()
    if not raw:  # present but empty is not "absent": the OpenAPI description says number
        raise BadParameter(name, f"'{name}' must be a number, got ''.")
    try:
        value = float(raw)
    except ValueError:
        raise BadParameter(name, f"'{name}' must be a number, got '{raw[:40]}'.")
    if not math.isfinite(value) or not low <= value <= high:
        raise BadParameter(name, f"'{name}' must be between {low:g} and {high:g}.")
    return value


def point(params):
    """(lat, lon, proximity or None) when a point is given, else None. Both coordinates or neither."""
    lat = _number(params, "lat", -90, 90)
    lon = _number(params, "lon", -180, 180)
    proximity = _number(params, "proximity", 0, MAX_PROXIMITY_METRES)
    if lat is None and lon is None:
        if proximity is not None:
            raise BadParameter("proximity", "'proximity' needs a point: give 'lat' and 'lon' too.")
        return None
    if lat is None:
        raise BadParameter("lat", "'lat' is required with 'lon'.")
    if lon is None:
        raise BadParameter("lon", "'lon' is required with 'lat'.")
    if proximity is not None and proximity <= 0:
        raise BadParameter("proximity", "'proximity' must be a distance in metres greater than 0.")
    return lat, lon, proximity


def ranking(params) -> str:
    """Profile extension `rank`: `relevance` (see ranking.py) or `name` (the default, HSDS's usual order)."""
    raw = (params.get("rank") or "").strip().lower()
    if raw not in ("", "name", "relevance"):
        raise BadParameter("rank", "'rank' must be 'relevance' or 'name'.")
    return raw or "name"
