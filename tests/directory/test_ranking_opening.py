"""The opening key of `rank=relevance`: minutes until each service next opens, worked out once per
weekly pattern (a real directory repeats "Mon-Fri 09:00-17:00" over thousands of services)."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import django_harness

django_harness.setup()

from hsds.api.ranking import NEVER, minutes_until_open  # noqa: E402

SATURDAY_NOON = datetime(2026, 12, 5, 12, 0, tzinfo=ZoneInfo("Europe/London"))


def test_services_sharing_a_pattern_get_the_same_wait_and_the_soonest_of_several_counts():
    rows = [
        ("a", "MO,TU,WE,TH,FR", time(9), time(17)),
        ("b", "MO,TU,WE,TH,FR", time(9), time(17)),
        ("c", "SA", time(10), time(13)),  # open now
        ("d", "SA", time(8), time(11)),  # closed an hour ago: next Saturday
        ("d", "SU", time(10), time(12)),  # ... but opens tomorrow at 10
        ("e", "SA", None, None),  # no hours: never ranked as open
    ]
    waits = minutes_until_open(rows, SATURDAY_NOON)
    assert waits["a"] == waits["b"] == (2 * 24 - 3) * 60  # Monday 09:00
    assert waits["c"] == 0
    assert waits["d"] == 22 * 60
    assert waits.get("e", NEVER) == NEVER
