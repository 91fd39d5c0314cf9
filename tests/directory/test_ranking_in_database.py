"""`rank=relevance` without a point is sorted by the database (ranking.in_database, only the page leaves it);
with a point, in Python (ranking.in_memory, distance by haversine); with the ranking facts in memory, sorted in
Python without a point (ranking_facts). All must give the same order: compared
here on the demo city plus awkward schedules (overnight, closed earlier today, no hours, at a location only)
at every hour of the day over a week, for both lists and for sub-needs, categories and spoken languages."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

import django_harness

django_harness.setup()

from django.test import RequestFactory  # noqa: E402
from rest_framework.request import Request  # noqa: E402

from hsds import models as m  # noqa: E402
from hsds.api import loading, ranking, ranking_facts  # noqa: E402
from hsds.api.filters import filter_services  # noqa: E402

pytestmark = pytest.mark.usefixtures("demo_city_database", "rolled_back")

CITY = ZoneInfo("Europe/London")
MONDAY = datetime(2026, 11, 30, tzinfo=CITY)
QUERIES = [
    {},
    {"taxonomy_term_id": "health"},
    {"taxonomy_term_id": "health-doctor"},
    {"taxonomy_term_id": "housing", "language": "ar"},
    {"taxonomy_term_id": "employment", "language": "ti"},
    {"language": "uk"},
]
AWKWARD = [  # (byday, opens, closes, at a location rather than the service's own)
    ("MO,TU,WE,TH,FR,SA,SU", time(22), time(6), False),  # overnight: Python's rule is "closes later today"
    ("SA", time(8), time(9, 30), False),
    ("", time(9), time(17), False),  # no days: never
    ("WE", None, None, False),  # no hours: never
    ("TU,TH", time(7, 15, 30), time(7, 45), True),
    ("SU", time(0), time(23, 59, 59), True),
]


@pytest.fixture
def awkward_schedules():
    services = list(m.Service.objects.order_by("id")[: len(AWKWARD)])
    for service, (byday, opens, closes, at_location) in zip(services, AWKWARD):
        link = service.service_at_locations.first() if at_location else None
        if at_location and link is None:
            link = m.ServiceAtLocation.objects.create(service=service, location=m.Location.objects.first())
        m.Schedule.objects.bulk_create(
            [m.Schedule(service=None if at_location else service, service_at_location=link, byday=byday, opens_at=opens, closes_at=closes, freq="WEEKLY")]
        )  # bulk: no validation of the odd ones


def order(query, service_links, sort, lang="en"):
    request = Request(RequestFactory().get("/api/services", query))
    base = loading.service_queryset(lang) if service_links else loading.service_at_location_queryset(lang)
    queryset = filter_services(request, base, service_field="" if service_links else "service")
    rows = sort(request, queryset, service_links, lang)
    return [row.id for row in rows[0 : rows.count()]]


def with_facts(request, queryset, service_links, lang):
    """ranking_facts' order with facts read now (in the test's transaction, where the cache does not work)."""
    return ranking_facts.ranked_services(request, queryset, lang, ("now", ranking_facts.Facts()))


@pytest.mark.parametrize("service_links", [True, False], ids=["services", "service_at_locations"])
def test_the_database_and_python_give_the_same_order_around_the_clock(awkward_schedules, monkeypatch, service_links):
    compared = 0
    for hour in range(0, 7 * 24, 5):  # 5: each hour of the day on some weekday
        now = MONDAY + timedelta(hours=hour, minutes=(hour * 17) % 60, seconds=hour % 60)
        monkeypatch.setattr(ranking.timezone, "localtime", lambda now=now: now)
        lang = ("en", "ar", "uk")[hour % 3]  # the conversation's language ranks those who speak it first
        for query in QUERIES:
            in_database = order(query, service_links, ranking.in_database, lang)
            assert in_database == order(query, service_links, ranking.in_memory, lang), (now, query, lang)
            if service_links:
                assert in_database == order(query, service_links, with_facts, lang), (now, query, lang)
            compared += len(in_database)
    assert compared > 34 * 65  # every service, each time


def test_the_sub_need_comes_first_then_open_now_then_opening_soonest(monkeypatch):
    saturday_noon = datetime(2026, 12, 5, 12, 0, tzinfo=CITY)
    monkeypatch.setattr(ranking.timezone, "localtime", lambda: saturday_noon)
    rows = order({"taxonomy_term_id": "health"}, True, ranking.in_database)
    health = m.TaxonomyTerm.objects.get(code="health")
    direct = set(m.Attribute.objects.filter(link_entity="service", taxonomy_term=health).values_list("link_id", flat=True))
    waits = ranking.minutes_until_open(ranking.service_schedules(rows), saturday_noon)
    keys = [(service_id not in direct, waits.get(service_id, ranking.NEVER)) for service_id in rows]
    assert keys == sorted(keys)
    assert 0 in {wait for _, wait in keys} and len({wait for _, wait in keys}) > 3  # open now, and several waits
