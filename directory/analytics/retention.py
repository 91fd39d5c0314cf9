"""Scrubbed example phrasings are kept no longer than conversations: RETENTION_DAYS after the end of
their ISO week they are deleted (counts stay: they hold no words). Run on every report that keeps an
example and every time staff read them, so no scheduler is needed."""

import datetime
import os
from typing import Optional

from .models import ExamplePhrasing


def retention_days() -> float:
    return float(os.environ.get("RETENTION_DAYS", "30"))


def expired_weeks(today: Optional[datetime.date] = None, days: Optional[float] = None) -> set:
    """The ISO weeks (as stored, '2026-W48') whose last day is more than `days` before `today`."""
    today = today or datetime.date.today()
    limit = today - datetime.timedelta(days=retention_days() if days is None else days)
    expired = set()
    for week in ExamplePhrasing.objects.values_list("week", flat=True).distinct():
        try:
            year, number = week.split("-W")
            if datetime.date.fromisocalendar(int(year), int(number), 7) < limit:
                expired.add(week)
        except ValueError:
            expired.add(week)  # not a week we wrote: nothing to keep it for
    return expired


def forget_old_examples(today: Optional[datetime.date] = None, days: Optional[float] = None) -> int:
    weeks = expired_weeks(today, days)
    return ExamplePhrasing.objects.filter(week__in=weeks).delete()[0] if weeks else 0
