"""Example phrasings are kept no longer than the conversations they come from (RETENTION_DAYS).

An example carries only its ISO week, so it goes once the Monday of its week is RETENTION_DAYS old:
none is kept longer than that (some go up to a week sooner). Expired examples are deleted whenever a
report arrives and whenever staff open the page, so none is ever shown. The counts hold nothing
written by a user and are kept.
"""
import datetime
from typing import Optional

from django.conf import settings
from django.utils import timezone

from .models import ExamplePhrasing


def last_expired_week(now: Optional[datetime.datetime] = None) -> str:
    """The ISO week holding the day RETENTION_DAYS ago: it and every earlier week have expired."""
    cutoff = ((now or timezone.now()) - datetime.timedelta(days=settings.RETENTION_DAYS)).date()
    year, week, _ = cutoff.isocalendar()
    return f"{year:04d}-W{week:02d}"


def delete_expired_examples(now: Optional[datetime.datetime] = None) -> int:
    # Weeks are "YYYY-Www" (recording.WEEK), so they sort as text.
    expired = ExamplePhrasing.objects.filter(week__lte=last_expired_week(now))
    if not expired.exists():  # a read: concurrent reports do not queue for SQLite's write lock
        return 0
    deleted, _ = expired.delete()
    return deleted
