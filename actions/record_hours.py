"""Reading the weekly opening hours of an HSDS service record (its own schedules and those at its locations),
as the directory stores them: `byday` codes, `opens_at`/`closes_at` as "HH:MM[:SS]", optional validity dates."""

from datetime import date, time
from typing import Any, Dict, Iterable, Optional


def weekly_hours(service: Dict[str, Any]) -> Iterable[Dict[str, Any]]:
    """The service's weekly schedules, its own and at each of its locations (monthly ones are left out)."""
    schedules = list(service.get("schedules") or [])
    for link in service.get("service_at_locations") or []:
        schedules.extend((link or {}).get("schedules") or [])
    for schedule in schedules:
        if isinstance(schedule, dict) and schedule.get("byday") and str(schedule.get("freq") or "WEEKLY").upper() == "WEEKLY":
            yield schedule


def clock_time(value: Any) -> Optional[time]:
    """ "09:00" or "09:00:00" as a time; None for anything else."""
    try:
        return time.fromisoformat(str(value).strip()[:8]) if value else None
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
