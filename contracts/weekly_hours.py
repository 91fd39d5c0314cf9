"""What opening hours mean, for the directory (which filters and ranks in SQL and Python) and for the action
server (which checks a directory we do not host itself): the day codes, which days an `open=` value asks
about, "evening", and how long until a weekly opening next opens. Standard library only."""

import math
import os
from datetime import datetime, time, timedelta, tzinfo
from typing import List, Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
EVENING = time(18, 0)  # `open=evening`: open after 18:00 local time
NEVER = math.inf
DEFAULT_CITY_TIMEZONE = "Europe/Zurich"  # CITY_TIMEZONE when unset, in every process


def city_zone() -> Optional[tzinfo]:
    """The city's time zone (CITY_TIMEZONE); None, the server's local time, when it is not a known zone."""
    try:
        return ZoneInfo(os.environ.get("CITY_TIMEZONE") or DEFAULT_CITY_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def days_asked(when: str, now: datetime) -> List[str]:
    """The day codes an `open=` value asks about: now, today, evening (today), tomorrow, weekend or a day code."""
    today = now.weekday()
    return {
        "now": [DAY_CODES[today]],
        "today": [DAY_CODES[today]],
        "evening": [DAY_CODES[today]],
        "tomorrow": [DAY_CODES[(today + 1) % 7]],
        "weekend": ["SA", "SU"],
    }.get(when, [when.upper()])


def minutes_until(byday, opens_at, closes_at, now: datetime) -> float:
    """Minutes until a weekly opening (days `byday`, `opens_at`-`closes_at`) next opens; 0 when open now."""
    if opens_at is None or closes_at is None:
        return NEVER
    days = set((byday or "").split(","))
    for ahead in range(8):
        day = now + timedelta(days=ahead)
        if DAY_CODES[day.weekday()] not in days:
            continue
        opens = datetime.combine(day.date(), opens_at, tzinfo=now.tzinfo)
        closes = datetime.combine(day.date(), closes_at, tzinfo=now.tzinfo)
        if closes > now:
            return max(0.0, (opens - now).total_seconds() / 60)
    return NEVER
