"""Reading the weekly opening hours of an HSDS service record (its own schedules and those at its locations):
`byday` codes, `opens_at`/`closes_at` as "HH:MM[:SS]", optional validity dates. Records from a directory we
do not host are not validated by us, so odd shapes are read leniently ("mo, tu", a list of days, "09:00Z")
and anything unreadable counts as unknown hours, never as open."""

import re
from datetime import date, time
from typing import Any, Dict, Iterable, Optional

from contracts.weekly_hours import DAY_CODES


def as_dict(value: Any) -> Dict[str, Any]:
    return value if isinstance(value, dict) else {}


def day_codes(byday: Any) -> str:
    """ "MO,TU" from "mo, tu" or ["MO", "TU"]; unknown days left out."""
    parts = byday if isinstance(byday, list) else str(byday or "").split(",")
    return ",".join(code for code in (str(part).strip().upper() for part in parts) if code in DAY_CODES)


def weekly_hours(service: Dict[str, Any]) -> Iterable[Dict[str, Any]]:
    """The service's weekly schedules, its own and at each of its locations (monthly ones are left out), with
    `byday` as comma-separated day codes."""
    schedules = list(service.get("schedules") or [])
    for link in service.get("service_at_locations") or []:
        schedules.extend(as_dict(link).get("schedules") or [])
    for schedule in schedules:
        if not isinstance(schedule, dict) or str(schedule.get("freq") or "WEEKLY").upper() != "WEEKLY":
            continue
        days = day_codes(schedule.get("byday"))
        if days:
            yield {**schedule, "byday": days}


def clock_time(value: Any) -> Optional[time]:
    """ "09:00", "09:00:00" (an offset or Z after it is dropped: hours are the city's) as a time; else None."""
    match = re.match(r"^\s*(\d{2}:\d{2}(?::\d{2})?)", str(value)) if value else None
    try:
        return time.fromisoformat(match.group(1)) if match else None
    except ValueError:
        return None


def _day(value: Any) -> Optional[date]:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def is_current(schedule: Dict[str, Any], today: date) -> bool:
    """Whether the schedule holds today (no `valid_from`/`valid_to`: always)."""
    starts, ends = _day(schedule.get("valid_from")), _day(schedule.get("valid_to"))
    return (starts is None or starts <= today) and (ends is None or ends >= today)
