"""Searching a city's own HSDS 3.0 API that we do not host (DIRECTORY_API_URL with CROSSWALK_FILE).

Such an API knows the standard parameters only (`taxonomy_term_id`, `page`, `per_page`, `full`); it has
never heard of our needs, our conditions or our ranking, and may refuse a parameter it does not know. So
a need is asked for as the city's own terms the crosswalk file maps to it (a category: its own terms and
its sub-needs' terms), one request per term, and the rest is done here on the full records: active
services only, the conditions a standard record lets us check (spoken language, opening hours, postal
code), the relevance order of our own directory (contracts/weekly_hours.py and contracts/geo.py measure
the same way) and the page.

A condition the records do not let us check (a neighbourhood, free of charge, walk-in, eligibility: our
directory derives them from its own terms and fields) is never claimed: nothing meets it, so the answer
says none was found with it and shows the list without it, labelled. README "Pointing the assistant at
an existing HSDS API".
"""

import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any, Dict, Iterable, List, Optional, Tuple

from contracts import crosswalk_file, needs
from contracts.geo import haversine_metres
from contracts.weekly_hours import EVENING, NEVER, city_zone, days_asked, minutes_until

from contracts.languages import record_name

from .directory_client import DirectoryClient, DirectoryRefused, DirectoryUnavailable, ServicePage, connection_settings
from .geo import valid_point
from .record_hours import as_dict, clock_time, is_current, weekly_hours

logger = logging.getLogger(__name__)

CHECKABLE = frozenset({"language", "open", "postal_code"})
PAGE_SIZE = 100  # the most results per request an HSDS API commonly allows


class ForeignDirectoryClient(DirectoryClient):
    """A DirectoryClient for another city's standard HSDS API, reached through a crosswalk file."""

    def __init__(self, crosswalk: Dict[str, List[str]], max_pages: int = 5, cache_seconds: float = 60.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.crosswalk = crosswalk
        self.max_pages, self.cache_seconds = max(1, max_pages), cache_seconds
        self._cache: Dict[str, Tuple[float, List[Dict[str, Any]]]] = {}
        self._cache_lock = threading.Lock()

    @classmethod
    def from_environment(cls) -> Optional["ForeignDirectoryClient"]:
        """The client when CROSSWALK_FILE names a crosswalk; None without one (our own directory).
        A file that is not a crosswalk stops the action server with the reason (CrosswalkFileError)."""
        path = os.environ.get("CROSSWALK_FILE", "").strip()
        if not path:
            return None
        return cls(
            crosswalk_file.load(path),
            max_pages=int(os.environ.get("FOREIGN_DIRECTORY_MAX_PAGES", "5")),
            cache_seconds=float(os.environ.get("FOREIGN_DIRECTORY_CACHE_SECONDS", "60")),
            **connection_settings(),
        )

    def can_check(self, parameter: str) -> bool:
        return parameter in CHECKABLE

    def terms_for(self, need: str) -> Tuple[List[str], List[str]]:
        """The city's terms for `need` itself, and those of its sub-needs (a category's list holds both)."""
        own = self.crosswalk.get(need, [])
        below = [term for child in needs.SUB_NEEDS.get(need, ()) for term in self.crosswalk.get(child, []) if term not in own]
        return own, list(dict.fromkeys(below))

    def search_services(
        self,
        taxonomy_term: str,
        per_page: int = 3,
        status: Optional[str] = "active",
        language: Optional[str] = None,
        lang: Optional[str] = None,
        near: Optional[Tuple[float, float]] = None,
        page: int = 1,
        filters: Optional[Dict[str, str]] = None,
        ranked: bool = False,
    ) -> ServicePage:
        """The same answer as our directory's search (DirectoryClient.search_services), worked out here."""
        conditions = {**(filters or {}), **({"language": language} if language else {})}
        own, below = self.terms_for(taxonomy_term)
        if not all(self.can_check(parameter) for parameter in conditions) or not own + below:
            return ServicePage([], 0)  # not checkable here, or a need the city has no term for
        tagged = self._services_tagged(own + below)
        direct = {service["id"] for term in own for service in tagged[term]}
        services = list({service["id"]: service for term in own + below for service in tagged[term]}.values())
        now = datetime.now(city_zone())
        services = [s for s in services if (not status or s.get("status") == status) and meets(s, conditions, now)]
        distances = {s["id"]: metres for s in services if (metres := distance(s, near)) is not None} if near else {}
        if ranked:
            spoken = conditions.get("language") or lang
            services.sort(key=lambda s: relevance(s, direct, now, spoken, distances.get(s["id"], NEVER)))
        elif near is not None:
            services.sort(key=lambda s: (distances.get(s["id"], NEVER), s["name"], s["id"]))
        else:
            services.sort(key=lambda s: (s["name"], s["id"]))
        start = (max(1, page) - 1) * per_page
        shown = services[start : start + per_page]
        return ServicePage(shown, len(services), {s["id"]: round(distances[s["id"]]) for s in shown if s["id"] in distances})

    def _services_tagged(self, terms: List[str]) -> Dict[str, List[Dict[str, Any]]]:
        """{term: the full services the API lists for it}, each term asked at most once a `cache_seconds`."""
        found: Dict[str, List[Dict[str, Any]]] = {}
        missing = []
        with self._cache_lock:
            for term in terms:
                at, services = self._cache.get(term, (-NEVER, []))
                if time.monotonic() - at < self.cache_seconds:
                    found[term] = services
                else:
                    missing.append(term)
        if missing:
            with ThreadPoolExecutor(max_workers=min(4, len(missing))) as pool:
                fetched = dict(zip(missing, pool.map(self._fetch_term, missing)))
            with self._cache_lock:
                for term, services in fetched.items():
                    self._cache[term] = (time.monotonic(), services)
            found.update(fetched)
        return found

    def _fetch_term(self, term: str) -> List[Dict[str, Any]]:
        """The usable services the API lists for `term`, page after page; none when it refuses the term (a term
        it no longer has must not take the rest of the need down with it)."""
        services: List[Dict[str, Any]] = []
        read = 0
        for number in range(1, self.max_pages + 1):
            try:
                body = self._get("services", {"taxonomy_term_id": term, "page": number, "per_page": PAGE_SIZE, "full": "true"}, check=_check_page)
            except DirectoryRefused as error:
                logger.warning("the directory refused a term of the crosswalk (%s): left out", error)
                return services
            read += len(body["contents"])
            services.extend(record for record in map(usable, body["contents"]) if record is not None)
            if is_last_page(body, number, read):
                return services
        logger.warning("the directory lists more than %d services for one term: the rest is left out", read)
        return services

    def places(self) -> Tuple[Dict[str, str], List[str]]:
        """No neighbourhoods (a standard HSDS API has no list of them: the `region` condition is not offered), and
        the postal codes of the services read so far (nor a list of those)."""
        with self._cache_lock:
            cached = [service for _, services in self._cache.values() for service in services]
        return {}, sorted({code for service in cached for code in postal_codes_of(service)})


def _check_page(body: Any) -> None:
    if not isinstance(body, dict) or not isinstance(body.get("contents"), list):
        raise DirectoryUnavailable("answer is not an HSDS page")


def _count(value: Any) -> Optional[int]:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def is_last_page(body: Dict[str, Any], number: int, read: int) -> bool:
    """Whether the page says it is the last (or is empty, or the pages or items announced are all read)."""
    total_pages, total_items = _count(body.get("total_pages")), _count(body.get("total_items"))
    return body.get("last_page") is True or not body["contents"] or (total_pages is not None and number >= total_pages) or (total_items is not None and read >= total_items)


def usable(record: Any) -> Optional[Dict[str, Any]]:
    """The record with its id as text, or None when it has no id or no name to show (one odd record is left
    out; the rest of the page is used)."""
    if not isinstance(record, dict):
        return None
    record_id, name = record.get("id"), record.get("name")
    if isinstance(record_id, bool) or not isinstance(record_id, (str, int)) or not str(record_id).strip():
        return None
    if not isinstance(name, str) or not name.strip():
        return None
    return {**record, "id": str(record_id).strip()}


def meets(service: Dict[str, Any], conditions: Dict[str, str], now: datetime) -> bool:
    """Whether the record shows that the service meets every (checkable) condition."""
    for parameter, value in conditions.items():
        if parameter == "language" and not speaks(service, value):
            return False
        if parameter == "open" and not any(opening_matches(hours, value, now) for hours in weekly_hours(service)):
            return False
        if parameter == "postal_code" and not any(same_postal_code(code, value) for code in postal_codes_of(service)):
            return False
    return True


def speaks(service: Dict[str, Any], code: Optional[str]) -> bool:
    """Whether a language record of the service is `code`, by code in any case or by its English name
    ("Arabic": many directories write the name only)."""
    if not code:
        return False
    wanted = {code.casefold(), record_name(code).casefold()}
    return any(str(language.get(key) or "").strip().casefold() in wanted for language in service.get("languages") or [] if isinstance(language, dict) for key in ("code", "name"))


def opening_matches(hours: Dict[str, Any], when: str, now: datetime) -> bool:
    """The directory's `open=` meaning (hsds/api/filters.py open_services) for one weekly opening."""
    if not set(hours["byday"].split(",")) & set(days_asked(when, now)) or not is_current(hours, now.date()):
        return False
    opens, closes = clock_time(hours.get("opens_at")), clock_time(hours.get("closes_at"))
    if when == "now":
        return opens is not None and closes is not None and opens <= now.time() < closes
    if when == "evening":
        return closes is not None and closes > EVENING
    return True


def locations_of(service: Dict[str, Any]) -> Iterable[Dict[str, Any]]:
    for link in service.get("service_at_locations") or []:
        location = as_dict(as_dict(link).get("location"))
        if location:
            yield location


def postal_codes_of(service: Dict[str, Any]) -> Iterable[str]:
    for location in locations_of(service):
        for address in location.get("addresses") or []:
            if isinstance(address, dict) and address.get("postal_code"):
                yield str(address["postal_code"])


def same_postal_code(code: str, wanted: str) -> bool:
    """The directory's rule (hsds/api/filters.py): the same code, spaces and hyphens aside, or a full code
    in the area `wanted` names ("SW1A" finds "SW1A 1AA")."""
    return _compact(code) == _compact(wanted) or code.upper().startswith(f"{wanted.strip().upper()} ")


def _compact(code: str) -> str:
    return "".join(character for character in str(code).upper() if character.isalnum())


def distance(service: Dict[str, Any], near: Optional[Tuple[float, float]]) -> Optional[float]:
    """Metres from `near` to the service's nearest location with real coordinates; None without one."""
    points = [point for location in locations_of(service) if (point := valid_point(location.get("latitude"), location.get("longitude")))]
    return min((haversine_metres(near[0], near[1], *point) for point in points), default=None)


def relevance(service: Dict[str, Any], direct: set, now: datetime, spoken: Optional[str], metres: float) -> tuple:
    """Our directory's `rank=relevance` key (hsds/api/ranking.py): the sub-need itself, open now or soonest,
    the language, distance, most recently verified, name."""
    waits = [minutes_until(h.get("byday"), clock_time(h.get("opens_at")), clock_time(h.get("closes_at")), now) for h in weekly_hours(service) if is_current(h, now.date())]
    assured = str(service.get("assured_date") or "")
    return (service["id"] not in direct, min(waits, default=NEVER), not speaks(service, spoken), metres, _newest_first(assured), service["name"], service["id"])


def _newest_first(date: str) -> int:
    try:
        return -datetime.strptime(date[:10], "%Y-%m-%d").toordinal()
    except ValueError:
        return 0


def directory_we_do_not_host() -> Optional[DirectoryClient]:
    """The client for DIRECTORY_API_URL when CROSSWALK_FILE says it is another city's HSDS API."""
    client = ForeignDirectoryClient.from_environment()
    if client is not None:  # opening hours are read in this zone: the city's, not the server's (CITY_TIMEZONE)
        logger.info("searching another HSDS API through a crosswalk of %d needs; opening hours in %s", len(client.crosswalk), city_zone())
    return client
