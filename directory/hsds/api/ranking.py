"""Profile extension `rank=relevance`: the service lists in the order that answers a person's question best.

Rows are sorted by, in this order (each key breaks the ties of the one before):
1. sub-need: linked to the very category `taxonomy_term_id` names (or to a city's term the crosswalk maps to it)
   before those linked only to one below it;
2. open now, then opening soonest (within the coming week), then no known hours, in the city's time zone;
3. speaks the language asked for (`language`, else `lang`, the conversation's language);
4. distance from `lat`/`lon`, nearest first, when a point is given (no coordinates: last);
5. most recently verified (`assured_date`), then name.
Without a point, the service list is sorted in Python with the ranking facts held in memory per data version
(ranking_facts.py: one query for the filtered ids); without them (inside a transaction, while they are being
built, for service_at_locations) the database sorts (keys 1-3 and 5 as SQL expressions, see `in_database`) and
returns only the page; with a point, distance is measured in Python (haversine) and each key is one query over
the already filtered rows. Each way a ranked page costs a fixed number of queries, and all give the same order
(tests/directory/test_ranking_in_database.py).
"""

from django.db.models import Exists, F, Func, IntegerField, OuterRef, Q
from django.utils import timezone

from contracts.weekly_hours import DAY_CODES, NEVER, minutes_until
from hsds import models as m

from . import parameters, ranking_facts
from .filters import NearestFirst, asked_term, nearest_first, nearest_metres


def minutes_until_open(schedules, now) -> dict:
    """{service id: minutes until it next opens (0 when open now)} from (service id, byday, opens, closes) rows.

    Directories repeat a few patterns ("Mon-Fri 09:00-17:00") over thousands of services: each pattern
    is worked out once per request."""
    soonest, patterns = {}, {}
    for service_id, *pattern in schedules:
        pattern = tuple(pattern)
        wait = patterns.get(pattern)
        if wait is None:
            wait = patterns[pattern] = minutes_until(*pattern, now)
        if wait < soonest.get(service_id, NEVER):
            soonest[service_id] = wait
    return soonest


def service_schedules(service_ids):
    """(service id, byday, opens_at, closes_at) of the services' own schedules and those at their locations, one query."""
    own = m.Schedule.objects.filter(service_id__in=service_ids).order_by().values_list("service_id", "byday", "opens_at", "closes_at")
    at_locations = m.Schedule.objects.filter(service_at_location__service_id__in=service_ids).order_by().values_list("service_at_location__service_id", "byday", "opens_at", "closes_at")
    return own.union(at_locations, all=True)


DAY_SECONDS = 86400
NEVER_SECONDS = 10 * 7 * DAY_SECONDS  # sorts after any wait within the coming week
SECONDS_OF_DAY = {  # of a TimeField column, in plain SQL (SQLite keeps times as 'HH:MM:SS[.ffffff]' text)
    "sqlite": "(CAST(substr({0}, 1, 2) AS INTEGER) * 3600 + CAST(substr({0}, 4, 2) AS INTEGER) * 60 + CAST(substr({0}, 7, 2) AS INTEGER))",
    "postgresql": "CAST(EXTRACT(EPOCH FROM {0}) AS INTEGER)",
}
HAS_DAY = {"sqlite": "instr(s.byday, %s) > 0", "postgresql": "strpos(s.byday, %s) > 0"}
LEAST = {"sqlite": "min", "postgresql": "LEAST"}


class SoonestOpening(Func):
    """Seconds until the service in the given column next opens (0: open now; NEVER_SECONDS: not within a
    week), its own schedules and those at its locations: `minutes_until` in SQL, one correlated subquery
    per schedule owner. Written as SQL text because an ORM expression of this size costs more to build per
    request than the database needs to evaluate it."""

    output_field = IntegerField()

    def __init__(self, service_column: str, now) -> None:
        super().__init__(F(service_column))
        self.now = now

    def as_sql(self, compiler, connection, **extra):
        service_sql, service_params = compiler.compile(self.source_expressions[0])
        vendor = connection.vendor
        opens, closes = SECONDS_OF_DAY[vendor].format("s.opens_at"), SECONDS_OF_DAY[vendor].format("s.closes_at")
        second = self.now.hour * 3600 + self.now.minute * 60 + self.now.second
        day = [DAY_CODES[(self.now.weekday() + ahead) % 7] for ahead in range(8)]
        wait = (
            f"CASE WHEN s.opens_at IS NULL OR s.closes_at IS NULL THEN NULL"
            f" WHEN {HAS_DAY[vendor]} AND {closes} > %s THEN CASE WHEN {opens} > %s THEN {opens} - %s ELSE 0 END"
            + "".join(f" WHEN {HAS_DAY[vendor]} THEN {opens} + %s" for _ in range(1, 8))
            + " ELSE NULL END"
        )
        wait_params = [day[0], second, second, second]
        for ahead in range(1, 8):
            wait_params += [day[ahead], ahead * DAY_SECONDS - second]
        schedule, service_at_location = m.Schedule._meta.db_table, m.ServiceAtLocation._meta.db_table
        own = f"SELECT MIN({wait}) FROM {schedule} s WHERE s.service_id = {service_sql}"
        at_locations = f"SELECT MIN({wait}) FROM {schedule} s JOIN {service_at_location} l ON l.id = s.service_at_location_id" f" WHERE l.service_id = {service_sql}"
        sql = f"{LEAST[vendor]}(COALESCE(({own}), %s), COALESCE(({at_locations}), %s))"
        params = [*wait_params, *service_params, NEVER_SECONDS, *wait_params, *service_params, NEVER_SECONDS]
        return sql, params


def very_term(term) -> Q:
    """Attributes naming the very term asked for, or a city's own term the crosswalk maps to it (key 1)."""
    return Q(taxonomy_term_id=term.id) | Q(taxonomy_term_id__in=m.CrosswalkMapping.objects.filter(need_id=term.id).values("foreign_term_id"))


def in_database(request, queryset, service_links: bool, lang: str):
    """`queryset` sorted by the database with keys 1-3 and 5 (no point: distance plays no part)."""
    query = request.query_params
    service_id = "id" if service_links else "service_id"
    term = asked_term(request)
    keys = {}
    if term is not None:
        keys["rank_direct"] = Exists(m.Attribute.objects.filter(very_term(term), link_entity="service", link_id=OuterRef(service_id)))
    keys["rank_wait"] = SoonestOpening(service_id, timezone.localtime())
    spoken = parameters.spoken_language(query) or lang
    if spoken:
        keys["rank_speaks"] = Exists(m.Language.objects.filter(code=spoken, service_id=OuterRef(service_id)))
    assured = "assured_date" if service_links else "service__assured_date"
    order = [F(name).desc() if name != "rank_wait" else F(name).asc() for name in keys]
    tail = ["name", "id"] if service_links else ["service__name", "id"]
    return queryset.alias(**keys).order_by(*order, F(assured).desc(nulls_last=True), *tail)


def ranked(request, queryset, service_links: bool, lang: str):
    """`queryset` (services, or service_at_locations when not `service_links`) in relevance order."""
    if parameters.point(request.query_params) is None:
        held = ranking_facts.current(request) if service_links else None
        rows = ranking_facts.ranked_services(request, queryset, lang, held) if held is not None else None
        if rows is not None:  # the facts in memory: one query for the ids, sorted here
            return rows
        return in_database(request, queryset, service_links, lang)
    return in_memory(request, queryset, service_links, lang)


def in_memory(request, queryset, service_links: bool, lang: str) -> NearestFirst:
    """`queryset` in relevance order, sorted here: distance from a point needs the haversine formula."""
    query = request.query_params
    service_field = "id" if service_links else "service_id"
    if service_links:
        rows = [(i, i, assured) for i, assured in queryset.prefetch_related(None).order_by("name", "id").values_list("id", "assured_date")]
    else:
        rows = list(queryset.prefetch_related(None).values_list("id", "service_id", "service__assured_date"))
    service_ids = queryset.values(service_field)

    term = asked_term(request)
    direct = set()
    if term is not None:
        direct = set(m.Attribute.objects.filter(very_term(term), link_entity="service", link_id__in=service_ids).values_list("link_id", flat=True))

    now = timezone.localtime()
    opening = minutes_until_open(service_schedules(service_ids), now)

    spoken = parameters.spoken_language(query) or lang
    speaking = set(m.Language.objects.filter(code=spoken, service_id__in=service_ids).values_list("service_id", flat=True)) if spoken else set()

    where = parameters.point(query)
    distances = {}
    if where is not None:
        located = m.ServiceAtLocation.objects.filter(service_id__in=service_ids) if service_links else queryset.prefetch_related(None).order_by()
        distances = nearest_metres(where, located, "service_id" if service_links else "id")

    def key(row):
        row_id, service_id, assured = row
        verified = -assured.toordinal() if assured else 0
        return (service_id not in direct, opening.get(service_id, NEVER), service_id not in speaking, distances.get(row_id, NEVER), verified)

    if where is not None and where[2] is not None:  # a radius keeps only what lies within it
        rows = [row for row in rows if row[0] in distances and distances[row[0]] <= where[2]]
    return NearestFirst(queryset, [row[0] for row in sorted(rows, key=key)], distances)


def ordered(request, queryset, service_links: bool, lang: str):
    """The list in the order `rank` asks for: relevance (above) or the usual one (nearest first with a point)."""
    if parameters.ranking(request.query_params) == "relevance":
        return ranked(request, queryset, service_links, lang)
    return nearest_first(request, queryset, service_links)
