"""What `rank=relevance` sorts by, per service, read once per data version: the terms it is tagged with, its
weekly hours (its own and at its locations), the languages spoken, when it was verified. With these in memory
a ranked list is one query for the ids that pass the filters and a sort here, instead of
correlated subqueries over every matching row (ranking.in_database): the first ask of a question at 10,000
services drops from tens of milliseconds to a few.

The facts order the list; they never decide what is in it: the filters (language, open, region, ...) are
applied by the database at every request, and the page's records are the service documents of the same data
version (service_documents.py) or read from the database. They are keyed on the data version
(hsds/api/data_version.py), so a write is reflected in the order as soon as it is in the data. Without a
version (inside a transaction, the listener not connected) the database sorts as before. One process holds
one set (about 10 MB at 10,000 services); after a change it is read again in a background thread (~0.4 s at
10,000 services) while the database sorts.
"""

import logging
import threading
import uuid
from collections import defaultdict
from datetime import time
from typing import Dict, FrozenSet, Optional, Tuple

from django.db import connection
from django.utils import timezone

from contracts.weekly_hours import NEVER, minutes_until
from hsds import models as m

from . import data_version, loading, page_cache, parameters, service_documents
from .filters import asked_term

logger = logging.getLogger(__name__)

Pattern = Tuple[str, Optional[time], Optional[time]]


def _id(value) -> str:
    """One spelling of a UUID for every database: 32 hex digits (SQLite stores them so)."""
    return value.hex if isinstance(value, uuid.UUID) else str(value).replace("-", "")


def _time(value) -> Optional[time]:
    if value is None or isinstance(value, time):
        return value
    return time.fromisoformat(str(value))


def _rows(sql: str, params=()) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class Facts:
    """{service id as the cursor gives it: (its terms, its weekly hours, the languages spoken, key 5 as a number)}."""

    def __init__(self) -> None:
        table = {model: model._meta.db_table for model in (m.Service, m.Schedule, m.ServiceAtLocation, m.Language, m.Attribute)}
        terms = _grouped(_rows(f"SELECT link_id, taxonomy_term_id FROM {table[m.Attribute]} WHERE link_entity = %s", ["service"]))
        languages = _grouped(_rows(f"SELECT service_id, code FROM {table[m.Language]} WHERE service_id IS NOT NULL"), keep=str)
        verified = {_id(i): -assured.toordinal() for i, assured in m.Service.objects.filter(assured_date__isnull=False).values_list("id", "assured_date")}
        owner = dict((_id(link), _id(service)) for link, service in _rows(f"SELECT id, service_id FROM {table[m.ServiceAtLocation]}"))
        patterns: Dict[tuple, Pattern] = {}
        hours: Dict[str, set] = defaultdict(set)
        for service, link, byday, opens, closes in _rows(f"SELECT service_id, service_at_location_id, byday, opens_at, closes_at FROM {table[m.Schedule]}"):
            found = (byday, opens, closes)
            if found not in patterns:
                patterns[found] = (byday, _time(opens), _time(closes))
            who = _id(service) if service is not None else owner.get(_id(link)) if link is not None else None
            if who is not None:
                hours[who].add(patterns[found])
        shared: Dict[frozenset, frozenset] = {}  # services share their hours: one object (and one wait) per set
        nothing: FrozenSet[str] = frozenset()
        # Keyed by the id as this database's cursor gives it (the ids query's rows are looked up as they come).
        # Key 5 (verified, then the database's own name order: its collation, not Python's) as one number.
        named = [raw for (raw,) in _rows(f"SELECT id FROM {table[m.Service]} ORDER BY name, id")]
        last_key = {raw: n for n, raw in enumerate(sorted(named, key=lambda raw: verified.get(_id(raw), 0)))}  # stable: name order kept
        self.services: Dict[object, tuple] = {}
        for raw in named:
            i = _id(raw)
            kept = frozenset(hours.get(i, ()))
            self.services[raw] = (terms.get(i, nothing), shared.setdefault(kept, kept), languages.get(i, nothing), last_key[raw])

    def order(self, ids: list, direct_terms: FrozenSet[str], spoken: str, now) -> list:
        """`ids` (as the cursor gives them) sorted by ranking keys 1-3 and 5 (hsds/api/ranking.py), then name and id."""
        waits: Dict[frozenset, float] = {}
        services = self.services

        def key(service) -> tuple:
            terms, hours, languages, last = services[service]
            wait = waits.get(hours)
            if wait is None:
                wait = waits[hours] = min((minutes_until(*pattern, now) for pattern in hours), default=NEVER)
            return (terms.isdisjoint(direct_terms), wait, spoken not in languages, last)

        return sorted(ids, key=key)


def _grouped(rows, keep=_id) -> Dict[str, FrozenSet[str]]:
    grouped: Dict[str, set] = defaultdict(set)
    for owner, value in rows:
        grouped[_id(owner)].add(keep(value))
    return {owner: frozenset(values) for owner, values in grouped.items()}


class RankedIds:
    """Rows of the list in the order of `ids`, sliceable and countable like a queryset. The page is read by
    id from the plain list (`rows`: the filters were applied to the ids, and reading them again costs more than
    the rest); if the data changed since the ids were read, through the filters again (`filtered`), so a
    service that stopped meeting them in between is never shown."""

    distances: dict = {}

    def __init__(self, rows, filtered, ids: list, version: str, documents=None) -> None:
        self.rows, self.filtered, self.ids, self.version = rows, filtered, ids, version
        self.documents = documents  # for a page of full services: (request, lang), to take them from the documents

    def count(self) -> int:
        return len(self.ids)

    def __getitem__(self, window: slice) -> list:
        ids = [i if isinstance(i, uuid.UUID) else uuid.UUID(str(i)) for i in self.ids[window]]
        if self.documents is not None:
            request, lang = self.documents
            held = service_documents.held_rows(request, ids, lang, self.version)
            if held is not None:
                return held
        found = {row.id: row for row in self.rows.filter(id__in=ids)}
        if data_version.current() != self.version:
            found = {row.id: row for row in self.filtered.filter(id__in=ids)}
        return [found[i] for i in ids if i in found]


_held: Dict[str, object] = {"facts": (None, None)}
_building = threading.Lock()


def current(request) -> Optional[Tuple[str, Facts]]:
    """(version, facts) of the current data; None while they are being read (in the background, after a change:
    no question waits for them; the database sorts meanwhile) or when there is no version."""
    version = data_version.for_request(request)
    if version is None:
        return None
    held_version, facts = _held["facts"]
    if held_version == version:
        return version, facts
    if _building.acquire(blocking=False):
        try:
            threading.Thread(target=_build, args=(version,), name="hsds-ranking-facts", daemon=True).start()
        except RuntimeError:  # no thread to be had: the next question tries again
            _building.release()
    return None


def _build(version: str) -> None:
    """Read the facts for `version` (read after it: never older than it); runs with `_building` held."""
    try:
        if _held["facts"][0] != version:
            _held["facts"] = (version, Facts())
            data_version.keep_long_lived()
    except Exception:  # noqa: BLE001 - the database sorts until the next attempt
        logger.exception("ranking facts could not be read")
    finally:
        try:
            connection.close()  # this thread's own connection
        finally:
            _building.release()


def ranked_services(request, queryset, lang: str, held: Tuple[str, Facts]):
    """The service list in relevance order (no point given), sorted with the facts; None when a service is not
    in them (created after they were read): the database sorts then."""
    version, facts = held
    query = queryset.prefetch_related(None).order_by().values_list("id", flat=True)
    sql, params = query.query.sql_with_params()
    ids = [row[0] for row in _rows(sql, params)]
    if not all(map(facts.services.__contains__, ids)):
        return None
    term = asked_term(request)
    direct: FrozenSet[str] = frozenset()
    if term is not None:
        mapped = m.CrosswalkMapping.objects.filter(need_id=term.id).values_list("foreign_term_id", flat=True)
        direct = page_cache.remembered(request, ("mapped to", term.id), lambda: frozenset(_id(i) for i in [term.id, *mapped]))
    spoken = parameters.spoken_language(request.query_params) or lang
    documents = (request, lang) if parameters.boolean(request.query_params, "full") else None
    return RankedIds(loading.service_queryset(lang), queryset, facts.order(ids, direct, spoken, timezone.localtime()), version, documents)
